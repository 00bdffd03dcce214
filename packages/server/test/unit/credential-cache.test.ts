import { describe, expect, it } from 'vitest';
import { CredentialCache } from '../../src/auth/credential-cache.js';

describe('credential cache', () => {
  it('keeps a hit for its time to live, then asks again', async () => {
    const c = new CredentialCache<string>(50);
    let asked = 0;
    const look = () => c.through('k', async () => (asked++, 'row'));
    expect(await look()).toBe('row');
    expect(await look()).toBe('row');
    expect(asked).toBe(1);
    await new Promise((r) => setTimeout(r, 60));
    expect(await look()).toBe('row');
    expect(asked).toBe(2);
  });

  it('never keeps a miss (a wrong key is looked up every time and fills nothing)', async () => {
    const c = new CredentialCache<string>(10_000);
    let asked = 0;
    for (let i = 0; i < 3; i++) expect(await c.through('nope', async () => (asked++, undefined))).toBeUndefined();
    expect(asked).toBe(3);
  });

  it('a look-up that started before a clear does not store what it read (it may be the old row)', async () => {
    const c = new CredentialCache<string>(10_000);
    let release!: (v: string) => void;
    const slow = c.through('k', () => new Promise<string>((r) => (release = r)));
    c.clear(); // e.g. the key was revoked while the look-up ran
    release('old row');
    expect(await slow).toBe('old row'); // that request saw it as it was when it asked...
    let asked = 0;
    expect(await c.through('k', async () => (asked++, 'new row'))).toBe('new row'); // ...the next one asks again
    expect(asked).toBe(1);
  });

  it('stays bounded: past its size it starts over', async () => {
    const c = new CredentialCache<number>(10_000, 3);
    for (let i = 0; i < 5; i++) await c.through(`k${i}`, async () => i);
    expect([0, 1, 2, 3, 4].filter((i) => c.get(`k${i}`) !== undefined)).toEqual([3, 4]);
  });
});

import { describe, expect, it } from 'vitest';
import { PassLoop } from '../../src/webhooks/pass-loop.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the outbox workers\' pass loop', () => {
  it('passes never overlap; wakes during a pass and more() make one pass more each round, not one per wake', async () => {
    let running = 0;
    let overlapped = false;
    let passes = 0;
    let release: () => void = () => {};
    const loop: PassLoop = new PassLoop(async () => {
      overlapped ||= running > 0;
      running++;
      passes++;
      if (passes === 1) await new Promise<void>((r) => (release = r));
      running--;
    }, 60_000, () => {});
    loop.start();
    await sleep(20);
    expect(passes).toBe(1);
    for (let i = 0; i < 5; i++) void loop.run(); // five wakes while the first pass waits
    release();
    await sleep(20);
    expect(passes).toBe(2);
    expect(overlapped).toBe(false);
    await loop.stop();
  });

  it('the earliest wake stands; a failed pass is reported and tried again at the poll; nothing after stop', async () => {
    const at: number[] = [];
    const errors: unknown[] = [];
    let fail = true;
    const loop = new PassLoop(async () => {
      at.push(Date.now());
      if (fail) {
        fail = false;
        throw new Error('database gone');
      }
    }, 200, (err) => errors.push(err));
    loop.start();
    await sleep(20);
    expect(errors.map(String)).toEqual(['Error: database gone']);
    await sleep(230); // the poll after the failure
    expect(at).toHaveLength(2);
    loop.wake(10);
    loop.wake(5_000); // later: the earlier stands
    await sleep(30);
    expect(at).toHaveLength(3);
    await loop.stop();
    loop.wake(0);
    await sleep(20);
    expect(at).toHaveLength(3);
  });
});

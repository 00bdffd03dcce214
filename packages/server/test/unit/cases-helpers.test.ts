import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TokenBuckets } from '../../src/cases/rate-limit.js';
import { contentDisposition, sanitizeName, typeAccepted } from '../../src/attachments/files.js';
import { pauseAt, resumeAt, isPaused } from '../../src/clocks/compute.js';

describe('public form rate limit', () => {
  it('allows a burst, then one per refill interval, and says how long to wait', () => {
    const b = new TokenBuckets(3, 6); // 6 a minute: one every 10 s
    for (let i = 0; i < 3; i++) expect(b.take('ip', 0).ok).toBe(true);
    expect(b.take('ip', 0)).toEqual({ ok: false, retryAfterMs: 10_000 });
    expect(b.take('other', 0).ok).toBe(true); // per address
    expect(b.take('ip', 10_000).ok).toBe(true);
    expect(b.take('ip', 10_000).ok).toBe(false);
  });
  it('keeps memory bounded under a flood of addresses', () => {
    const b = new TokenBuckets(1, 60, 100);
    for (let i = 0; i < 1000; i++) b.take(`ip${i}`, i);
    expect((b as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(100);
  });
});

describe('attachment names and types', () => {
  it('strips folders and unsafe characters, keeps the extension, never empty', () => {
    expect(sanitizeName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeName('C:\\Users\\x\\report<1>.pdf')).toBe('report_1_.pdf');
    expect(sanitizeName('..')).toBe('file');
    expect(sanitizeName(undefined)).toBe('file');
    expect(sanitizeName(`${'a'.repeat(300)}.docx`)).toMatch(/^a{195}\.docx$/);
    expect(sanitizeName('evil\u202egnp.exe')).toBe('evil_gnp.exe');
  });
  it('never lets a name break out of the header (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (raw) => {
        const name = sanitizeName(raw);
        expect(name.length).toBeGreaterThan(0);
        expect(name.length).toBeLessThanOrEqual(200);
        expect([...name].some((ch) => ch < ' ' || ch === '/' || ch === '\\' || ch === '"')).toBe(false);
        const header = contentDisposition(name);
        expect(header).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%!._~-]*$/);
      }),
    );
  });
  it('matches accepted types exactly or by family', () => {
    expect(typeAccepted(['image/*', 'application/pdf'], 'image/png')).toBe(true);
    expect(typeAccepted(['image/*'], 'imagex/png')).toBe(false);
    expect(typeAccepted(['application/pdf'], 'application/pdfx')).toBe(false);
  });
});

describe('clock pauses', () => {
  it('pause then resume closes the one open interval; repeated pauses do not stack', () => {
    const p = pauseAt(pauseAt([], 10), 20);
    expect(p).toEqual([{ from: 10, to: null }]);
    expect(isPaused(p)).toBe(true);
    expect(resumeAt(p, 30)).toEqual([{ from: 10, to: 30 }]);
    expect(resumeAt([{ from: 10, to: 30 }], 40)).toEqual([{ from: 10, to: 30 }]);
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import pg from 'pg';
import { parseTimestamptz, readPrinted } from '../../src/db/timestamps.js';

// The driver's own parser (postgres-date), as it was before ours was installed.
const driver = pg.types.getTypeParser(1184, 'text') as (s: string) => Date | number | null;
const time = (v: Date | number | null) => (v instanceof Date ? v.getTime() : v);
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A timestamptz as PostgreSQL prints it (DateStyle ISO) in a zone `offsetSeconds` east of UTC. */
function printed(ms: number, micros: number, digits: number, offsetSeconds: number): string {
  const local = new Date(ms + offsetSeconds * 1000);
  const frac = String(local.getUTCMilliseconds() * 1000 + micros).padStart(6, '0').slice(0, digits).replace(/0+$/, '');
  const off = Math.abs(offsetSeconds);
  const zone = `${offsetSeconds < 0 ? '-' : '+'}${pad(Math.floor(off / 3600))}${off % 3600 ? `:${pad(Math.floor((off % 3600) / 60))}` : ''}${off % 60 ? `:${pad(off % 60)}` : ''}`;
  return `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${frac ? `.${frac}` : ''}${zone}`;
}

describe('timestamptz parser', () => {
  it('reads what PostgreSQL prints exactly as the driver does, for any instant, fraction and offset', () => {
    const offsets = fc.oneof(fc.integer({ min: -12, max: 14 }).map((h) => h * 3600), fc.integer({ min: -15 * 3600, max: 15 * 3600 }).map((s) => s - (s % 60)), fc.integer({ min: -15 * 3600, max: 15 * 3600 }));
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1000, 0, 2), max: Date.UTC(9999, 11, 30) }), fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 6 }), offsets, (ms, micros, digits, offset) => {
        const s = printed(ms, micros, digits, offset);
        const fast = readPrinted(s);
        expect(fast, s).toBeInstanceOf(Date); // read by the fast path, not handed on
        expect(fast!.getTime(), s).toBe(time(driver(s)));
      }),
      { numRuns: 5000 },
    );
  });

  it('hands every other shape to the driver (infinity, BC, short and long years, trailing text)', () => {
    for (const s of ['infinity', '-infinity', '0044-03-15 12:00:00+00 BC', '0099-01-01 00:00:00+00', '0999-12-31 23:59:59.5+00', '12026-01-01 00:00:00+00', '2026-12-03 10:00:00+00 BC', '2026-12-03 10:00:00Z', '2026-12-03', 'nonsense'])
    {
      expect(readPrinted(s), s).toBeUndefined();
      expect(time(parseTimestamptz(s)), s).toEqual(time(driver(s)));
    }
  });

  it('reads the shapes real zones print', () => {
    expect(readPrinted('2026-12-03 15:30:00.123456+05:30')!.toISOString()).toBe('2026-12-03T10:00:00.123Z');
    expect(readPrinted('1883-11-18 12:03:58-07:52:58')!.toISOString()).toBe('1883-11-18T19:56:56.000Z');
    expect(readPrinted('2026-06-01 00:00:00-04')!.toISOString()).toBe('2026-06-01T04:00:00.000Z');
  });
});

import pg from 'pg';

// Every timestamptz the server reads goes through the driver's text parser (postgres-date: three
// regular expressions and a split per value). On the burst of 100,000 SLA clocks it was a tenth of
// the server's time (three timestamps a clock), and about 1 % of every other hot path. PostgreSQL
// prints timestamptz in one shape (DateStyle ISO, which the driver relies on anyway), so that
// shape is read digit by digit; anything else (infinity, BC, years outside 1000–9999, an unusual
// offset) goes to the driver's own parser, so the answers are the driver's.

const TIMESTAMPTZ = 1184;
const fallback = pg.types.getTypeParser(TIMESTAMPTZ, 'text') as (s: string) => Date | number | null;

/** Digit value at `i`, or -1 when not a digit. */
function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

function two(s: string, i: number): number {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]` as PostgreSQL prints it; the driver's parser for anything else. */
export function parseTimestamptz(s: string): Date | number | null {
  return readPrinted(s) ?? fallback(s);
}

/** The fast path alone: undefined for any other shape. */
export function readPrinted(s: string): Date | undefined {
  if (s.length < 22 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 32 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const hi = two(s, 0);
  const lo = two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  const hour = two(s, 11);
  const minute = two(s, 14);
  const second = two(s, 17);
  if (hi < 10 || lo < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46) {
    // Fraction: the first three digits are the milliseconds (a Date keeps no finer; it truncates).
    i++;
    for (let scale = 100; ; scale /= 10, i++) {
      const d = digit(s, i);
      if (d < 0) break;
      if (scale >= 1) ms += d * scale;
    }
  }
  const sign = s.charCodeAt(i);
  if (sign !== 43 && sign !== 45) return undefined;
  let offset = two(s, i + 1) * 3600;
  i += 3;
  if (offset < 0) return undefined;
  for (let unit = 60; i < s.length; unit /= 60) {
    const part = s.charCodeAt(i) === 58 && unit >= 1 ? two(s, i + 1) : -1;
    if (part < 0) return undefined; // trailing text (e.g. " BC") or a malformed offset
    offset += part * unit;
    i += 3;
  }
  const at = Date.UTC(hi * 100 + lo, month - 1, day, hour, minute, second, ms) - (sign === 45 ? -offset : offset) * 1000;
  return new Date(at);
}

/** Installs the parser for every timestamptz node-postgres reads (the embedded database parses its own). */
export function useFastTimestamps(): void {
  pg.types.setTypeParser(TIMESTAMPTZ, parseTimestamptz);
}

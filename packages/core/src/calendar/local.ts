import { isoDate, parseDate } from './compiled.js';
import { DAY_MS, zoneClock } from './zone.js';

const pad = (n: number, w = 2) => String(Math.trunc(Math.abs(n))).padStart(w, '0');

/** ISO-8601 with the zone's offset at `t`, e.g. 2026-03-02T10:00:00.000+01:00 (for answers and previews). */
export function localIso(timeZone: string, t: number): string {
  const off = zoneClock(timeZone).offset(t);
  const wall = new Date(t + off).toISOString().slice(0, 23);
  const m = Math.round(Math.abs(off) / 60_000);
  return `${wall}${off < 0 ? '-' : '+'}${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

/** The local date 'YYYY-MM-DD' of instant `t` in the zone. */
export function localDate(timeZone: string, t: number): string {
  return isoDate(zoneClock(timeZone).localDay(t));
}

/** The instant the local date 'YYYY-MM-DD' begins in the zone; NaN for a bad date. */
export function localDayStart(timeZone: string, date: string): number {
  const day = parseDate(date);
  return Number.isNaN(day) ? NaN : zoneClock(timeZone).instant(day * DAY_MS);
}

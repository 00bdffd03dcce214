import { DateTime } from 'luxon';

export const INTERVALS = ['hour', 'day', 'week', 'month', 'total'] as const;
export type Interval = (typeof INTERVALS)[number];

const HOUR = 3_600_000;

/** Widest range per interval: keeps a report to a few thousand buckets at most. */
export const MAX_RANGE_DAYS: Record<Interval, number> = { hour: 31, day: 400, week: 800, month: 1900, total: 1900 };

/**
 * Start of the bucket holding instant `t`. Weeks start on Monday (ISO). Buckets are built from whole
 * UTC hours (the rollup's grain), so in a zone with a half-hour offset a day starts at the hour
 * before local midnight.
 */
export function bucketStart(t: number, interval: Interval, zone: string, rangeStart: number): number {
  if (interval === 'total') return rangeStart;
  if (interval === 'hour') return Math.floor(t / HOUR) * HOUR;
  const local = DateTime.fromMillis(t, { zone }).startOf(interval === 'week' ? 'week' : interval);
  return Math.floor(local.toMillis() / HOUR) * HOUR;
}

/** Every bucket start in [from, to), in order; the first may begin before `from` (it is clipped). */
export function bucketStarts(from: number, to: number, interval: Interval, zone: string): number[] {
  if (to <= from) return [];
  if (interval === 'total') return [from];
  const out: number[] = [];
  let b = bucketStart(from, interval, zone, from);
  while (b < to) {
    out.push(b);
    const next = interval === 'hour' ? b + HOUR : bucketStart(DateTime.fromMillis(b, { zone }).plus({ [`${interval}s`]: 1 }).toMillis() + HOUR, interval, zone, from);
    b = next > b ? next : b + HOUR; // never loop on a zone quirk
  }
  return out;
}

export type RangeProblem = { param: 'from' | 'to' | 'interval'; detail: string };

/** Report range [from, to) widened to whole hours, or what is wrong with it. */
export function checkRange(from: number, to: number, interval: Interval): { from: number; to: number } | RangeProblem {
  const f = Math.floor(from / HOUR) * HOUR;
  const t = Math.ceil(to / HOUR) * HOUR;
  if (t <= f) return { param: 'to', detail: '`to` must be after `from`' };
  const days = (t - f) / 86_400_000;
  if (days > MAX_RANGE_DAYS[interval]) return { param: 'to', detail: `range too large for interval ${interval}: at most ${MAX_RANGE_DAYS[interval]} days` };
  return { from: f, to: t };
}

/** An ISO date-time (offset or Z; none: local to `zone`) or a date (local midnight); null if neither. */
export function parseReportTime(s: string, zone: string): number | null {
  if (s.length > 40 || !/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}(:?\d{2})?)?)?$/.test(s)) return null;
  const t = DateTime.fromISO(s.replace(' ', 'T'), { zone });
  return t.isValid && t.year >= 1970 && t.year <= 9999 ? t.toMillis() : null;
}

/**
 * The whole local days of `zone` inside [from, to), as instants, or null when there are none or a
 * day does not start on a whole UTC hour (daily aggregates are built from hours).
 */
export function wholeDays(from: number, to: number, zone: string): { from: number; to: number } | null {
  let d0 = DateTime.fromMillis(from, { zone }).startOf('day');
  if (d0.toMillis() < from) d0 = d0.plus({ days: 1 }).startOf('day');
  const d1 = DateTime.fromMillis(to, { zone }).startOf('day');
  const f = d0.toMillis();
  const t = d1.toMillis();
  if (t <= f || f % HOUR !== 0 || t % HOUR !== 0) return null;
  return { from: f, to: t };
}

import { WEEKDAYS, type Calendar, type Period } from './types.js';
import { DAY_MS, zoneClock, type ZoneClock } from './zone.js';

/** [start, end) in epoch ms. */
export type Interval = readonly [number, number];
type Span = readonly [number, number]; // minutes after local midnight

/** A calendar prepared for fast lookups: parsed periods, date sets, and open intervals per local day. */
export interface Compiled {
  zone: ZoneClock;
  week: Span[][]; // index 0 = Monday
  weekOpen: boolean;
  holidays: Set<string>;
  overrides: Map<string, Span[]>;
  /** Last local day with a holiday or override: past it, the week alone decides. */
  lastSpecialDay: number;
  days: Map<number, Interval[]>;
}

const TIME = /^(\d{2}):(\d{2})$/;

/** 'HH:mm' → minutes after midnight ('24:00' → 1440); NaN when malformed. */
export function parseTime(s: string): number {
  const m = TIME.exec(s);
  if (!m) return NaN;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return NaN;
  return h * 60 + min;
}

/** 'YYYY-MM-DD' → local day number (days since 1970-01-01); NaN when not a real date. */
export function parseDate(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return NaN;
  return t / DAY_MS;
}

export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function weekdayIndex(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

function spans(periods: readonly Period[] | undefined): Span[] {
  const out: Span[] = [];
  for (const p of periods ?? []) {
    const f = parseTime(p.from);
    const t = parseTime(p.to);
    if (f < t) out.push([f, t]); // malformed or inverted: ignored here, reported by validateCalendar
  }
  return out;
}

function build(cal: Calendar): Compiled {
  const week = WEEKDAYS.map((d) => spans(cal.week?.[d]));
  const overrides = new Map<string, Span[]>();
  let lastSpecialDay = -Infinity;
  for (const o of cal.overrides ?? []) {
    overrides.set(o.date, spans(o.periods));
    lastSpecialDay = Math.max(lastSpecialDay, parseDate(o.date) || -Infinity);
  }
  const holidays = new Set<string>();
  for (const h of cal.holidays ?? []) {
    holidays.add(h.date);
    lastSpecialDay = Math.max(lastSpecialDay, parseDate(h.date) || -Infinity);
  }
  return {
    zone: zoneClock(cal.timeZone),
    week,
    weekOpen: week.some((s) => s.length > 0),
    holidays,
    overrides,
    lastSpecialDay,
    days: new Map(),
  };
}

// Memoised by content, not identity, so a caller that edits a calendar in place is still right.
const compiledCache = new Map<string, Compiled>();

export function compile(cal: Calendar): Compiled {
  const key = JSON.stringify([cal.timeZone, cal.week, cal.holidays, cal.overrides]);
  const hit = compiledCache.get(key);
  if (hit) {
    compiledCache.delete(key); // keep recently used at the end
    compiledCache.set(key, hit);
    return hit;
  }
  const c = build(cal);
  compiledCache.set(key, c);
  if (compiledCache.size > 64) compiledCache.delete(compiledCache.keys().next().value as string);
  return c;
}

/**
 * Open intervals of one local day, sorted and merged. Precedence: override, then holiday (closed),
 * then the week. Local wall times on the day are mapped to instants by ZoneClock.instant, so
 * 09:00–17:00 is 8 h on a DST day unless the change falls inside the period.
 */
export function dayIntervals(c: Compiled, day: number): Interval[] {
  const hit = c.days.get(day);
  if (hit) return hit;
  const date = isoDate(day);
  const list = c.overrides.get(date) ?? (c.holidays.has(date) ? [] : (c.week[weekdayIndex(day)] ?? []));
  const base = day * DAY_MS;
  const raw = list
    .map(([f, t]) => [c.zone.instant(base + f * 60_000), c.zone.instant(base + t * 60_000)] as const)
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of raw) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  if (c.days.size > 20_000) c.days.clear();
  c.days.set(day, merged);
  return merged;
}

/** True when no day after `day` can ever be open (no weekly hours and no more overrides). */
export function closedForever(c: Compiled, day: number): boolean {
  return !c.weekOpen && day > c.lastSpecialDay;
}

import { closedForever, compile, dayIntervals, isoDate, type Compiled } from './compiled.js';
import type { Calendar } from './types.js';

/** How far ahead a search looks before it answers "never" (20 years). */
export const MAX_SCAN_DAYS = 7_305;

interface Open {
  s: number;
  e: number;
  day: number;
}

/** Open intervals (clipped to start at `t` or later) in time order, ending after `t`. */
export function* openFrom(c: Compiled, t: number): Generator<Open> {
  const first = c.zone.localDay(t) - 1; // a wall-clock day can begin before its date (DST at midnight)
  for (let day = first; day <= first + MAX_SCAN_DAYS; day++) {
    if (closedForever(c, day)) return;
    for (const [s, e] of dayIntervals(c, day)) if (e > t) yield { s: Math.max(s, t), e, day };
  }
}

export function openAt(c: Compiled, t: number): boolean {
  const d = c.zone.localDay(t);
  for (let day = d - 1; day <= d + 1; day++) {
    for (const [s, e] of dayIntervals(c, day)) if (s <= t && t < e) return true;
  }
  return false;
}

/** Open time in [a, b). */
export function openBetween(c: Compiled, a: number, b: number): number {
  if (!(b > a)) return 0;
  let sum = 0;
  const last = c.zone.localDay(b) + 1;
  for (let day = c.zone.localDay(a) - 1; day <= last; day++) {
    for (const [s, e] of dayIntervals(c, day)) {
      const lo = Math.max(s, a);
      const hi = Math.min(e, b);
      if (hi > lo) sum += hi - lo;
    }
  }
  return sum;
}

/** The earliest instant by which `ms` of open time has passed since `start`; Infinity if never. */
export function addOpen(c: Compiled, start: number, ms: number): number {
  if (!(ms > 0)) return start;
  let rem = ms;
  for (const { s, e } of openFrom(c, start)) {
    if (rem <= e - s) return s + rem;
    rem -= e - s;
  }
  return Infinity;
}

/** Is the calendar open at instant `t` (periods are half-open: open at 09:00, closed at 17:00)? */
export function isOpen(cal: Calendar, t: number): boolean {
  return openAt(compile(cal), t);
}

/** `t` itself when open, else the start of the next open period; null if none within 20 years. */
export function nextOpen(cal: Calendar, t: number): number | null {
  for (const o of openFrom(compile(cal), t)) return o.s;
  return null;
}

/**
 * When the calendar next closes: the end of the opening `t` is in (or, when closed at `t`, of the
 * next one), back-to-back periods counting as one (a night shift across midnight). Null when it
 * does not close within `horizonMs` (a calendar open around the clock, or never open).
 */
export function nextClose(cal: Calendar, t: number, horizonMs = 8 * 86_400_000): number | null {
  let end: number | null = null;
  for (const o of openFrom(compile(cal), t)) {
    if (end !== null && o.s > end) return end;
    if (o.s > t + horizonMs) return null;
    end = o.e;
    if (end > t + horizonMs) return null;
  }
  return end;
}

/**
 * The instant after `ms` of open time has passed from `start`: the earliest such instant, so an
 * exact fit lands at the end of an open period, never at the start of the next one. `ms <= 0`
 * returns `start`. Infinity when the calendar never accumulates that much open time.
 */
export function addBusinessTime(cal: Calendar, start: number, ms: number): number {
  return addOpen(compile(cal), start, ms);
}

/** Open time (ms) in [a, b); 0 when b <= a. Additive: between(a, b) + between(b, c) = between(a, c). */
export function businessTimeBetween(cal: Calendar, a: number, b: number): number {
  return openBetween(compile(cal), a, b);
}

export interface OpenPeriod {
  date: string; // the local date the period belongs to
  from: number;
  to: number;
}

/** Open periods overlapping [from, to), clipped to it, one entry per local day's period (for a UI). */
export function openPeriods(cal: Calendar, from: number, to: number): OpenPeriod[] {
  const c = compile(cal);
  const out: OpenPeriod[] = [];
  for (const o of openFrom(c, from)) {
    if (o.s >= to) break;
    out.push({ date: isoDate(o.day), from: o.s, to: Math.min(o.e, to) });
  }
  return out;
}

/** Open time of one local day. */
function dayLength(c: Compiled, day: number): number {
  return dayIntervals(c, day).reduce((n, [s, e]) => n + e - s, 0);
}

/** The instant on `day` after `p` of that day's open time (clamped to the day's close). */
function positionIn(c: Compiled, day: number, p: number): number {
  const list = dayIntervals(c, day);
  let rem = p;
  for (const [s, e] of list) {
    if (rem <= e - s) return s + rem;
    rem -= e - s;
  }
  return list[list.length - 1]?.[1] ?? Infinity;
}

/**
 * "N business days" as a contact centre reads it: the same business instant N open days later.
 * The clock starts at the first open instant at or after `start` (a case logged on Saturday starts
 * Monday at opening). The deadline lies on the N-th open day after that day, at the same position
 * in the day's open time (Mon 10:00 + 3 → Thu 10:00); if that day is shorter (a half-day
 * override), at its close — never on a later day. A fraction of a day is that share of the
 * landing day's open time. An open day is a local date with open time (a night shift across
 * midnight touches two). Returns the raw instant; callers normalise via open time.
 */
export function businessDaysEnd(c: Compiled, start: number, days: number): number {
  const first = openFrom(c, start).next();
  if (first.done) return Infinity;
  const { s: s0, day: d0 } = first.value;
  let p = 0;
  for (const [s, e] of dayIntervals(c, d0)) if (s < s0) p += Math.min(e, s0) - s;
  const whole = Math.floor(days);
  let day = d0;
  for (let n = 0; n < whole; ) {
    day++;
    if (closedForever(c, day) || day > d0 + MAX_SCAN_DAYS) return Infinity;
    if (dayIntervals(c, day).length > 0) n++;
  }
  const x = whole === 0 ? s0 : positionIn(c, day, p);
  const frac = days - whole;
  return frac > 0 ? addOpen(c, x, Math.round(frac * dayLength(c, day))) : x;
}

/** See businessDaysEnd: the deadline `days` business days after `start`, normalised to the earliest instant. */
export function addBusinessDays(cal: Calendar, start: number, days: number): number {
  const c = compile(cal);
  const end = businessDaysEnd(c, start, days);
  return Number.isFinite(end) ? addOpen(c, start, openBetween(c, start, end)) : Infinity;
}

import { parseDate, parseTime } from './compiled.js';
import { WEEKDAYS, type CalendarIssue, type Period } from './types.js';
import { isValidZone } from './zone.js';

const HHMM = /^\d{2}:\d{2}$/;
const fmt = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Bad times, inverted periods ('24:00' only as an end) and overlaps within one day. */
function checkPeriods(periods: unknown, at: string, issues: CalendarIssue[]): void {
  if (!Array.isArray(periods)) {
    issues.push({ pointer: at, message: 'must be a list of {from, to} periods' });
    return;
  }
  const good: { f: number; t: number; i: number }[] = [];
  (periods as Partial<Period>[]).forEach((p, i) => {
    const here = `${at}/${i}`;
    const f = typeof p?.from === 'string' && HHMM.test(p.from) ? parseTime(p.from) : NaN;
    const t = typeof p?.to === 'string' && HHMM.test(p.to) ? parseTime(p.to) : NaN;
    if (!(f < 1440)) issues.push({ pointer: `${here}/from`, message: 'must be a time HH:mm from 00:00 to 23:59' });
    if (Number.isNaN(t)) issues.push({ pointer: `${here}/to`, message: 'must be a time HH:mm from 00:01 to 24:00' });
    else if (f < 1440 && t <= f) issues.push({ pointer: `${here}/to`, message: `must be after from (${p?.from})` });
    else if (f < 1440) good.push({ f, t, i });
  });
  good.sort((a, b) => a.f - b.f);
  for (let k = 1; k < good.length; k++) {
    const prev = good[k - 1]!;
    const cur = good[k]!;
    if (cur.f < prev.t) {
      const [first, second] = prev.i < cur.i ? [prev, cur] : [cur, prev];
      issues.push({
        pointer: `${at}/${second.i}`,
        message: `overlaps ${fmt(first.f)}–${fmt(first.t)} (period ${first.i})`,
      });
    }
  }
}

/** Dates must be real YYYY-MM-DD days and appear once per list. */
function checkDates(list: unknown, at: string, issues: CalendarIssue[], each: (item: Record<string, unknown>, here: string) => void): void {
  if (!Array.isArray(list)) {
    issues.push({ pointer: at, message: 'must be a list' });
    return;
  }
  const seen = new Map<string, number>();
  (list as Record<string, unknown>[]).forEach((item, i) => {
    const here = `${at}/${i}`;
    const date = item?.date;
    if (typeof date !== 'string' || Number.isNaN(parseDate(date))) {
      issues.push({ pointer: `${here}/date`, message: 'must be a real date YYYY-MM-DD' });
    } else if (seen.has(date)) {
      issues.push({ pointer: `${here}/date`, message: `duplicate date ${date} (also at ${at}/${seen.get(date)})` });
    } else seen.set(date, i);
    each(item ?? {}, here);
  });
}

/** Everything wrong with a calendar, each with the JSON pointer of the bad field; [] when valid. */
export function validateCalendar(cal: unknown): CalendarIssue[] {
  const issues: CalendarIssue[] = [];
  const c = (cal ?? {}) as Record<string, unknown>;
  if (typeof c.id !== 'string' || c.id.length === 0) issues.push({ pointer: '/id', message: 'must be a non-empty string' });
  if (typeof c.name !== 'string' || c.name.length === 0) issues.push({ pointer: '/name', message: 'must be a non-empty string' });
  if (typeof c.timeZone !== 'string' || !isValidZone(c.timeZone)) {
    issues.push({ pointer: '/timeZone', message: 'must be an IANA time zone such as Europe/Brussels' });
  }
  const week = c.week as Record<string, unknown> | undefined;
  if (typeof week !== 'object' || week === null || Array.isArray(week)) {
    issues.push({ pointer: '/week', message: 'must be an object with mon … sun' });
  } else {
    for (const key of Object.keys(week)) {
      if (!(WEEKDAYS as readonly string[]).includes(key)) issues.push({ pointer: `/week/${key}`, message: 'unknown day (mon … sun)' });
    }
    for (const d of WEEKDAYS) if (week[d] !== undefined) checkPeriods(week[d], `/week/${d}`, issues);
    const open = WEEKDAYS.some((d) => Array.isArray(week[d]) && (week[d] as unknown[]).length > 0);
    if (!open) issues.push({ pointer: '/week', message: 'has no open period: a business clock on it would never run' });
  }
  checkDates(c.holidays ?? [], '/holidays', issues, (h, here) => {
    if (typeof h.name !== 'string' || h.name.length === 0) issues.push({ pointer: `${here}/name`, message: 'must be a non-empty string' });
  });
  checkDates(c.overrides ?? [], '/overrides', issues, (o, here) => checkPeriods(o.periods, `${here}/periods`, issues));
  return issues;
}

/** Checks an SLA/OLA policy (not whether its calendar exists: the caller knows the calendars). */
export function validateClockPolicy(policy: unknown): CalendarIssue[] {
  const issues: CalendarIssue[] = [];
  const p = (policy ?? {}) as Record<string, unknown>;
  if (typeof p.duration !== 'number' || !Number.isFinite(p.duration) || p.duration <= 0) {
    issues.push({ pointer: '/duration', message: 'must be a number above 0' });
  }
  if (!['minutes', 'hours', 'days'].includes(p.unit as string)) issues.push({ pointer: '/unit', message: 'must be minutes, hours or days' });
  if (!['calendar', 'business'].includes(p.mode as string)) issues.push({ pointer: '/mode', message: 'must be calendar or business' });
  if (p.calendar !== undefined && (typeof p.calendar !== 'string' || p.calendar.length === 0)) {
    issues.push({ pointer: '/calendar', message: 'must be a calendar id' });
  }
  const w = p.warnAtPercent;
  if (w !== undefined && (typeof w !== 'number' || !(w > 0 && w < 100))) {
    issues.push({ pointer: '/warnAtPercent', message: 'must be a number between 0 and 100 (exclusive)' });
  }
  return issues;
}

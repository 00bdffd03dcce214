import { DateTime } from 'luxon';

const HOUR = 3_600_000;
const MIN = 60_000;

/** What a person is scheduled to do: work on their queues, or be away from them. */
export const ACTIVITY_KINDS = ['work', 'break', 'lunch', 'meeting', 'training', 'time-off'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export interface Activity {
  user: string;
  kind: ActivityKind;
  start: number;
  end: number;
}

/** A shift people may be given: starts at `start` (HH:mm, local) for `hours`, on `days` (ISO 1 = Monday; all when absent). */
export interface ShiftTemplate {
  id: string;
  name: string;
  start: string;
  hours: number;
  days?: number[];
}

/** What a person's contract and wishes allow. Hours are at most `hoursPerWeek`. */
export interface Contract {
  user: string;
  hoursPerWeek: number;
  /** Weekdays they may work (ISO 1..7); all when absent. */
  days?: number[];
  /** Not before / not after (HH:mm, local). */
  earliest?: string;
  latest?: string;
  /** Wishes (employee schedule preferences): honoured when the cover allows. */
  preferredStart?: string;
  preferredDaysOff?: number[];
  /** Shift bidding: lower bids first (contracts without one follow, in their order). */
  seniority?: number;
}

/** Time a person is not there (approved time off): no shift overlaps it. */
export interface Absence {
  user: string;
  start: number;
  end: number;
}

export interface ScheduleInput {
  monday: string;
  zone: string;
  /** People needed per hour (shrinkage included), keyed by the hour's start. */
  need: ReadonlyMap<number, number>;
  contracts: readonly Contract[];
  shifts: readonly ShiftTemplate[];
  absences: readonly Absence[];
  /** Least rest between two shifts, hours (default 11). */
  restHours?: number;
}

/** 'HH:mm' as minutes after midnight. */
export const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * A shift's activities: work with a 15-minute break after two hours (shifts of 4 h or more), a
 * 30-minute lunch at its middle (6 h or more) and a second break 1.5 h before its end (7 h or more).
 */
export function shiftActivities(user: string, start: number, hours: number): Activity[] {
  const away: { at: number; minutes: number; kind: ActivityKind }[] = [];
  if (hours >= 4) away.push({ at: 2 * 60, minutes: 15, kind: 'break' });
  if (hours >= 6) away.push({ at: Math.floor(hours / 2) * 60, minutes: 30, kind: 'lunch' });
  if (hours >= 7) away.push({ at: hours * 60 - 90, minutes: 15, kind: 'break' });
  const out: Activity[] = [];
  let t = start;
  for (const a of away.sort((x, y) => x.at - y.at)) {
    const s = start + a.at * MIN;
    if (s > t) out.push({ user, kind: 'work', start: t, end: s });
    out.push({ user, kind: a.kind, start: s, end: s + a.minutes * MIN });
    t = s + a.minutes * MIN;
  }
  const end = start + hours * HOUR;
  if (end > t) out.push({ user, kind: 'work', start: t, end });
  return out;
}

/** Hours of work per hour start (fractions: a break takes a quarter off its hour). */
export function coverageOf(activities: readonly Activity[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const a of activities) {
    if (a.kind !== 'work') continue;
    for (let h = Math.floor(a.start / HOUR) * HOUR; h < a.end; h += HOUR) {
      const part = (Math.min(a.end, h + HOUR) - Math.max(a.start, h)) / HOUR;
      if (part > 0) out.set(h, (out.get(h) ?? 0) + part);
    }
  }
  return out;
}

interface Candidate {
  day: number; // 0..6
  weekday: number; // ISO
  start: number;
  end: number;
  hours: number;
  startMinutes: number;
  cover: [number, number][];
}

/**
 * A week's schedule, built greedily: again and again the shift (person, day, template) that fills
 * most of the hours still short of people, a wish broken costing some cover, until no shift helps.
 * A person gets at most one shift a day, at most their contract's hours, never during their time
 * off, within their days and hours, with `restHours` between shifts.
 */
export function buildSchedule(input: ScheduleInput): { activities: Activity[]; coverage: Map<number, number> } {
  const monday = DateTime.fromISO(input.monday, { zone: input.zone }).startOf('week');
  const rest = (input.restHours ?? 11) * HOUR;
  const candidates: Candidate[] = [];
  for (let day = 0; day < 7; day++) {
    const date = monday.plus({ days: day });
    for (const t of input.shifts) {
      if (t.days && !t.days.includes(date.weekday)) continue;
      const m = minutesOf(t.start);
      const start = date.set({ hour: Math.floor(m / 60), minute: m % 60 }).toMillis();
      const cover = [...coverageOf(shiftActivities('', start, t.hours))];
      candidates.push({ day, weekday: date.weekday, start, end: start + t.hours * HOUR, hours: t.hours, startMinutes: m, cover });
    }
  }
  const deficit = new Map(input.need);
  const coverage = new Map<number, number>();
  const activities: Activity[] = [];
  // Wishes parsed once: the inner loop below runs people × shifts × rounds times.
  const state = input.contracts.map((c) => ({ c, left: c.hoursPerWeek, shifts: [] as Candidate[], start: c.preferredStart ? minutesOf(c.preferredStart) : null }));
  const shortest = Math.min(...candidates.map((k) => k.hours));
  const allowed = (s: (typeof state)[number], k: Candidate) => {
    const c = s.c;
    if (k.hours > s.left + 1e-9) return false;
    if (c.days && !c.days.includes(k.weekday)) return false;
    if (c.earliest && k.startMinutes < minutesOf(c.earliest)) return false;
    if (c.latest && k.startMinutes + k.hours * 60 > minutesOf(c.latest)) return false;
    if (s.shifts.some((o) => o.day === k.day || (o.start < k.end + rest && k.start < o.end + rest))) return false;
    return !input.absences.some((a) => a.user === c.user && a.start < k.end && k.start < a.end);
  };
  // A day off wished for is given up only for more than two hours of missing cover; a start an
  // hour from the wished one costs a quarter of an hour of cover (at most half an hour).
  const penalty = (s: (typeof state)[number], k: Candidate) =>
    (s.c.preferredDaysOff?.includes(k.weekday) ? 2 : 0) + (s.start !== null ? Math.min(2, Math.abs(k.startMinutes - s.start) / 60) * 0.25 : 0);
  const filled = new Float64Array(candidates.length);
  for (;;) {
    // What each shift would fill is the same for everyone: worked out once a round.
    candidates.forEach((k, i) => {
      let f = 0;
      for (const [h, part] of k.cover) f += Math.min(part, Math.max(0, deficit.get(h) ?? 0));
      filled[i] = f;
    });
    let best: { s: (typeof state)[number]; k: Candidate; score: number } | null = null;
    for (const s of state) {
      if (s.left < shortest - 1e-9) continue; // no shift fits the hours left
      for (let i = 0; i < candidates.length; i++) {
        const k = candidates[i]!;
        if (filled[i]! <= 0) continue;
        const score = filled[i]! - penalty(s, k);
        // Ties go to whoever has the most hours left: work is spread, not piled on one person.
        if (best && (score < best.score || (score === best.score && s.left <= best.s.left))) continue;
        if (allowed(s, k)) best = { s, k, score };
      }
    }
    if (!best || best.score <= 0) break;
    const { s, k } = best;
    s.shifts.push(k);
    s.left -= k.hours;
    for (const [h, part] of k.cover) {
      deficit.set(h, (deficit.get(h) ?? 0) - part);
      coverage.set(h, (coverage.get(h) ?? 0) + part);
    }
    activities.push(...shiftActivities(s.c.user, k.start, k.hours));
  }
  const weekEnd = monday.plus({ weeks: 1 }).toMillis();
  for (const a of mergeAbsences(input.absences)) {
    const start = Math.max(a.start, monday.toMillis());
    const end = Math.min(a.end, weekEnd);
    if (start < end) activities.push({ user: a.user, kind: 'time-off', start, end });
  }
  activities.sort((a, b) => a.start - b.start || a.user.localeCompare(b.user));
  return { activities, coverage };
}

/** Time off per person with overlapping or touching stretches joined. */
export function mergeAbsences(absences: readonly Absence[]): Absence[] {
  const out: Absence[] = [];
  for (const a of [...absences].sort((x, y) => x.user.localeCompare(y.user) || x.start - y.start)) {
    const last = out.at(-1);
    if (last && last.user === a.user && a.start <= last.end) last.end = Math.max(last.end, a.end);
    else out.push({ ...a });
  }
  return out;
}

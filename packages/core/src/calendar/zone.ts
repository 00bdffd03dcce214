import { IANAZone } from 'luxon';

export const DAY_MS = 86_400_000;

interface DayOffsets {
  before: number; // offset (ms) from the start of the UTC day
  after: number; // offset from `at` on
  at: number; // the transition instant, or the day start when there is none
}

/**
 * UTC offsets of one IANA zone, memoised per UTC day. Luxon asks Intl (~20 µs a call) and
 * business-time math asks thousands of times; zones change offset at most once a day.
 */
export class ZoneClock {
  private readonly zone: IANAZone;
  private readonly days = new Map<number, DayOffsets>();

  constructor(name: string) {
    const zone = IANAZone.create(name);
    if (!zone.isValid) throw new RangeError(`unknown time zone "${name}"`);
    this.zone = zone;
  }

  /** Offset (ms, local − UTC) at instant `t`. */
  offset(t: number): number {
    const d = Math.floor(t / DAY_MS);
    let e = this.days.get(d);
    if (!e) {
      if (this.days.size > 50_000) this.days.clear();
      e = this.load(d);
      this.days.set(d, e);
    }
    return t < e.at ? e.before : e.after;
  }

  /** Local calendar day (days since 1970-01-01) of instant `t`. */
  localDay(t: number): number {
    return Math.floor((t + this.offset(t)) / DAY_MS);
  }

  /**
   * The instant at which the wall clock shows `wall` (local time written as if it were UTC ms).
   * Ambiguous (clocks go back): the first occurrence. Skipped (clocks go forward): the instant
   * the gap ends, so a period starting or ending inside the gap starts or ends when clocks jump.
   */
  instant(wall: number): number {
    const o1 = this.offset(wall - DAY_MS);
    const o2 = this.offset(wall + DAY_MS);
    const c1 = wall - o1;
    const c2 = wall - o2;
    const ok1 = this.offset(c1) === o1;
    const ok2 = this.offset(c2) === o2;
    if (ok1 && ok2) return Math.min(c1, c2);
    if (ok1) return c1;
    if (ok2) return c2;
    // In the gap: the offset is o1 at c2 and o2 at c1; find the first instant with o2.
    let lo = Math.min(c1, c2);
    let hi = Math.max(c1, c2);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offset(mid) === this.offset(lo)) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  private raw(t: number): number {
    return Math.round(this.zone.offset(t) * 60_000);
  }

  private load(d: number): DayOffsets {
    const start = d * DAY_MS;
    const before = this.raw(start);
    const after = this.raw(start + DAY_MS);
    if (before === after) return { before, after, at: start };
    let lo = start; // offset `before` here
    let hi = start + DAY_MS; // offset `after` here
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.raw(mid) === before) lo = mid;
      else hi = mid;
    }
    return { before, after, at: hi };
  }
}

const zones = new Map<string, ZoneClock>();

export function zoneClock(name: string): ZoneClock {
  let z = zones.get(name);
  if (!z) {
    z = new ZoneClock(name);
    zones.set(name, z);
  }
  return z;
}

const known = new Map<string, boolean>();

/**
 * Is `name` an IANA zone? Remembered: luxon asks Intl each time (~25 µs, a new formatter), and
 * rendering a notification asks for every message. Names over 64 characters are no zone.
 */
export function isValidZone(name: string): boolean {
  if (typeof name !== 'string' || name.length === 0 || name.length > 64) return false;
  let ok = known.get(name);
  if (ok === undefined) {
    if (known.size >= 1000) known.clear(); // bounded: names can come from requests
    known.set(name, (ok = IANAZone.isValidZone(name)));
  }
  return ok;
}

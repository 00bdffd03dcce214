import { DateTime } from 'luxon';

const HOUR = 3_600_000;

/** What one hour of a queue's history holds: contacts that arrived, and handle time of those completed. */
export interface HourVolume {
  contacts: number;
  handled: number;
  /** Sum of the handle times of the `handled` contacts, seconds. */
  handleSeconds: number;
}

export interface ForecastHour {
  start: number;
  /** Contacts expected (a weighted mean, not rounded). */
  contacts: number;
  /** Average handle time expected, seconds. */
  handleSeconds: number;
  /** Past weeks the figure stands on (0: nothing known of this hour). */
  basis: number;
  /** The hour has passed: what came. */
  actual?: number;
}

export interface ForecastOptions {
  /** Past weeks to learn from; the nearest counts most (weights weeks, weeks−1, …, 1). */
  weeks: number;
  /** History starts here: earlier hours are unknown, not quiet. */
  since: number;
  now: number;
  /** When no hour says: the average over all the history, else this. */
  defaultHandleSeconds: number;
}

/** The Monday (ISO week start) of a day, as YYYY-MM-DD in `zone`. */
export function mondayOf(day: string | number, zone: string): string {
  const d = typeof day === 'number' ? DateTime.fromMillis(day, { zone }) : DateTime.fromISO(day, { zone });
  return d.startOf('week').toISODate()!;
}

/**
 * The hours of a week beginning on `monday` (YYYY-MM-DD) in `zone`, as the starts of whole UTC
 * hours (the reports' grain): 168, or 167/169 in a week with a daylight-saving change.
 */
export function weekHours(monday: string, zone: string): number[] {
  const start = DateTime.fromISO(monday, { zone }).startOf('week');
  const from = Math.floor(start.toMillis() / HOUR) * HOUR;
  const to = Math.floor(start.plus({ weeks: 1 }).toMillis() / HOUR) * HOUR;
  const out: number[] = [];
  for (let h = from; h < to; h += HOUR) out.push(h);
  return out;
}

/**
 * A forecast per hour: the same hour of the same weekday in the last `weeks` weeks that are known
 * (weighted towards the nearest), handle time the same way from completions. Hours already past
 * carry what actually came, for the accuracy.
 */
export function forecastHours(hours: readonly number[], history: ReadonlyMap<number, HourVolume>, zone: string, o: ForecastOptions): ForecastHour[] {
  let allHandled = 0;
  let allSeconds = 0;
  for (const v of history.values()) {
    allHandled += v.handled;
    allSeconds += v.handleSeconds;
  }
  const fallbackHandle = allHandled ? allSeconds / allHandled : o.defaultHandleSeconds;
  return hours.map((start) => {
    const local = DateTime.fromMillis(start, { zone });
    let weight = 0;
    let contacts = 0;
    let handled = 0;
    let seconds = 0;
    let basis = 0;
    for (let k = 1; basis < o.weeks && k <= o.weeks + 52; k++) {
      const then = Math.floor(local.minus({ weeks: k }).toMillis() / HOUR) * HOUR;
      if (then < o.since) break;
      if (then + HOUR > o.now) continue; // not over yet
      const w = o.weeks - basis;
      const v = history.get(then);
      contacts += w * (v?.contacts ?? 0);
      weight += w;
      handled += w * (v?.handled ?? 0);
      seconds += w * (v?.handleSeconds ?? 0);
      basis++;
    }
    const out: ForecastHour = { start, contacts: weight ? contacts / weight : 0, handleSeconds: handled ? seconds / handled : fallbackHandle, basis };
    if (start + HOUR <= o.now) out.actual = history.get(start)?.contacts ?? 0;
    return out;
  });
}

/**
 * Weighted absolute percentage error over the hours that have passed: Σ|forecast − actual| / Σ actual.
 * null when nothing came yet (no scale to measure against).
 */
export function forecastError(hours: readonly ForecastHour[]): number | null {
  let err = 0;
  let sum = 0;
  for (const h of hours) {
    if (h.actual === undefined) continue;
    err += Math.abs(h.contacts - h.actual);
    sum += h.actual;
  }
  return sum > 0 ? err / sum : null;
}

/** The instants a week beginning on `monday` (YYYY-MM-DD) starts and ends in `zone`. */
export function weekRange(monday: string, zone: string): { from: number; to: number } {
  const start = DateTime.fromISO(monday, { zone }).startOf('week');
  return { from: start.toMillis(), to: start.plus({ weeks: 1 }).toMillis() };
}

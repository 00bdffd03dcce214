import type { KpiUnit } from './definitions.js';

/** Median of values (null for none). */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface Usual {
  /** The median: what is usual. */
  median: number;
  /** Robust spread: 1.4826 × the median absolute deviation, or 1.2533 × the mean absolute deviation when that is 0. */
  spread: number;
}

/**
 * What is usual among values, robustly: one wild value does not move the median or the spread,
 * so it cannot hide itself (a mean and standard deviation would stretch to fit it).
 * The factors make both spreads estimate one standard deviation of normal data; the mean
 * deviation stands in when more than half the values are equal (the MAD is 0 then).
 */
export function usualOf(values: readonly number[]): Usual | null {
  const m = median(values);
  if (m === null) return null;
  const deviations = values.map((v) => Math.abs(v - m));
  const mad = median(deviations)!;
  const spread = mad > 0 ? 1.4826 * mad : (1.2533 * deviations.reduce((a, b) => a + b, 0)) / values.length;
  return { median: m, spread };
}

export interface AnomalyOptions {
  /** How many spreads away is unusual (default 3.5: Iglewicz and Hoaglin's modified z-score cut). */
  threshold?: number;
  /** Fewest values to say what is usual (default 5). */
  minPoints?: number;
  /** What each value stands on (tasks, offers), for `material`. */
  bases?: readonly number[];
}

/**
 * A difference too small to act on, whatever the statistics say: 5 points of a percentage, and at
 * least two events' worth of the value's basis (one abandoned task of 10 is 10 points, and still
 * one caller); or 10 % of the usual time (at least 5 s). A team whose handle times are all 300 s
 * is not anomalous at 301 s, though its spread is near 0.
 */
export function material(unit: KpiUnit, usual: number, basis?: number): number {
  if (unit === 'percent') return Math.max(5, basis && basis > 0 ? 200 / basis : 0);
  return Math.max(5, Math.abs(usual) * 0.1);
}

export interface Anomaly {
  index: number;
  value: number;
  usual: number;
  /** Spreads away from usual (signed: positive above). */
  score: number;
}

/**
 * Values unusually bad against the others (`null` = not measured, left out): more than
 * `threshold` robust spreads from the median, in the bad direction, and by a material amount.
 * The same test serves a KPI over time (periods) and across peers (agents).
 */
export function anomalies(values: readonly (number | null)[], better: 'higher' | 'lower', unit: KpiUnit, opts: AnomalyOptions = {}): Anomaly[] {
  const threshold = opts.threshold ?? 3.5;
  const known = values.flatMap((v, index) => (v === null ? [] : [{ v, index }]));
  if (known.length < (opts.minPoints ?? 5)) return [];
  const usual = usualOf(known.map((k) => k.v))!;
  if (!(usual.spread > 0)) return [];
  const out: Anomaly[] = [];
  for (const { v, index } of known) {
    const diff = v - usual.median;
    const bad = better === 'higher' ? diff < 0 : diff > 0;
    const score = diff / usual.spread;
    if (bad && Math.abs(score) > threshold && Math.abs(diff) >= material(unit, usual.median, opts.bases?.[index])) out.push({ index, value: v, usual: usual.median, score });
  }
  return out;
}

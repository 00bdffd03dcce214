/** Share in percent with one decimal; null when there is nothing to share (no answer is not 0 %). */
export function percent(part: number, whole: number): number | null {
  if (!(whole > 0)) return null;
  return Math.round((part / whole) * 1000) / 10;
}

/** Mean in whole seconds (null for none). */
export function mean(total: number, n: number): number | null {
  return n > 0 ? Math.round(total / n) : null;
}

/**
 * Service level: the share of tasks answered (assigned) within the queue's threshold. Abandoned
 * tasks count against it only when they waited past the threshold, the usual contact-center rule.
 */
export function serviceLevel(answeredWithin: number, answered: number, abandonedAfterThreshold = 0): number | null {
  return percent(answeredWithin, answered + abandonedAfterThreshold);
}

/** Nearest-rank percentile of already collected values (q in 0..1). */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

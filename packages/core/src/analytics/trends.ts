/**
 * Whether a topic is on the rise: its share of conversations now against the period before. A
 * topic found in at least `minCount` conversations whose share grew by half or more is rising
 * (new: none before); the analyst sees it before it becomes a flood of complaints.
 */
export interface Trend {
  count: number;
  share: number;
  previousCount: number;
  previousShare: number;
  /** share / previous share (null: none before). */
  change: number | null;
  rising: boolean;
}

export function trendOf(now: { count: number; total: number }, before: { count: number; total: number }, minCount = 3): Trend {
  const share = now.total ? now.count / now.total : 0;
  const previousShare = before.total ? before.count / before.total : 0;
  const change = previousShare > 0 ? share / previousShare : null;
  // No conversation at all before: nothing to rise from (a new topic needs a period to be new in).
  const rising = now.count >= minCount && before.total > 0 && (change === null ? share > 0 : change >= 1.5);
  const pct = (x: number) => Math.round(x * 1000) / 10;
  return { count: now.count, share: pct(share), previousCount: before.count, previousShare: pct(previousShare), change: change === null ? null : Math.round(change * 100) / 100, rising };
}

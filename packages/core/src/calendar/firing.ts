import type { ClockStatus } from './types.js';

/** What a timer fires: the warning threshold or the breach (100 %). */
export type FireKind = 'warning' | 'breach';

/** Whether a clock, recomputed at the firing instant, has really reached what `kind` fires at. */
export function clockReached(kind: FireKind, status: ClockStatus | null): boolean {
  if (!status) return false;
  return kind === 'breach' ? status.state === 'breached' : status.state === 'warning' || status.state === 'breached';
}

export interface FiringPlan<T> {
  /** Reached: these fire now (in the order they came, earliest deadline first). */
  fire: T[];
  /** Not reached (a stale stored deadline): their deadlines are rewritten, nothing fires. */
  correct: T[];
}

/**
 * Splits a batch of clocks the database called due into those that fire and those whose stored
 * deadline was stale. Every clock lands in exactly one list, so a batch always makes progress:
 * the fired leave the due set (fired-at set), the corrected move to their recomputed deadline.
 */
export function planFiring<T>(kind: FireKind, clocks: readonly T[], statusOf: (c: T) => ClockStatus | null): FiringPlan<T> {
  const plan: FiringPlan<T> = { fire: [], correct: [] };
  for (const c of clocks) (clockReached(kind, statusOf(c)) ? plan.fire : plan.correct).push(c);
  return plan;
}

/** How waiting and an approaching due time raise a task's priority (per queue). */
export interface PriorityPolicy {
  /** Points added per minute of waiting. */
  agingPerMinute: number;
  /** Cap on the aging term. */
  agingMax: number;
  /** Within this many minutes of dueAt, urgency rises linearly to `urgencyMax` (and stays there once overdue). */
  urgencyWindowMinutes: number;
  urgencyMax: number;
}

export const DEFAULT_PRIORITY_POLICY: PriorityPolicy = {
  agingPerMinute: 0,
  agingMax: 0,
  urgencyWindowMinutes: 0,
  urgencyMax: 0,
};

export interface PriorityTerms {
  base: number;
  aging: number;
  urgency: number;
  effective: number;
}

const agingOf = (enteredQueueAt: number, now: number, policy: PriorityPolicy) =>
  Math.min(policy.agingMax, Math.max(0, (now - enteredQueueAt) / 60_000) * policy.agingPerMinute);

function urgencyOf(dueAt: number | null, now: number, policy: PriorityPolicy): number {
  if (dueAt === null || policy.urgencyWindowMinutes <= 0) return 0;
  const used = 1 - (dueAt - now) / 60_000 / policy.urgencyWindowMinutes;
  return policy.urgencyMax * Math.min(1, Math.max(0, used));
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Effective priority = base + aging + urgency; returns every term so it can be explained. */
export function effectivePriority(
  base: number,
  enteredQueueAt: number,
  dueAt: number | null,
  now: number,
  policy: PriorityPolicy = DEFAULT_PRIORITY_POLICY,
): PriorityTerms {
  const aging = agingOf(enteredQueueAt, now, policy);
  const urgency = urgencyOf(dueAt, now, policy);
  return { base, aging: round(aging), urgency: round(urgency), effective: round(base + aging + urgency) };
}

/** `effectivePriority(...).effective` without the terms: what a round orders a long line by. */
export function effectiveValue(base: number, enteredQueueAt: number, dueAt: number | null, now: number, policy: PriorityPolicy): number {
  return round(base + agingOf(enteredQueueAt, now, policy) + urgencyOf(dueAt, now, policy));
}

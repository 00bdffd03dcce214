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

/** Effective priority = base + aging + urgency; returns every term so it can be explained. */
export function effectivePriority(
  base: number,
  enteredQueueAt: number,
  dueAt: number | null,
  now: number,
  policy: PriorityPolicy = DEFAULT_PRIORITY_POLICY,
): PriorityTerms {
  const waitedMin = Math.max(0, (now - enteredQueueAt) / 60_000);
  const aging = Math.min(policy.agingMax, waitedMin * policy.agingPerMinute);
  let urgency = 0;
  if (dueAt !== null && policy.urgencyWindowMinutes > 0) {
    const leftMin = (dueAt - now) / 60_000;
    const used = 1 - leftMin / policy.urgencyWindowMinutes;
    urgency = policy.urgencyMax * Math.min(1, Math.max(0, used));
  }
  const round = (n: number) => Math.round(n * 100) / 100;
  return { base, aging: round(aging), urgency: round(urgency), effective: round(base + aging + urgency) };
}

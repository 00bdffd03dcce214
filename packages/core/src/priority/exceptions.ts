/**
 * Exception rules on waiting work: when a task has waited too long, used too much of the time to
 * its due time, or its queue has no eligible agent logged in, raise its priority, move it, and/or
 * alert the supervisors. Each rule fires once per task (the caller records which fired).
 */
export interface ExceptionRule {
  id: string;
  /** Fires when the task has waited at least this long in its queue. */
  waitedSeconds?: number;
  /** Fires when this percentage of the time from capture to due has passed (tasks with a due time only). */
  dueUsedPercent?: number;
  /** Fires when no member of the queue who could take the task is logged in (not offline). */
  noEligibleAgent?: boolean;
  /** Actions. */
  raisePriority?: number;
  moveToQueue?: string;
  /** A team's workbin (e.g. the supervisors'): the task waits there for a claim or an assignment. */
  moveToTeamBin?: string;
  alertSupervisors?: boolean;
}

export interface ExceptionFacts {
  enteredQueueAt: number;
  createdAt: number;
  dueAt: number | null;
  /** Whether some member who could take the task (skills at the widest step) is logged in. */
  eligibleAgentLoggedIn: boolean;
  fired: readonly string[];
}

/** Conditions of a rule all hold (a rule with no condition never fires). */
function holds(rule: ExceptionRule, f: ExceptionFacts, now: number): boolean {
  let any = false;
  if (rule.waitedSeconds !== undefined) {
    any = true;
    if (now - f.enteredQueueAt < rule.waitedSeconds * 1000) return false;
  }
  if (rule.dueUsedPercent !== undefined) {
    any = true;
    if (f.dueAt === null || f.dueAt <= f.createdAt) return false;
    if ((now - f.createdAt) / (f.dueAt - f.createdAt) < rule.dueUsedPercent / 100) return false;
  }
  if (rule.noEligibleAgent) {
    any = true;
    if (f.eligibleAgentLoggedIn) return false;
  }
  return any;
}

/** The rules that fire now for a waiting task, in their configured order. */
export function dueExceptions(rules: readonly ExceptionRule[], f: ExceptionFacts, now: number): ExceptionRule[] {
  return rules.filter((r) => !f.fired.includes(r.id) && holds(r, f, now));
}

/** The next moment a time-based rule could fire (so the shell arms one timer, not a poll). */
export function nextExceptionAt(rules: readonly ExceptionRule[], f: ExceptionFacts, now: number): number | null {
  let next: number | null = null;
  for (const r of rules) {
    if (f.fired.includes(r.id)) continue;
    const times: number[] = [];
    if (r.waitedSeconds !== undefined) times.push(f.enteredQueueAt + r.waitedSeconds * 1000);
    if (r.dueUsedPercent !== undefined && f.dueAt !== null && f.dueAt > f.createdAt)
      times.push(f.createdAt + ((f.dueAt - f.createdAt) * r.dueUsedPercent) / 100);
    if (times.length === 0) continue;
    const at = Math.max(...times);
    if (at > now && (next === null || at < next)) next = at;
  }
  return next;
}

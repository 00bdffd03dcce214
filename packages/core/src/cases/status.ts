/** Case statuses and the actions that move between them (API.md "Cases"). */
export type CaseStatus = 'new' | 'open' | 'in-progress' | 'waiting-for-customer' | 'escalated' | 'resolved' | 'closed' | 'reopened';
export const CASE_STATUSES: readonly CaseStatus[] = ['new', 'open', 'in-progress', 'waiting-for-customer', 'escalated', 'resolved', 'closed', 'reopened'];

export type CaseAction = 'start' | 'take' | 'requeue' | 'escalate' | 'wait' | 'reply' | 'resolve' | 'close' | 'reopen' | 'update';

const ACTIVE: CaseStatus[] = ['new', 'open', 'in-progress', 'waiting-for-customer', 'escalated', 'reopened'];

/** From which statuses each action is legal, and where it leads (null: unchanged). */
const TABLE: Record<CaseAction, { from: readonly CaseStatus[]; to: CaseStatus | null }> = {
  /** The procedure created the first task. */
  start: { from: ['new'], to: 'open' },
  /** An agent took the case's task (an escalated case stays escalated while the expert works). */
  take: { from: ['open', 'reopened'], to: 'in-progress' },
  /** The next step's task waits in a queue (a step transition, a send-back, the task returned). */
  requeue: { from: ['new', 'open', 'in-progress', 'waiting-for-customer', 'escalated', 'reopened'], to: 'open' },
  escalate: { from: ACTIVE, to: 'escalated' },
  wait: { from: ['open', 'in-progress', 'escalated', 'reopened'], to: 'waiting-for-customer' },
  /** The customer answered (or the agent stops waiting). */
  reply: { from: ['waiting-for-customer'], to: 'in-progress' },
  resolve: { from: ACTIVE, to: 'resolved' },
  close: { from: [...ACTIVE, 'resolved'], to: 'closed' },
  reopen: { from: ['resolved', 'closed'], to: 'reopened' },
  update: { from: [...ACTIVE, 'resolved'], to: null },
};

/** The status an action leads to, or an error naming the current status. */
export function caseTransition(status: CaseStatus, action: CaseAction): { ok: true; to: CaseStatus } | { ok: false; error: string } {
  const rule = TABLE[action];
  if (!rule.from.includes(status)) return { ok: false, error: `A ${status} case cannot be ${PAST[action]}` };
  return { ok: true, to: rule.to ?? status };
}

export function caseActionAllowedFrom(action: CaseAction): readonly CaseStatus[] {
  return TABLE[action].from;
}

/** The action that moves a case from one status to another (for PATCH status), if any. */
export function caseActionBetween(from: CaseStatus, to: CaseStatus): CaseAction | null {
  for (const [action, rule] of Object.entries(TABLE) as [CaseAction, (typeof TABLE)[CaseAction]][])
    if (rule.to === to && rule.from.includes(from)) return action;
  return null;
}

/** Finished: the SLA clock has stopped and no procedure task is live. */
export const isCaseDone = (s: CaseStatus): boolean => s === 'resolved' || s === 'closed';

const PAST: Record<CaseAction, string> = {
  start: 'started', take: 'taken', requeue: 'put back in a queue', escalate: 'escalated', wait: 'set to wait for the customer',
  reply: 'resumed', resolve: 'resolved', close: 'closed', reopen: 'reopened', update: 'changed',
};

import { supervisesTask, type ScopedTask } from './supervision.js';
import type { BinViewer } from './workbins.js';

/**
 * Who may see a case, in memory: the same rule as the server's SQL filter on case lists and reads
 * (server cases/visibility.ts `visibleTo`), so that live "case changed" notices go to exactly the
 * people who could open the case, read from the case's side.
 */
export interface CaseFacts {
  /** The actor that opened it (`user:<id>`, `api-key:<id>`, `customer:<id>`...). */
  createdBy: string | null;
  /** Every task of the case, finished or not (a case someone held stays theirs to see). */
  tasks: readonly ScopedTask[];
}

export interface CaseModel {
  /** Queue id -> every member (direct or through a team). */
  queues: ReadonlyMap<string, { members: ReadonlySet<string> }>;
}

/** Who is looking: the same as for workbins (what they supervise is asked only of supervisors). */
export type CaseViewer = BinViewer;

/** Admins and analysts see every case. */
export const seesAllCases = (roles: readonly string[]) => roles.includes('admin') || roles.includes('analyst');

const userOf = (actor: string | null) => (actor?.startsWith('user:') ? actor.slice(5) : null);

/**
 * May this person see the case? Admins and analysts: all. A supervisor: cases opened by, held by or
 * routed to the people they supervise, or at their queues or teams' bins, and cases with no work
 * at all. Anyone else: cases they opened, whose tasks they hold or held or were routed to them,
 * or that have work in one of their queues.
 */
export function seesCase(v: CaseViewer, c: CaseFacts, model: CaseModel): boolean {
  if (seesAllCases(v.roles)) return true;
  if (v.roles.includes('supervisor')) {
    const s = v.supervision();
    if (s.all || c.tasks.length === 0) return true;
    const creator = userOf(c.createdBy);
    return (creator !== null && s.people.has(creator)) || c.tasks.some((t) => supervisesTask(s, t));
  }
  if (userOf(c.createdBy) === v.id) return true;
  return c.tasks.some((t) => t.assigneeId === v.id || t.targetAgentId === v.id || (t.queueId !== null && !!model.queues.get(t.queueId)?.members.has(v.id)));
}

/**
 * The people who see the case without a supervisor's, admin's or analyst's role: for anyone else,
 * `seesCase` is true exactly when their id is in this set. Costs the case's tasks and their
 * queues' members, not every person connected.
 */
export function caseMembers(c: CaseFacts, model: CaseModel): Set<string> {
  const out = new Set<string>();
  const creator = userOf(c.createdBy);
  if (creator !== null) out.add(creator);
  for (const t of c.tasks) {
    if (t.assigneeId !== null) out.add(t.assigneeId);
    if (t.targetAgentId !== null) out.add(t.targetAgentId);
    const q = t.queueId !== null ? model.queues.get(t.queueId) : undefined;
    if (q) for (const m of q.members) out.add(m);
  }
  return out;
}

/** Does this person see cases by a rule other than membership (`caseMembers` does not cover them)? */
export const seesCasesBeyondMembership = (roles: readonly string[]) => seesAllCases(roles) || roles.includes('supervisor');

import type { Services } from '../services.js';
import type { Transaction } from 'kysely';
import type { DB, TaskRow } from '../db/schema.js';
import { SOCIAL_SOURCE } from '../chat/store.js';
import { rememberAuthor } from '../social/identities.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { Problem, forbidden, unprocessable } from '../http/problems.js';
import { changeTask, forgetHeldRow, heldRow, illegal, loadTask, type Change } from './change.js';
import { assertExpiresLater, route, type CaptureInput } from './capture.js';
import { json } from '../db/schema.js';
import { isHeld } from '../routing/agents.js';
import { afterChange } from './after.js';
import { completeInBatch } from './complete-batch.js';
import { transition, type TaskState } from '@worklane/core';
import { assertSupervises, supervisionFor } from '../auth/supervision.js';
import { supervisesPerson } from '@worklane/core';

export { loadTask };

/** Who may act on a task as its worker: the assignee, a supervisor/admin, or a tasks:write key. */
function mayWork(p: Principal, t: TaskRow): boolean {
  if (p.kind === 'api-key') return p.scopes.includes('tasks:write') || p.scopes.includes('admin');
  return t.assignee_id === p.id || p.roles.includes('supervisor') || p.roles.includes('admin');
}

export async function loadForWork(s: Services, p: Principal, id: string, verb: string): Promise<TaskRow> {
  return mayWorkOn(s, p, await loadTask(s.db, id), verb);
}

function mayWorkOn(s: Services, p: Principal, t: TaskRow, verb: string): TaskRow {
  if (!mayWork(p, t)) throw forbidden(`Only the assignee or a supervisor can ${verb} this task`);
  if (p.kind === 'user' && t.assignee_id !== p.id) assertSupervises(s, p, t); // supervisors: their teams' work only
  return t;
}

/** Back in line: no holder, a fresh set of exception rules; the original entry time stays. */
const REQUEUE = { state: 'queued', assignee_id: null, wake_at: null, paused_reason: null, exceptions_fired: json([]) } as const;

const NO_WRAP_UP = 'NS';

export async function completeTask(s: Services, p: Principal, id: string, body: { wrapUpCode?: string; note?: string }): Promise<Change> {
  const held = heldRow(s.db, id);
  if (held) {
    try {
      return await complete(s, p, held, body);
    } catch (err) {
      if (!(err instanceof Problem)) throw err;
      forgetHeldRow(s.db, id); // perhaps changed where this process did not hear of it: decided again on the stored row
    }
  }
  return complete(s, p, await loadTask(s.db, id), body);
}

/** Completes from a row of the task: the checks, then the tick's group commit (its version check). */
async function complete(s: Services, p: Principal, row: TaskRow, body: { wrapUpCode?: string; note?: string }): Promise<Change> {
  const t = mayWorkOn(s, p, row, 'complete');
  const wt = s.config.snapshot.worktypes.get(t.worktype);
  if (body.wrapUpCode !== undefined && wt && !wt.wrapUpCodes.includes(body.wrapUpCode))
    throw unprocessable('/wrapUpCode', `"${body.wrapUpCode}" is not a wrap-up code of worktype "${t.worktype}" (allowed: ${wt.wrapUpCodes.join(', ')})`);
  if (body.wrapUpCode === undefined && wt?.requireWrapUp) throw unprocessable('/wrapUpCode', `worktype "${t.worktype}" requires a wrap-up code`);
  // "NS" (not set) records that the agent finished without choosing a code.
  const code = body.wrapUpCode ?? NO_WRAP_UP;
  const legal = transition(t.state as TaskState, 'complete');
  if (!legal.ok) throw illegal(t, legal.error);
  return completeInBatch(s.db, t, code, body.note ?? null, actorOf(p)); // group commit, as captures

}

export async function cancelTask(s: Services, p: Principal, id: string, reason: string): Promise<Change> {
  const t = await loadForWork(s, p, id, 'cancel');
  return changeTask(s.db, t, 'cancel', {
    set: { state: 'canceled', completed_at: new Date(), wake_at: null },
    events: [{ type: 'task.canceled', actor: actorOf(p), userId: t.assignee_id, data: { reason, agent: t.assignee_id } }],
  });
}

/**
 * Sleeps until `until`, then back in line at the old place. `keep`: back to the agent who holds it
 * now (their personal workbin: "the customer is only free tomorrow, and I promised to call") rather
 * than to whoever is next in the queue; should they decline it then, it goes to the queue.
 */
export async function rescheduleTask(s: Services, p: Principal, id: string, until: string, reason?: string, keep = false): Promise<Change> {
  const t = await loadForWork(s, p, id, 'reschedule');
  const at = new Date(until);
  if (at.getTime() <= Date.now()) throw unprocessable('/until', 'must be in the future');
  const keptFor = keep ? (t.assignee_id ?? t.target_agent_id) : null;
  if (keep && !keptFor) throw unprocessable('/keep', 'nobody holds this task to keep it for');
  return changeTask(s.db, t, 'reschedule', {
    set: { state: 'scheduled', wake_at: at, assignee_id: null, target_agent_id: keptFor, paused_reason: null },
    events: [{ type: 'task.rescheduled', actor: actorOf(p), userId: t.assignee_id, data: { until: at.toISOString(), reason: reason ?? null, agent: t.assignee_id, keptFor } }],
  });
}

export async function pauseTask(s: Services, p: Principal, id: string, reason: string): Promise<Change> {
  const t = await loadForWork(s, p, id, 'pause');
  // The agent keeps the task in their work (paused, not using capacity) and gets it back on resume.
  return changeTask(s.db, t, 'pause', {
    set: { state: 'paused', paused_reason: reason, target_agent_id: null },
    events: [{ type: 'task.paused', actor: actorOf(p), userId: t.assignee_id, data: { reason, agent: t.assignee_id } }],
  });
}

export async function resumeTask(s: Services, p: Principal, id: string): Promise<Change> {
  const t = await loadForWork(s, p, id, 'resume');
  // Back to the agent who paused it (their personal routing), or to the queue if nobody had it.
  const agent = t.assignee_id && s.dispatcher.agents.get(t.assignee_id) ? t.assignee_id : null;
  return changeTask(s.db, t, 'resume', {
    set: { ...REQUEUE, target_agent_id: agent },
    events: [
      { type: 'task.resumed', actor: actorOf(p), data: { waitedFor: t.paused_reason, agent } },
      { type: 'task.queued', actor: actorOf(p), data: { queue: t.queue_id, agent, keptEntryTime: t.entered_queue_at?.toISOString() ?? null } },
    ],
  });
}

export async function transferTask(s: Services, p: Principal, id: string, body: { queue?: string; agent?: string; reason?: string }): Promise<Change> {
  if ((body.queue === undefined) === (body.agent === undefined)) throw unprocessable('/queue', 'give exactly one of queue or agent');
  const t = await loadForWork(s, p, id, 'transfer');
  if (body.queue !== undefined && !s.config.snapshot.queues.has(body.queue)) throw unprocessable('/queue', `unknown queue "${body.queue}"`);
  if (body.agent !== undefined && !s.dispatcher.agents.get(body.agent)) throw unprocessable('/agent', `"${body.agent}" is not an active agent`);
  const to = body.queue !== undefined ? { queue: body.queue } : { agent: body.agent };
  return changeTask(s.db, t, 'transfer', {
    set: { ...REQUEUE, queue_id: body.queue ?? t.queue_id, target_agent_id: body.agent ?? null, team_bin: null },
    events: [
      { type: 'task.transferred', actor: actorOf(p), userId: t.assignee_id, data: { from: { queue: t.queue_id, agent: t.assignee_id }, to, reason: body.reason ?? null } },
      { type: 'task.queued', actor: actorOf(p), data: { queue: body.queue ?? t.queue_id, agent: body.agent ?? null, keptEntryTime: t.entered_queue_at?.toISOString() ?? null } },
    ],
  });
}

/** The capture input that describes a task as it is now (for re-classification). */
function asInput(t: TaskRow, over: Partial<CaptureInput>): CaptureInput {
  return {
    worktype: t.worktype,
    title: t.title,
    attributes: t.attributes,
    ...(t.source !== null ? { source: t.source } : {}),
    ...(t.external_id !== null ? { externalId: t.external_id } : {}),
    ...(t.description !== null ? { description: t.description } : {}),
    ...(t.customer_id !== null ? { customerId: t.customer_id } : {}),
    ...over,
  };
}

/** Re-runs the rules for a changed task: new queue, priority, skills, due time. Held work returns to the queue. */
export async function reclassifyTask(s: Services, p: Principal, id: string, body: { worktype?: string; attributes?: Record<string, unknown> }): Promise<Change> {
  const t = await loadForWork(s, p, id, 'reclassify');
  const input = asInput(t, { ...(body.worktype ? { worktype: body.worktype } : {}), attributes: { ...t.attributes, ...body.attributes } });
  const r = route(s.config, input, t.created_at);
  const requeue = isHeld(t.state);
  return changeTask(s.db, t, 'reclassify', {
    set: {
      ...(requeue ? REQUEUE : {}),
      worktype: r.wt.id,
      media_type: r.wt.mediaType,
      attributes: json(input.attributes),
      queue_id: r.queue,
      priority: r.priority,
      due_at: r.dueAt,
      skills: json(r.skills),
      language: r.language,
      classification: json(r.classification),
      team_bin: null,
      target_agent_id: null,
    },
    events: [
      { type: 'task.reclassified', actor: actorOf(p), userId: t.assignee_id, data: { from: { worktype: t.worktype, queue: t.queue_id, priority: t.priority }, to: { worktype: r.wt.id, queue: r.queue, priority: r.priority }, matchedRules: r.classification.matchedRules } },
      ...(requeue || t.state === 'queued' ? [{ type: 'task.queued', actor: actorOf(p), data: { queue: r.queue, keptEntryTime: t.entered_queue_at?.toISOString() ?? null } }] : []),
    ],
  });
}

export interface TaskPatch {
  title?: string;
  description?: string | null;
  attributes?: Record<string, unknown>;
  priority?: number;
  dueAt?: string | null;
  expiresAt?: string | null;
  skills?: { skill: string; minLevel?: number }[];
  language?: string | null;
  customerId?: string | null;
}

/** PATCH: changes fields, then re-classifies and re-prioritizes (explicit values win over rules). */
export async function updateTask(s: Services, p: Principal, id: string, patch: TaskPatch): Promise<Change> {
  const t = await loadForWork(s, p, id, 'change');
  assertExpiresLater(patch.expiresAt, new Date());
  if (patch.customerId && !(await s.db.selectFrom('customers').select('id').where('id', '=', patch.customerId).executeTakeFirst())) throw unprocessable('/customerId', `there is no customer ${patch.customerId}`);
  // JSON merge patch for attributes: null removes a key.
  const attributes = { ...t.attributes };
  for (const [k, v] of Object.entries(patch.attributes ?? {})) if (v === null) delete attributes[k];
  else attributes[k] = v;
  const input = asInput(t, {
    attributes,
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.description ? { description: patch.description } : {}),
    ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
    ...(patch.dueAt ? { dueAt: patch.dueAt } : {}),
    ...(patch.skills ? { skills: patch.skills } : {}),
    ...(patch.language ? { language: patch.language } : {}),
  });
  const r = route(s.config, input, t.created_at);
  // A held task keeps its agent; a waiting one moves to the queue the rules now choose (not out of a personal or team bin).
  const moveQueue = t.state === 'queued' && !t.target_agent_id && !t.team_bin;
  const changed = Object.keys(patch);
  return changeTask(s.db, t, 'update', {
    set: {
      title: input.title,
      description: patch.description === null ? null : (input.description ?? null),
      attributes: json(attributes),
      priority: r.priority,
      due_at: patch.dueAt === null ? null : r.dueAt,
      ...(patch.expiresAt !== undefined ? { expires_at: patch.expiresAt === null ? null : new Date(patch.expiresAt) } : {}),
      skills: json(r.skills),
      language: patch.language === null ? null : r.language,
      classification: json(r.classification),
      ...(moveQueue ? { queue_id: r.queue } : {}),
      ...(patch.customerId !== undefined ? { customer_id: patch.customerId } : {}),
    },
    events: [{ type: 'task.updated', actor: actorOf(p), data: { fields: changed, priority: r.priority, queue: moveQueue ? r.queue : t.queue_id, matchedRules: r.classification.matchedRules, ...(patch.customerId !== undefined ? { customer: patch.customerId } : {}) } }],
    // A social conversation's author is that customer from now on (customer_identities): their next conversation comes linked.
    ...(patch.customerId && t.source === SOCIAL_SOURCE && t.external_id ? { also: (trx: Transaction<DB>) => rememberAuthor(trx, t.external_id!, patch.customerId!, actorOf(p)) } : {}),
  });
}

/** Escalation: up one level, to the worktype's escalation queue (or the same), with more priority. */
export async function escalateTask(s: Services, p: Principal, id: string, reason: string): Promise<Change> {
  const t = await loadForWork(s, p, id, 'escalate');
  const esc = s.config.snapshot.worktypes.get(t.worktype)?.escalation;
  const queue = esc?.queue && s.config.snapshot.queues.has(esc.queue) ? esc.queue : t.queue_id;
  const raise = esc?.raisePriority ?? 50;
  return changeTask(s.db, t, 'escalate', {
    set: { ...REQUEUE, queue_id: queue, escalation_level: t.escalation_level + 1, priority_boost: t.priority_boost + raise, target_agent_id: null, team_bin: null },
    events: [
      { type: 'task.escalated', actor: actorOf(p), userId: t.assignee_id, data: { reason, level: t.escalation_level + 1, from: t.queue_id, to: queue, raisePriority: raise, agent: t.assignee_id } },
      { type: 'task.queued', actor: actorOf(p), data: { queue, keptEntryTime: t.entered_queue_at?.toISOString() ?? null } },
    ],
  });
}

/** Supervisor: hand a task to a person now, within their capacity. */
export async function assignTask(s: Services, p: Principal, id: string, agentId: string): Promise<Change> {
  return s.dispatcher.exclusive(async () => {
    const t = await loadTask(s.db, id);
    assertSupervises(s, p, t);
    if (!supervisesPerson(supervisionFor(s, p), agentId)) throw forbidden(`You do not supervise "${agentId}": assign to someone in your teams`);
    const agent = s.dispatcher.agents.get(agentId);
    if (!agent) throw unprocessable('/agent', `"${agentId}" is not an active agent`);
    if (t.assignee_id === agentId && isHeld(t.state)) throw illegal(t, 'The task is already with this agent');
    if (s.dispatcher.agents.freeCapacity(agentId, t.media_type) <= 0) throw illegal(t, `The agent has no free ${t.media_type} capacity`);
    const c = await changeTask(s.db, t, 'assign', {
      set: { state: 'assigned', assignee_id: agentId, target_agent_id: null, team_bin: null, wake_at: null, paused_reason: null },
      events: [{ type: 'task.assigned', actor: actorOf(p), userId: agentId, data: { agent: agentId, by: actorOf(p), from: t.assignee_id } }],
    });
    afterChange(s, c); // inside the exclusive section: the next round already sees the capacity taken
    return c;
  });
}

export async function pullBackTask(s: Services, p: Principal, id: string, reason?: string): Promise<Change> {
  const t = await loadTask(s.db, id);
  assertSupervises(s, p, t);
  return changeTask(s.db, t, 'pull-back', {
    set: { ...REQUEUE, target_agent_id: null },
    events: [
      { type: 'task.pulled-back', actor: actorOf(p), userId: t.assignee_id, data: { agent: t.assignee_id, reason: reason ?? null } },
      { type: 'task.queued', actor: actorOf(p), data: { queue: t.queue_id, keptEntryTime: t.entered_queue_at?.toISOString() ?? null } },
    ],
  });
}


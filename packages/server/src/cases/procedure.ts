import { sql, type Transaction } from 'kysely';
import { escalationTarget, escalationLevelOf, findStep, needsHistory, nextStep, sendBack, transition, type ProcedureStep, type StepVisit, type TaskState } from '@worklane/core';
import { json, type DB, type TaskRow } from '../db/schema.js';
import type { Services } from '../services.js';
import { appendEvents, type EventInput } from '../events/append.js';
import { prepareTask, taskValues } from '../tasks/capture.js';
import type { Change } from '../tasks/change.js';
import { deadlines, olaPolicy } from '../clocks/compute.js';
import { caseData, illegalCase, olaFollows, olaMarks, slaMarks, statusSet, writeCase, type CaseRow } from './store.js';
import type { CaseType } from './settings.js';
import type { Effects } from './effects.js';

type Trx = Transaction<DB>;

export interface StepOptions {
  /** start | step | escalation | send-back | repeat | reopen */
  kind: string;
  /** Personal routing: the agent who handled the case before (send-back, reopen). */
  agent?: string | null;
  actor: string | null;
  now: number;
  escalationLevel?: number;
  raisePriority?: number;
}

/**
 * Creates the task of a procedure step inside the case's transaction: validated and classified
 * like any capture (the step's queue wins over rules), linked to the case and its customer, with
 * its OLA clock started. The caller routes it (dispatcher.track) after the commit.
 */
export async function createStepTask(s: Services, trx: Trx, c: CaseRow, ct: CaseType, step: ProcedureStep, o: StepOptions, events: EventInput[]): Promise<TaskRow> {
  const now = new Date(o.now);
  const row = prepareTask(
    s.config,
    {
      worktype: step.worktype,
      queue: step.queue,
      source: 'case',
      title: `${c.number} ${c.title}`.slice(0, 500),
      ...(c.description ? { description: c.description } : {}),
      attributes: { caseId: c.id, caseNumber: c.number, caseType: c.case_type, step: step.id },
      ...(c.customer_id ? { customerId: c.customer_id } : {}),
      caseId: c.id,
    },
    now,
  );
  if (o.agent && s.dispatcher.agents.get(o.agent)) row.target_agent_id = o.agent;
  row.escalation_level = o.escalationLevel ?? 0;
  row.priority_boost = o.raisePriority ?? 0;
  const task = await trx.insertInto('tasks').values(taskValues(row)).returningAll().executeTakeFirstOrThrow();
  const d = deadlines(s.config, olaPolicy(null, ct.procedure, step.id), now, [], o.now);
  // The next number of the case's steps, in the insert (the case is locked: no one else numbers one).
  const seq = sql<number>`(select coalesce(max(seq), 0) + 1 from case_tasks where case_id = ${c.id})`;
  await trx
    .insertInto('case_tasks')
    .values({ task_id: task.id, case_id: c.id, step: step.id, seq, kind: o.kind, ola_policy: json(null), ola_started_at: now, ola_paused: json([]), ola_due_at: d.due, ola_warn_at: d.warn })
    .execute();
  const data = { caseId: c.id, step: step.id };
  events.push(
    { type: 'task.created', actor: o.actor, taskId: task.id, data: { ...data, worktype: task.worktype, source: task.source, priority: task.priority, kind: o.kind } },
    { type: 'task.queued', actor: o.actor, taskId: task.id, data: { ...data, queue: task.queue_id, agent: task.target_agent_id, classification: row.classification } },
  );
  return task;
}

/** Cancels the case's live procedure tasks (escalation, close): what held them is freed after the commit. */
export async function cancelLiveTasks(trx: Trx, caseId: string, reason: string, actor: string | null, now: number, events: EventInput[]): Promise<Change[]> {
  const live = await trx
    .selectFrom('case_tasks as k')
    .innerJoin('tasks as t', 't.id', 'k.task_id')
    .selectAll('t')
    .where('k.case_id', '=', caseId)
    .where('k.finished_at', 'is', null)
    .forUpdate()
    .execute();
  const out: Change[] = [];
  const at = new Date(now);
  for (const t of live) {
    await trx.updateTable('case_tasks').set({ finished_at: at, outcome: 'canceled', agent_id: t.assignee_id }).where('task_id', '=', t.id).execute();
    if (!transition(t.state as TaskState, 'cancel').ok) continue; // already finished (its completion is being applied)
    const after = await trx
      .updateTable('tasks')
      .set({ state: 'canceled', completed_at: at, wake_at: null, updated_at: at, version: sql`version + 1` })
      .where('id', '=', t.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const rescinded = t.state === 'offered'
      ? await trx.updateTable('offers').set({ state: 'rescinded', closed_at: at }).where('task_id', '=', t.id).where('state', '=', 'pending').returning(['id', 'agent_id']).execute()
      : [];
    events.push({ type: 'task.canceled', actor, taskId: t.id, userId: t.assignee_id, data: { caseId, reason, agent: t.assignee_id } });
    out.push({ before: t, after, rescinded });
  }
  return out;
}

/** Finished steps of a case, in order: who handled which step (for send-back and reopen). */
export async function history(trx: Trx, caseId: string): Promise<StepVisit[]> {
  const rows = await trx.selectFrom('case_tasks').select(['step', 'agent_id']).where('case_id', '=', caseId).where('finished_at', 'is not', null).orderBy('seq').execute();
  return rows.filter((r) => r.agent_id !== null).map((r) => ({ step: r.step, agent: r.agent_id }));
}

export interface EscalateOptions {
  reason: string;
  actor: string | null;
  automatic: boolean;
  now: number;
}

/** Moves the case one rung up its escalation ladder: live work canceled, the escalation step's task created. */
export async function escalateInTrx(s: Services, trx: Trx, c: CaseRow, ct: CaseType, o: EscalateOptions, fx: Effects): Promise<CaseRow> {
  const proc = ct.procedure;
  const from = c.current_step;
  const up = proc && from ? escalationTarget(proc, from) : proc && !from ? escalationTarget(proc, proc.start) : null;
  if (!up) throw illegalCase(c, proc?.escalation?.length ? 'The case is at the last escalation level' : 'The case type has no escalation target');
  const { set, clock } = statusSet(s, ct, c, 'escalate', o.now);
  const events: EventInput[] = [];
  fx.changes.push(...(await cancelLiveTasks(trx, c.id, `escalated: ${o.reason}`, o.actor, o.now, events)));
  await olaFollows(s, trx, ct, c.id, clock, o.now);
  const task = await createStepTask(s, trx, c, ct, up.step, { kind: 'escalation', actor: o.actor, now: o.now, escalationLevel: up.level, raisePriority: ct.escalation.raisePriority }, events);
  fx.tasks.push(task);
  const after = await writeCase(trx, c, { ...set, current_step: up.step.id, escalation_level: up.level }, o.now);
  await appendEvents(trx, [
    ...events,
    { type: 'case.escalated', actor: o.actor, taskId: task.id, data: caseData(after, { level: up.level, from, to: up.step.id, queue: up.step.queue, reason: o.reason, automatic: o.automatic }) },
  ]);
  fx.caseIds.push(c.id);
  return after;
}

/** Resolves or closes the case: live work canceled, the SLA clock stopped, the resolution kept. */
export async function closeInTrx(s: Services, trx: Trx, c: CaseRow, ct: CaseType | undefined, o: { status: 'resolved' | 'closed'; resolution: string; actor: string | null; now: number }, fx: Effects): Promise<CaseRow> {
  const { set } = statusSet(s, ct, c, o.status === 'resolved' ? 'resolve' : 'close', o.now);
  const events: EventInput[] = [];
  fx.changes.push(...(await cancelLiveTasks(trx, c.id, `case ${o.status}`, o.actor, o.now, events)));
  const at = new Date(o.now);
  const after = await writeCase(trx, c, { ...set, resolution: o.resolution, resolved_at: c.resolved_at ?? at, ...(o.status === 'closed' ? { closed_at: at } : {}) }, o.now);
  await appendEvents(trx, [...events, { type: o.status === 'resolved' ? 'case.resolved' : 'case.closed', actor: o.actor, data: caseData(after, { resolution: o.resolution }) }]);
  fx.caseIds.push(c.id);
  return after;
}

/** Puts the case at a (non-escalation) step: next step of the procedure, a send-back, a repeat, a reopen. */
export async function moveToStep(s: Services, trx: Trx, c: CaseRow, ct: CaseType, step: ProcedureStep, o: { kind: string; agent?: string | null; actor: string | null; now: number; change: string; reason?: string }, fx: Effects): Promise<CaseRow> {
  const action = c.status === 'new' ? 'start' : c.status === 'resolved' || c.status === 'closed' ? 'reopen' : 'requeue';
  const { set, clock } = statusSet(s, ct, c, action, o.now);
  await olaFollows(s, trx, ct, c.id, clock, o.now);
  const events: EventInput[] = [];
  const task = await createStepTask(s, trx, c, ct, step, { kind: o.kind, agent: o.agent ?? null, actor: o.actor, now: o.now }, events);
  fx.tasks.push(task);
  const level = ct.procedure ? escalationLevelOf(ct.procedure, step.id) : 0;
  const reopen = action === 'reopen' ? { resolution: null, resolved_at: null, closed_at: null } : {};
  const after = await writeCase(trx, c, { ...set, ...reopen, current_step: step.id, escalation_level: level }, o.now);
  const type = action === 'reopen' ? 'case.reopened' : 'case.updated';
  await appendEvents(trx, [...events, { type, actor: o.actor, taskId: task.id, data: caseData(after, { change: o.change, step: step.id, queue: step.queue, agent: task.target_agent_id, ...(o.reason ? { reason: o.reason } : {}) }) }]);
  fx.caseIds.push(c.id);
  return after;
}

/**
 * Applies the outcome of a finished procedure task exactly once (guarded by case_tasks.finished_at):
 * the wrap-up code picks the next step, an escalation, a send-back to the original advisor, or
 * the close. A task finished unfinished (no transition) after its OLA breached escalates then.
 */
export async function applyTaskOutcome(s: Services, trx: Trx, taskId: string, fx: Effects): Promise<CaseRow | null> {
  // The step and its task in one read; only the step is locked (the guard), as before.
  const k = await trx
    .selectFrom('case_tasks as k')
    .innerJoin('tasks as t', 't.id', 'k.task_id')
    .selectAll('k')
    .select(olaMarks)
    .select(['t.state as task_state', 't.assignee_id as task_assignee', 't.wrap_up_code as task_code'])
    .where('k.task_id', '=', taskId)
    .forUpdate('k')
    .executeTakeFirst();
  if (!k || k.finished_at) return null;
  const t = { state: k.task_state, assignee_id: k.task_assignee, wrap_up_code: k.task_code };
  if (t.state !== 'completed' && t.state !== 'canceled') return null;
  const c = await trx.selectFrom('cases').selectAll('cases').select(slaMarks).where('id', '=', k.case_id).forUpdate().executeTakeFirstOrThrow();
  const now = s.clocks.now();
  await trx.updateTable('case_tasks').set({ finished_at: new Date(now), agent_id: t.assignee_id, outcome: t.state === 'canceled' ? 'canceled' : t.wrap_up_code }).where('task_id', '=', taskId).execute();
  const ct = s.config.snapshot.caseTypes.get(c.case_type);
  // A task canceled outside the case (a supervisor) leaves the case as it is; one of an old step changes nothing.
  if (t.state === 'canceled' || !ct?.procedure || c.current_step !== k.step || c.status === 'resolved' || c.status === 'closed') return c;
  const proc = ct.procedure;
  const actor = t.assignee_id ? `user:${t.assignee_id}` : null;
  const code = t.wrap_up_code ?? 'NS';
  const next = nextStep(proc, k.step, code, needsHistory(proc, k.step, code) ? await history(trx, c.id) : []);
  const overdue = k.ola_breached_at !== null && k.ola_escalated_at === null;
  if (next.kind === 'none' && overdue && escalationTarget(proc, k.step)) {
    await trx.updateTable('ola_alarms').set({ escalated_at: new Date(now) }).where('task_id', '=', taskId).where('kind', '=', 'breach').execute();
    return escalateInTrx(s, trx, c, ct, { reason: 'OLA breached: the task was finished unfinished after its deadline', actor: 'system:clocks', automatic: true, now }, fx);
  }
  switch (next.kind) {
    case 'close':
      return closeInTrx(s, trx, c, ct, { status: next.status, resolution: next.resolution, actor, now }, fx);
    case 'escalate':
      return escalateInTrx(s, trx, c, ct, { reason: `wrap-up code "${code}"`, actor, automatic: false, now }, fx);
    case 'send-back':
      return moveToStep(s, trx, c, ct, next.step, { kind: 'send-back', agent: next.agent, actor, now, change: 'sent-back' }, fx);
    case 'step':
      return moveToStep(s, trx, c, ct, next.step, { kind: 'step', actor, now, change: 'step' }, fx);
    case 'none': {
      // Nothing follows this code: the step is done again, so the case never sits without work.
      const step = findStep(proc, k.step)!;
      return moveToStep(s, trx, c, ct, step, { kind: 'repeat', agent: t.assignee_id, actor, now, change: 'repeat', reason: next.reason }, fx);
    }
  }
}

/** Where a reopened case goes: back to its last advisor step and agent, else the start. */
export async function reopenTarget(trx: Trx, ct: CaseType, caseId: string): Promise<{ step: ProcedureStep; agent: string | null } | null> {
  const proc = ct.procedure;
  if (!proc) return null;
  const back = sendBack(proc, await history(trx, caseId));
  if (back.kind === 'send-back') return { step: back.step, agent: back.agent };
  const start = findStep(proc, proc.start);
  return start ? { step: start, agent: null } : null;
}

/** Events for plain field changes and comments (no procedure move). */
export const caseEvent = (type: string, c: CaseRow, actor: string | null, more: Record<string, unknown> = {}): EventInput => ({ type, actor, data: caseData(c, more) });

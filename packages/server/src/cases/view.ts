import { CASE_STATUSES } from '@worklane/core';
import type { Services } from '../services.js';
import { customerDto, type CustomerRow } from '../customers/store.js';
import { attachmentDto, type AttachmentRow } from '../attachments/store.js';
import { deadlines, olaPolicy, slaPolicy } from '../clocks/compute.js';
import { caseDto } from './dto.js';
import { olaMarks, type CaseRow } from './store.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The procedure's tasks of a case, oldest first, with their OLA clocks. */
export async function caseTasks(s: Services, caseId: string) {
  const rows = await s.db
    .selectFrom('case_tasks as k')
    .innerJoin('tasks as t', 't.id', 'k.task_id')
    .select(olaMarks)
    .select(['k.task_id', 'k.step', 'k.kind', 'k.seq', 'k.ola_due_at', 'k.ola_warn_at', 'k.outcome', 'k.finished_at',
      't.state', 't.queue_id', 't.assignee_id', 't.target_agent_id', 't.wrap_up_code', 't.created_at', 't.completed_at', 't.escalation_level'])
    .where('k.case_id', '=', caseId)
    .orderBy('k.seq')
    .execute();
  return rows.map((k) => ({
    taskId: k.task_id,
    step: k.step,
    kind: k.kind,
    state: k.state,
    queue: k.queue_id,
    assignee: k.assignee_id,
    targetAgent: k.target_agent_id,
    wrapUpCode: k.wrap_up_code,
    escalationLevel: k.escalation_level,
    createdAt: k.created_at.toISOString(),
    completedAt: iso(k.completed_at),
    ola: { dueAt: iso(k.ola_due_at), warnAt: iso(k.ola_warn_at), warnedAt: iso(k.ola_warned_at), breachedAt: iso(k.ola_breached_at), escalatedAt: iso(k.ola_escalated_at) },
  }));
}

/**
 * A case with what the case view shows next to it: customer, tasks, attachments. `known` are what
 * the caller has just written (a new case's customer and files), so they are not read back.
 */
export async function caseView(s: Services, c: CaseRow, known?: { customer: CustomerRow | null; attachments: AttachmentRow[] }) {
  const [customer, tasks, attachments] = await Promise.all([
    known ? known.customer : c.customer_id ? s.db.selectFrom('customers').selectAll().where('id', '=', c.customer_id).executeTakeFirst() : undefined,
    caseTasks(s, c.id),
    known ? [...known.attachments].sort((a, b) => a.created_at.getTime() - b.created_at.getTime()) : s.db.selectFrom('attachments').selectAll().where('case_id', '=', c.id).orderBy('created_at').execute(),
  ]);
  return { ...caseDto(c), customer: customer ? customerDto(customer) : null, tasks, attachments: attachments.map(attachmentDto) };
}

const statusOf = (st: ReturnType<typeof deadlines>['status']) =>
  st && { state: st.state, targetMs: st.targetMs, elapsedMs: st.elapsedMs, remainingMs: st.remainingMs, percent: Math.round(st.percent * 10) / 10 };

/** The SLA clock of a case and the OLA clocks of its tasks, live at the clock service's now. */
export async function slaView(s: Services, c: CaseRow) {
  const now = s.clocks.now();
  const ct = s.config.snapshot.caseTypes.get(c.case_type);
  const policy = slaPolicy(c.sla_policy, ct);
  const d = deadlines(s.config, policy, c.sla_started_at, c.sla_paused, now);
  const done = c.status === 'resolved' || c.status === 'closed';
  const tasks = await s.db.selectFrom('case_tasks as k').selectAll('k').select(olaMarks).where('k.case_id', '=', c.id).orderBy('k.seq').execute();
  return {
    caseId: c.id,
    number: c.number,
    status: c.status,
    at: new Date(now).toISOString(),
    sla: {
      policy,
      overridden: c.sla_policy !== null,
      startedAt: c.sla_started_at.toISOString(),
      pauses: c.sla_paused.map((p) => ({ from: new Date(p.from).toISOString(), to: p.to === null ? null : new Date(p.to).toISOString() })),
      stopped: done,
      dueAt: iso(d.due),
      warnAt: iso(d.warn),
      warnedAt: iso(c.sla_warned_at),
      breachedAt: iso(c.sla_breached_at),
      ...statusOf(d.status),
    },
    ola: tasks.map((k) => {
      const p = olaPolicy(k.ola_policy, ct?.procedure, k.step);
      const x = deadlines(s.config, p, k.ola_started_at, k.ola_paused, k.finished_at?.getTime() ?? now);
      return {
        taskId: k.task_id,
        step: k.step,
        policy: p,
        startedAt: k.ola_started_at.toISOString(),
        finishedAt: iso(k.finished_at),
        dueAt: iso(x.due),
        warnedAt: iso(k.ola_warned_at),
        breachedAt: iso(k.ola_breached_at),
        escalatedAt: iso(k.ola_escalated_at),
        ...statusOf(x.status),
      };
    }),
  };
}

export const isStatus = (x: string): boolean => (CASE_STATUSES as readonly string[]).includes(x);

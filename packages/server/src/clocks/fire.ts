import { sql, type Kysely } from 'kysely';
import { escalationTarget, planFiring, type FireKind } from '@worklane/core';
import { json, type DB, type TaskRow } from '../db/schema.js';
import { PREPARE } from '../db/prepared.js';
import type { ConfigCache } from '../config/cache.js';
import { isHeld } from '../routing/agents.js';
import { caseData, type CaseRow, type CaseTaskRow } from '../cases/store.js';
import { deadlines, olaPolicy, slaPolicy } from './compute.js';

// Set-based firing: one transaction per batch of due clocks, whatever the batch size: a SELECT
// ... FOR UPDATE SKIP LOCKED (earliest deadline first, so two processes share the work and never
// fire the same clock), then one statement that sets the fired-at time (guarded by `is null`)
// and appends the events of the rows it set (the batch travels as one JSON parameter). Each clock is recomputed at the firing instant (pure, core): only a clock that really
// got there fires; a stale stored deadline is corrected instead (rare, one UPDATE each).

export const ACTOR = 'system:clocks';
/** Clocks per transaction: large enough to amortize the commit, small enough to hold few locks briefly. */
export const FIRE_BATCH = 1000;

export interface BatchResult {
  /** Clocks the batch looked at (fewer than the limit: nothing more is due). */
  seen: number;
  fired: number;
  /** OLA warnings whose case type escalates at the warning, task not held: escalate now (after the commit). */
  escalateNow: string[];
  /** SLA clocks fired (for supervisors' live alerts). */
  sla?: { caseId: string; number: string; kind: FireKind }[];
}

/**
 * Fires up to `limit` case SLA clocks whose `kind` is due at `now`. The alarm and its case are
 * locked (a busy case is skipped, never waited for: a case change moving the deadline moves the
 * alarm too, by trigger); the alarm is what is marked (sla_alarms: a narrow row, one index entry
 * per firing), the case is written only to correct a stale deadline.
 */
export function fireSlaBatch(db: Kysely<DB>, config: ConfigCache, kind: FireKind, now: number, limit = FIRE_BATCH): Promise<BatchResult> {
  const at = new Date(now);
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<Pick<CaseRow, 'id' | 'number' | 'case_type' | 'status' | 'sla_policy' | 'sla_started_at' | 'sla_paused' | 'sla_due_at' | 'sla_warn_at'>>`${sql.raw(PREPARE)}
      select c.id, c.number, c.case_type, c.status, c.sla_policy, c.sla_started_at, c.sla_paused, c.sla_due_at, c.sla_warn_at
      from sla_alarms a join cases c on c.id = a.case_id
      where a.kind = ${kind} and a.fired_at is null and a.due_at <= ${at}
      order by a.due_at limit ${limit} for update of a, c skip locked`.execute(trx);
    const snap = config.snapshot;
    const withDeadlines = rows.map((c) => ({ c, d: deadlines(config, slaPolicy(c.sla_policy, snap.caseTypes.get(c.case_type)), c.sla_started_at, c.sla_paused, now) }));
    const plan = planFiring(kind, withDeadlines, (x) => x.d.status);
    for (const { c, d } of plan.correct) await trx.updateTable('cases').set({ sla_due_at: d.due, sla_warn_at: d.warn }).where('id', '=', c.id).execute();
    if (!plan.fire.length) return { seen: rows.length, fired: 0, escalateNow: [] };
    const type = kind === 'warning' ? 'sla.warning' : 'sla.breached';
    const marks = plan.fire.map(({ c, d }) => {
      const st = d.status!;
      return { id: c.id, data: caseData(c as CaseRow, { dueAt: d.due?.toISOString() ?? null, percent: Math.round(st.percent), elapsedMs: st.elapsedMs, targetMs: st.targetMs }) };
    });
    // One statement: mark the batch's alarms fired (still unfired: guard) and append one event per alarm marked.
    const { rows: fired } = await sql<{ id: string; number: string }>`${sql.raw(PREPARE)}
      with v as (select * from rows from (jsonb_to_recordset(${json(marks)}::jsonb) as (id text, data jsonb)) with ordinality as v(id, data, n)),
      marked as (update sla_alarms a set fired_at = ${at} from v where a.case_id = v.id and a.kind = ${kind} and a.fired_at is null returning v.data, v.n)
      insert into events (type, actor, data)
      select ${type}, ${ACTOR}, data from marked order by n
      returning data->>'caseId' as id, data->>'number' as number`.execute(trx);
    return { seen: rows.length, fired: fired.length, escalateNow: [], sla: fired.map((f) => ({ caseId: f.id, number: f.number, kind })) };
  });
}

/** Fires up to `limit` OLA clocks (live procedure tasks) whose `kind` is due at `now`. */
export function fireOlaBatch(db: Kysely<DB>, config: ConfigCache, kind: FireKind, now: number, limit = FIRE_BATCH): Promise<BatchResult> {
  const at = new Date(now);
  return db.transaction().execute(async (trx) => {
    // The alarm and its clock's row are locked (case_tasks, which every other path takes before
    // its alarms: skipped while busy, never waited for). A task already completed or canceled is
    // left alone: its outcome is being applied (recoverOutcomes).
    const { rows } = await sql<OlaClockRow>`${sql.raw(PREPARE)}
      select k.task_id, k.step, k.ola_policy, k.ola_started_at, k.ola_paused, k.ola_due_at, k.ola_warn_at, c.id, c.number, c.case_type, c.status, t.state, t.assignee_id, t.queue_id
      from ola_alarms a join case_tasks k on k.task_id = a.task_id join tasks t on t.id = k.task_id join cases c on c.id = k.case_id
      where a.kind = ${kind} and a.fired_at is null and a.live and a.due_at <= ${at} and k.finished_at is null and t.state not in ('completed', 'canceled')
      order by a.due_at limit ${limit} for update of a, k skip locked`.execute(trx);
    const snap = config.snapshot;
    const withDeadlines = rows.map((k) => {
      const ct = snap.caseTypes.get(k.case_type);
      return { k, ct, d: deadlines(config, olaPolicy(k.ola_policy, ct?.procedure, k.step), k.ola_started_at, k.ola_paused, now) };
    });
    const plan = planFiring(kind, withDeadlines, (x) => x.d.status);
    for (const { k, d } of plan.correct) await trx.updateTable('case_tasks').set({ ola_due_at: d.due, ola_warn_at: d.warn }).where('task_id', '=', k.task_id).execute();
    if (!plan.fire.length) return { seen: rows.length, fired: 0, escalateNow: [] };
    const out = plan.fire.map((x) => {
      const auto = x.ct?.escalation.automatic === kind && !!x.ct.procedure && !!escalationTarget(x.ct.procedure, x.k.step);
      const held = isHeld(x.k.state) && x.k.state !== 'offered';
      return { ...x, auto, held };
    });
    // A breach that escalates nothing (off, or no rung above) is handled at once: no recheck needed.
    const marks = out.map(({ k, d, auto, held }) => ({
      task_id: k.task_id,
      settle: kind === 'breach' && !auto,
      user_id: k.assignee_id,
      data: olaData(k, d.due, d.status!.percent, !auto ? 'none' : held ? 'deferred: an agent is working on the task' : 'now'),
    }));
    // One statement: mark the batch fired (still unfired: guard) and append one event per row marked.
    const { rows: fired } = await sql<{ task_id: string }>`${sql.raw(PREPARE)}
      with v as (select * from rows from (jsonb_to_recordset(${json(marks)}::jsonb) as (task_id text, settle boolean, user_id text, data jsonb)) with ordinality as v(task_id, settle, user_id, data, n)),
      marked as (
        update ola_alarms a set fired_at = ${at}, escalated_at = case when v.settle then ${at} else a.escalated_at end
        from v where a.task_id = v.task_id and a.kind = ${kind} and a.fired_at is null returning v.task_id, v.user_id, v.data, v.n)
      insert into events (type, actor, task_id, user_id, data)
      select ${kind === 'warning' ? 'ola.warning' : 'ola.breached'}, ${ACTOR}, task_id, user_id, data from marked order by n
      returning task_id`.execute(trx);
    const firedIds = new Set(fired.map((r) => r.task_id));
    const escalateNow = kind === 'warning' ? out.filter((x) => firedIds.has(x.k.task_id) && x.ct?.escalation.automatic === 'warning' && !x.held).map((x) => x.k.task_id) : [];
    return { seen: rows.length, fired: fired.length, escalateNow };
  });
}

type OlaClockRow = Pick<CaseTaskRow, 'task_id' | 'step' | 'ola_policy' | 'ola_started_at' | 'ola_paused' | 'ola_due_at' | 'ola_warn_at'> &
  Pick<CaseRow, 'id' | 'number' | 'case_type' | 'status'> & Pick<TaskRow, 'state' | 'assignee_id' | 'queue_id'>;

interface OlaRow {
  task_id: string;
  step: string;
  id: string;
  number: string;
  case_type: string;
  status: string;
  assignee_id: string | null;
  queue_id: string | null;
}

function olaData(k: OlaRow, due: Date | null, percent: number, escalation: string): Record<string, unknown> {
  const c = { id: k.id, number: k.number, case_type: k.case_type, status: k.status } as CaseRow;
  return caseData(c, { taskId: k.task_id, step: k.step, queue: k.queue_id, agent: k.assignee_id, dueAt: due?.toISOString() ?? null, percent: Math.round(percent), escalation });
}

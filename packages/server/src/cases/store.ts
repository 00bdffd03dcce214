import { sql, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import { caseTransition, type CaseAction, type CaseStatus } from '@worklane/core';
import { json, type CaseTasksTable, type CasesTable, type DB } from '../db/schema.js';
import type { Services } from '../services.js';
import { conflict, notFound, unprocessable } from '../http/problems.js';
import { clockStopped, deadlines, pauseAt, resumeAt, olaPolicy, slaPolicy } from '../clocks/compute.js';
import type { CaseType } from './settings.js';

/** A case with its SLA warning and breach times (sla_alarms): read with `slaMarks`. */
export type CaseRow = Selectable<CasesTable> & { sla_warned_at: Date | null; sla_breached_at: Date | null };
export type CaseTaskRow = Selectable<CaseTasksTable>;
type Trx = Transaction<DB>;

/** When a case task's breached OLA was escalated (select with the case task aliased `k`; the escalator reads only this). */
export const olaEscalatedAt = sql<Date | null>`(select a.escalated_at from ola_alarms a where a.task_id = k.task_id and a.kind = 'breach')`.as('ola_escalated_at');

/** Select these with a case task aliased `k`: when its OLA warned and breached, and when what followed was settled (ola_alarms). */
export const olaMarks = [
  sql<Date | null>`(select a.fired_at from ola_alarms a where a.task_id = k.task_id and a.kind = 'warning')`.as('ola_warned_at'),
  sql<Date | null>`(select a.fired_at from ola_alarms a where a.task_id = k.task_id and a.kind = 'breach')`.as('ola_breached_at'),
  olaEscalatedAt,
];

/** Select (or return) these with a case row: when its SLA warned and breached (clocks/migration.ts says why they live apart). */
export const slaMarks = [
  sql<Date | null>`(select a.fired_at from sla_alarms a where a.case_id = cases.id and a.kind = 'warning')`.as('sla_warned_at'),
  sql<Date | null>`(select a.fired_at from sla_alarms a where a.case_id = cases.id and a.kind = 'breach')`.as('sla_breached_at'),
];

/** A case by id or by its number (C-000123). */
export async function loadCase(db: Kysely<DB>, ref: string): Promise<CaseRow> {
  const c = await db.selectFrom('cases').selectAll('cases').select(slaMarks).where((eb) => eb.or([eb('id', '=', ref), eb('number', '=', ref)])).executeTakeFirst();
  if (!c) throw notFound(`Case ${ref}`);
  return c;
}

/**
 * Locks the case for the rest of the transaction (case changes run one at a time per case). Its
 * live tasks are locked first: every path takes a task before its case (an assignment's trigger
 * updates the case), so the two never wait on each other in a cycle.
 */
export async function lockCase(trx: Trx, id: string): Promise<CaseRow> {
  await trx
    .selectFrom('tasks')
    .select('tasks.id')
    .where('tasks.id', 'in', trx.selectFrom('case_tasks').select('task_id').where('case_id', '=', id).where('finished_at', 'is', null))
    .orderBy('tasks.id')
    .forUpdate()
    .execute();
  const c = await trx.selectFrom('cases').selectAll('cases').select(slaMarks).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!c) throw notFound(`Case ${id}`);
  return c;
}

export function caseTypeOf(s: Services, id: string): CaseType {
  const ct = s.config.snapshot.caseTypes.get(id);
  if (!ct) throw unprocessable('/caseType', `unknown case type "${id}"`);
  return ct;
}

/** 409 naming the status: illegal moves and lost races answer alike. */
export const illegalCase = (c: Pick<CaseRow, 'status'>, message: string) => conflict(message, { status: c.status });

/**
 * The columns a status change writes: the new status and, when the change stops or restarts the
 * clock (pause statuses, resolved/closed), the SLA's pause list and recomputed deadlines.
 */
export function statusSet(s: Services, ct: CaseType | undefined, c: CaseRow, action: CaseAction, now: number): { status: CaseStatus; set: Updateable<CasesTable>; clock: 'paused' | 'resumed' | null } {
  const t = caseTransition(c.status as CaseStatus, action);
  if (!t.ok) throw illegalCase(c, t.error);
  const was = clockStopped(ct, c.status);
  const will = clockStopped(ct, t.to);
  if (was === will) return { status: t.to, set: { status: t.to }, clock: null };
  const pauses = will ? pauseAt(c.sla_paused, now) : resumeAt(c.sla_paused, now);
  const d = deadlines(s.config, slaPolicy(c.sla_policy, ct), c.sla_started_at, pauses, now);
  return { status: t.to, set: { status: t.to, sla_paused: json(pauses), sla_due_at: d.due, sla_warn_at: d.warn }, clock: will ? 'paused' : 'resumed' };
}

/** The case's live procedure tasks' OLA clocks stop or restart with the case (waiting for the customer). */
export async function olaFollows(s: Services, trx: Trx, ct: CaseType | undefined, caseId: string, clock: 'paused' | 'resumed' | null, now: number): Promise<void> {
  if (!clock) return;
  const live = await trx.selectFrom('case_tasks').selectAll().where('case_id', '=', caseId).where('finished_at', 'is', null).execute();
  for (const k of live) {
    const pauses = clock === 'paused' ? pauseAt(k.ola_paused, now) : resumeAt(k.ola_paused, now);
    const d = deadlines(s.config, olaPolicy(k.ola_policy, ct?.procedure, k.step), k.ola_started_at, pauses, now);
    await trx.updateTable('case_tasks').set({ ola_paused: json(pauses), ola_due_at: d.due, ola_warn_at: d.warn }).where('task_id', '=', k.task_id).execute();
  }
}

/** Writes a locked case: bumps its version; the row lock makes the version check a formality. */
export async function writeCase(trx: Trx, c: CaseRow, set: Updateable<CasesTable>, now: number): Promise<CaseRow> {
  const after = await trx
    .updateTable('cases')
    .set({ ...set, updated_at: new Date(now), version: sql`version + 1` })
    .where('id', '=', c.id)
    .where('version', '=', c.version)
    .returningAll()
    .returning(slaMarks)
    .executeTakeFirst();
  if (!after) throw illegalCase(c, 'The case changed meanwhile; reload and try again');
  return after;
}

/** What every case event carries (notifications and webhooks read these). */
export const caseData = (c: CaseRow, more: Record<string, unknown> = {}) => ({ caseId: c.id, number: c.number, caseType: c.case_type, status: c.status, ...more });

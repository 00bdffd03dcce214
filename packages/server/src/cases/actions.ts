import type { Transaction } from 'kysely';
import { caseActionBetween, validateSubmission, type CaseStatus, type ClockPolicy, type FormDefinition } from '@worklane/core';
import { json, type DB } from '../db/schema.js';
import type { Services } from '../services.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { appendEvents } from '../events/append.js';
import { badRequest, forbidden, unprocessable } from '../http/problems.js';
import { deadlines, olaPolicy, slaPolicy } from '../clocks/compute.js';
import { caseData, illegalCase, loadCase, lockCase, olaFollows, statusSet, writeCase, type CaseRow } from './store.js';
import { closeInTrx, escalateInTrx, moveToStep, reopenTarget } from './procedure.js';
import { applyEffects, noEffects, type Effects } from './effects.js';
import { assertCaseVisible, viewerOf } from './visibility.js';
import type { CaseType } from './settings.js';
import { newId } from '../db/ids.js';

type Trx = Transaction<DB>;

/** One case change: visible to the caller, locked, changed in one transaction; effects after the commit. */
async function caseOp<T>(s: Services, p: Principal, ref: string, fn: (trx: Trx, c: CaseRow, ct: CaseType | undefined, fx: Effects, now: number) => Promise<T>): Promise<T> {
  const seen = await loadCase(s.db, ref);
  await assertCaseVisible(s, viewerOf(s, p), seen);
  const fx = noEffects();
  const out = await s.db.transaction().execute(async (trx) => {
    const c = await lockCase(trx, seen.id);
    fx.caseIds.push(c.id);
    return fn(trx, c, s.config.snapshot.caseTypes.get(c.case_type), fx, s.clocks.now());
  });
  applyEffects(s, fx);
  return out;
}

const oversees = (p: Principal) => p.kind === 'api-key' || p.roles.includes('supervisor') || p.roles.includes('admin');

export interface CasePatch {
  title?: string;
  description?: string | null;
  fields?: Record<string, unknown>;
  status?: CaseStatus;
  customerId?: string | null;
  /** Supervisors: this case's SLA (null: back to the case type's). */
  sla?: ClockPolicy | null;
  /** Supervisors: the OLA of the case's current task (null: back to its step's). */
  ola?: ClockPolicy | null;
}

/** The form without file fields: files change through attachments, not PATCH. */
const withoutFiles = (f: FormDefinition): FormDefinition => ({ fields: f.fields.filter((x) => x.type !== 'file') });

/** PATCH: fields (merge patch, re-validated), title, customer, the manual statuses, and a supervisor's SLA/OLA. */
export async function patchCase(s: Services, p: Principal, ref: string, patch: CasePatch): Promise<CaseRow> {
  if ((patch.sla !== undefined || patch.ola !== undefined) && !oversees(p)) throw forbidden('Only a supervisor changes a case’s SLA or OLA');
  return caseOp(s, p, ref, async (trx, c, ct, _fx, now) => {
    if (c.status === 'closed') throw illegalCase(c, 'A closed case cannot be changed; reopen it first');
    let set: Record<string, unknown> = {};
    const changed: string[] = [];
    const rearm: ('warning' | 'breach')[] = [];
    if (patch.fields) {
      const fields = { ...c.fields };
      for (const [k, v] of Object.entries(patch.fields)) if (v === null) delete fields[k];
      else fields[k] = v;
      if (ct) {
        const files = new Set(ct.form.fields.filter((f) => f.type === 'file').map((f) => f.name));
        const bad = Object.keys(patch.fields).filter((k) => files.has(k)).map((k) => ({ pointer: `/fields/${k}`, message: 'files are added as attachments' }));
        const checked = Object.fromEntries(Object.entries(fields).filter(([k]) => !files.has(k)));
        const errors = [...bad, ...validateSubmission(withoutFiles(ct.form), checked)].map((e) => ({ ...e, in: 'body' as const }));
        if (errors.length) throw badRequest(errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), errors);
      }
      set.fields = json(fields);
      changed.push(...Object.keys(patch.fields).map((k) => `fields.${k}`));
    }
    for (const key of ['title', 'description'] as const) {
      if (patch[key] === undefined) continue;
      set[key] = patch[key];
      changed.push(key);
    }
    if (patch.customerId !== undefined) {
      if (patch.customerId !== null && !(await trx.selectFrom('customers').select('id').where('id', '=', patch.customerId).executeTakeFirst()))
        throw unprocessable('/customerId', 'unknown customer');
      set.customer_id = patch.customerId;
      changed.push('customerId');
    }
    let clock: 'paused' | 'resumed' | null = null;
    if (patch.status !== undefined && patch.status !== c.status) {
      const action = caseActionBetween(c.status as CaseStatus, patch.status);
      if (action !== 'wait' && action !== 'reply')
        throw illegalCase(c, `A ${c.status} case cannot be set to ${patch.status} by PATCH (only waiting-for-customer and back; use escalate, close or reopen)`);
      const st = statusSet(s, ct, c, action, now);
      set = { ...set, ...st.set };
      clock = st.clock;
      changed.push('status');
    }
    if (patch.sla !== undefined) {
      const d = deadlines(s.config, slaPolicy(patch.sla, ct), c.sla_started_at, (set.sla_paused ? JSON.parse(set.sla_paused as string) : c.sla_paused) as CaseRow['sla_paused'], now);
      set = { ...set, sla_policy: json(patch.sla), sla_due_at: d.due, sla_warn_at: d.warn };
      // A new SLA may not have been reached yet: its warning and breach may fire (again) for it.
      if (!d.status || d.status.state !== 'breached') rearm.push('breach');
      if (!d.status || d.status.state === 'running' || d.status.state === 'paused') rearm.push('warning');
      changed.push('sla');
    }
    await olaFollows(s, trx, ct, c.id, clock, now);
    if (patch.ola !== undefined) {
      const live = await trx.selectFrom('case_tasks').selectAll().where('case_id', '=', c.id).where('finished_at', 'is', null).execute();
      if (!live.length) throw illegalCase(c, 'The case has no live task whose OLA could change');
      for (const k of live) {
        const d = deadlines(s.config, olaPolicy(patch.ola, ct?.procedure, k.step), k.ola_started_at, k.ola_paused, now);
        const reached = d.status?.state === 'breached';
        await trx.updateTable('case_tasks').set({ ola_policy: json(patch.ola), ola_due_at: d.due, ola_warn_at: d.warn }).where('task_id', '=', k.task_id).execute();
        // A new OLA not reached yet: its breach (and what followed it) and, still running, its warning may fire again.
        if (!reached) await trx.updateTable('ola_alarms').set({ fired_at: null, escalated_at: null }).where('task_id', '=', k.task_id).where('kind', '=', 'breach').execute();
        if (d.status?.state === 'running' || d.status?.state === 'paused')
          await trx.updateTable('ola_alarms').set({ fired_at: null }).where('task_id', '=', k.task_id).where('kind', '=', 'warning').execute();
      }
      changed.push('ola');
    }
    if (!changed.length) return c;
    const after = await writeCase(trx, c, set, now);
    if (rearm.length) {
      await trx.updateTable('sla_alarms').set({ fired_at: null }).where('case_id', '=', c.id).where('kind', 'in', rearm).execute();
      if (rearm.includes('warning')) after.sla_warned_at = null;
      if (rearm.includes('breach')) after.sla_breached_at = null;
    }
    await appendEvents(trx, [{ type: 'case.updated', actor: actorOf(p), data: caseData(after, { change: 'fields', changed, ...(patch.status !== undefined ? { from: c.status } : {}) }) }]);
    return after;
  });
}

export async function escalateCase(s: Services, p: Principal, ref: string, reason: string): Promise<CaseRow> {
  return caseOp(s, p, ref, async (trx, c, ct, fx, now) => {
    if (!ct) throw illegalCase(c, 'The case type no longer exists');
    return escalateInTrx(s, trx, c, ct, { reason, actor: actorOf(p), automatic: false, now }, fx);
  });
}

export async function closeCase(s: Services, p: Principal, ref: string, body: { resolution: string; status?: 'resolved' | 'closed' }): Promise<CaseRow> {
  return caseOp(s, p, ref, (trx, c, ct, fx, now) => closeInTrx(s, trx, c, ct, { status: body.status ?? 'closed', resolution: body.resolution, actor: actorOf(p), now }, fx));
}

/** Reopens a resolved or closed case: the SLA clock resumes where it stopped; work goes back to the last advisor. */
export async function reopenCase(s: Services, p: Principal, ref: string, reason: string | undefined): Promise<CaseRow> {
  return caseOp(s, p, ref, async (trx, c, ct, fx, now) => {
    const target = ct ? await reopenTarget(trx, ct, c.id) : null;
    if (ct && target) return moveToStep(s, trx, c, ct, target.step, { kind: 'reopen', agent: target.agent, actor: actorOf(p), now, change: 'reopened', ...(reason ? { reason } : {}) }, fx);
    const { set } = statusSet(s, ct, c, 'reopen', now);
    const after = await writeCase(trx, c, { ...set, resolution: null, resolved_at: null, closed_at: null }, now);
    await appendEvents(trx, [{ type: 'case.reopened', actor: actorOf(p), data: caseData(after, { reason: reason ?? null }) }]);
    return after;
  });
}

export async function commentCase(s: Services, p: Principal, ref: string, body: { body: string; visibility?: 'internal' | 'customer' }) {
  return caseOp(s, p, ref, async (trx, c) => {
    const comment = await trx
      .insertInto('case_comments')
      .values({ id: newId(), case_id: c.id, author: actorOf(p), author_name: p.name, body: body.body, visibility: body.visibility ?? 'internal' })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [{ type: 'case.commented', actor: actorOf(p), data: caseData(c, { commentId: comment.id, visibility: comment.visibility, author: p.name, excerpt: comment.body.slice(0, 200) }) }]);
    return comment;
  });
}

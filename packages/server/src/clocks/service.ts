import { sql, type Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { escalationTarget } from '@worklane/core';
import { json, type DB } from '../db/schema.js';
import type { Services } from '../services.js';
import type { ConfigCache } from '../config/cache.js';
import { appendEvents } from '../events/append.js';
import { isHeld } from '../routing/agents.js';
import { caseData, lockCase } from '../cases/store.js';
import { escalateInTrx } from '../cases/procedure.js';
import { applyEffects, noEffects, type Effects } from '../cases/effects.js';
import { recoverOutcomes } from '../cases/hooks.js';
import { deadlines, olaPolicy, slaPolicy } from './compute.js';

const ACTOR = 'system:clocks';
const DONE = ['resolved', 'closed'];
const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);
/** A tick or re-arm that failed (the database went away) is tried again this much later. */
const RETRY_MS = 1000;

/**
 * The SLA (case) and OLA (a case's task) timers. Deadlines are timestamps in the database; one
 * timer rings at the earliest one still to fire, so a restart re-arms from there and loses none.
 * Warning and breach each fire exactly once (`where <x>_warned_at is null` updates, across
 * processes too), after the clock is recomputed at that instant. An OLA breach escalates the
 * case one rung, except while an agent holds the task: then it escalates as soon as the task is
 * no longer held (or is finished without an outcome). `now` is injectable: tests drive the clock.
 */
export class ClockService {
  private s: Services | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private stopped = false;
  private running: Promise<unknown> = Promise.resolve();
  private rearmQueued = false;
  /** The clock policies and calendars the stored deadlines were computed with. */
  private computedFor = '';
  /** The time the timer is set for (tests, /metrics). */
  armedAt: number | null = null;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly config: ConfigCache,
    private readonly log: FastifyBaseLogger,
    public now: () => number = Date.now,
    /** While a breached OLA waits for its agent to let go: how often to look again. */
    private readonly recheckMs = 15_000,
  ) {}

  async start(s: Services): Promise<void> {
    this.s = s;
    await recoverOutcomes(s);
    await this.recompute();
    this.config.onChange(() => {
      // Most configuration changes (skills, users...) move no clock: recompute only when policies or calendars changed.
      if (this.fingerprint() === this.computedFor) return;
      this.serial(() => this.recompute()).catch((err) => this.log.error({ err }, 'clock recompute failed'));
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running.catch(() => {});
  }

  /** Replaces the time source (tests) and looks again. */
  setNow(now: () => number): void {
    this.now = now;
    this.rearm();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.running.then(fn);
    this.running = next.catch(() => {});
    return next;
  }

  /** Fires what is due at `now()`, then re-arms. Safe to call any time (tests call it after moving the clock). */
  tick(): Promise<void> {
    return this.serial(async () => {
      if (this.stopped || !this.s) return;
      try {
        await this.fireDue(this.s);
        await this.arm();
      } catch (err) {
        this.retrySoon(); // otherwise no timer is left and nothing fires until the next case change
        throw err;
      }
    });
  }

  private retrySoon(): void {
    this.set(Math.min(this.timerAt, this.now() + RETRY_MS));
  }

  /** After case changes: look for the next deadline (coalesced per tick). */
  rearm(): void {
    if (this.rearmQueued || this.stopped) return;
    this.rearmQueued = true;
    setImmediate(() => {
      this.rearmQueued = false;
      this.serial(() => this.arm()).catch((err) => {
        this.log.error({ err }, 'clock re-arm failed; trying again shortly');
        this.retrySoon();
      });
    });
  }

  /** Sets the timer for the earliest warning or breach still to fire (or a recheck of held breached tasks). */
  private async arm(): Promise<void> {
    if (this.stopped) return;
    const row = await sql<{ at: Date | null; overdue: boolean }>`
      select least(
        (select min(sla_warn_at) from cases where sla_warned_at is null and sla_warn_at is not null),
        (select min(sla_due_at) from cases where sla_breached_at is null and sla_due_at is not null),
        (select min(ola_warn_at) from case_tasks where ola_warned_at is null and ola_warn_at is not null and finished_at is null),
        (select min(ola_due_at) from case_tasks where ola_breached_at is null and ola_due_at is not null and finished_at is null)
      ) as at,
      exists (select 1 from case_tasks where ola_breached_at is not null and ola_escalated_at is null and finished_at is null) as overdue`.execute(this.db);
    const r = row.rows[0];
    let at = r?.at ? new Date(r.at).getTime() : Number.POSITIVE_INFINITY;
    if (r?.overdue) at = Math.min(at, this.now() + this.recheckMs);
    this.set(at);
  }

  private set(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    this.armedAt = Number.isFinite(at) ? at : null;
    if (!Number.isFinite(at) || this.stopped) return;
    // Relative to the injected clock; setTimeout caps at ~24.8 days (a far deadline re-arms itself).
    const delay = Math.min(Math.max(0, at - this.now()) + 5, 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.tick().catch((err) => this.log.error({ err }, 'clock tick failed'));
    }, delay);
    this.timer.unref();
  }

  private fingerprint(): string {
    const snap = this.config.snapshot;
    return JSON.stringify([
      [...snap.caseTypes.values()].map((ct) => [ct.id, ct.sla, ct.pauseStatuses, ct.procedure?.steps.map((x) => [x.id, x.ola])]),
      [...snap.calendars.entries()],
    ]);
  }

  /**
   * Recomputes every running clock from its start, pauses, policy and calendar (config changed,
   * start). A row changed meanwhile (paused, new policy) is left to the change that wrote it.
   */
  async recompute(): Promise<void> {
    const now = this.now();
    const snap = this.config.snapshot;
    this.computedFor = this.fingerprint();
    const cases = await this.db.selectFrom('cases').select(['id', 'version', 'case_type', 'sla_policy', 'sla_started_at', 'sla_paused', 'sla_due_at', 'sla_warn_at']).where('status', 'not in', DONE).execute();
    for (const c of cases) {
      const d = deadlines(this.config, slaPolicy(c.sla_policy, snap.caseTypes.get(c.case_type)), c.sla_started_at, c.sla_paused, now);
      if (!sameTime(d.due, c.sla_due_at) || !sameTime(d.warn, c.sla_warn_at))
        await this.db.updateTable('cases').set({ sla_due_at: d.due, sla_warn_at: d.warn }).where('id', '=', c.id).where('version', '=', c.version).execute();
    }
    const tasks = await this.db
      .selectFrom('case_tasks as k')
      .innerJoin('cases as c', 'c.id', 'k.case_id')
      .select(['k.task_id', 'k.step', 'k.ola_policy', 'k.ola_started_at', 'k.ola_paused', 'k.ola_due_at', 'k.ola_warn_at', 'c.case_type'])
      .where('k.finished_at', 'is', null)
      .execute();
    for (const k of tasks) {
      const d = deadlines(this.config, olaPolicy(k.ola_policy, snap.caseTypes.get(k.case_type)?.procedure, k.step), k.ola_started_at, k.ola_paused, now);
      if (!sameTime(d.due, k.ola_due_at) || !sameTime(d.warn, k.ola_warn_at))
        await this.db
          .updateTable('case_tasks')
          .set({ ola_due_at: d.due, ola_warn_at: d.warn })
          .where('task_id', '=', k.task_id)
          .where(sql<boolean>`ola_paused = ${json(k.ola_paused)}::jsonb and ola_policy = ${json(k.ola_policy)}::jsonb`)
          .execute();
    }
    await this.arm();
  }

  private async fireDue(s: Services): Promise<void> {
    // Finished tasks whose case has not moved on yet (canceled by a supervisor, a crash): first.
    await recoverOutcomes(s);
    const at = new Date(this.now());
    const [slaWarn, slaDue, olaWarn, olaDue] = await Promise.all([
      this.db.selectFrom('cases').select('id').where('sla_warned_at', 'is', null).where('sla_warn_at', '<=', at).orderBy('sla_warn_at').execute(),
      this.db.selectFrom('cases').select('id').where('sla_breached_at', 'is', null).where('sla_due_at', '<=', at).orderBy('sla_due_at').execute(),
      this.db.selectFrom('case_tasks').select('task_id').where('ola_warned_at', 'is', null).where('ola_warn_at', '<=', at).where('finished_at', 'is', null).orderBy('ola_warn_at').execute(),
      this.db.selectFrom('case_tasks').select('task_id').where('ola_breached_at', 'is', null).where('ola_due_at', '<=', at).where('finished_at', 'is', null).orderBy('ola_due_at').execute(),
    ]);
    for (const c of slaWarn) await this.guard(() => this.fireSla(c.id, 'warning'));
    for (const c of slaDue) await this.guard(() => this.fireSla(c.id, 'breach'));
    for (const k of olaWarn) await this.guard(() => this.fireOla(s, k.task_id, 'warning'));
    for (const k of olaDue) await this.guard(() => this.fireOla(s, k.task_id, 'breach'));
    // Breached while held: escalate once nobody holds the task any more.
    const overdue = await this.db
      .selectFrom('case_tasks as k')
      .innerJoin('tasks as t', 't.id', 'k.task_id')
      .select('k.task_id')
      .where('k.ola_breached_at', 'is not', null)
      .where('k.ola_escalated_at', 'is', null)
      .where('k.finished_at', 'is', null)
      .where('t.state', 'not in', ['offered', 'assigned', 'wrap-up'])
      .execute();
    for (const k of overdue) await this.guard(() => this.escalateOverdue(s, k.task_id, 'breach'));
  }

  /** One clock's failure must not stop the others (it is retried at the next tick). */
  private async guard(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.log.error({ err }, 'clock event failed');
    }
  }

  private async fireSla(caseId: string, kind: 'warning' | 'breach'): Promise<void> {
    const now = this.now();
    const at = new Date(now);
    await this.db.transaction().execute(async (trx) => {
      const c = await trx.selectFrom('cases').selectAll().where('id', '=', caseId).forUpdate().executeTakeFirst();
      if (!c || (kind === 'warning' ? c.sla_warned_at : c.sla_breached_at)) return;
      // Recomputed at this instant: only a clock that really got there fires; a stale deadline is corrected.
      const d = deadlines(this.config, slaPolicy(c.sla_policy, this.config.snapshot.caseTypes.get(c.case_type)), c.sla_started_at, c.sla_paused, now);
      const reached = kind === 'warning' ? d.status?.state === 'warning' || d.status?.state === 'breached' : d.status?.state === 'breached';
      if (!reached) {
        await trx.updateTable('cases').set({ sla_due_at: d.due, sla_warn_at: d.warn }).where('id', '=', caseId).execute();
        return;
      }
      const set = kind === 'warning' ? { sla_warned_at: at } : { sla_breached_at: at };
      const done = await trx.updateTable('cases').set(set).where('id', '=', caseId).where(kind === 'warning' ? 'sla_warned_at' : 'sla_breached_at', 'is', null).returningAll().executeTakeFirst();
      if (!done) return;
      const st = d.status!;
      await appendEvents(trx, [
        { type: kind === 'warning' ? 'sla.warning' : 'sla.breached', actor: ACTOR, data: caseData(done, { dueAt: d.due?.toISOString() ?? null, percent: Math.round(st.percent), elapsedMs: st.elapsedMs, targetMs: st.targetMs }) },
      ]);
    });
    this.s?.webhooks.kick();
    this.s?.notifications.kick();
  }

  private async fireOla(s: Services, taskId: string, kind: 'warning' | 'breach'): Promise<void> {
    const now = this.now();
    const at = new Date(now);
    await this.db.transaction().execute(async (trx) => {
      const k = await trx.selectFrom('case_tasks').selectAll().where('task_id', '=', taskId).forUpdate().executeTakeFirst();
      if (!k || k.finished_at || (kind === 'warning' ? k.ola_warned_at : k.ola_breached_at)) return;
      const c = await trx.selectFrom('cases').selectAll().where('id', '=', k.case_id).executeTakeFirstOrThrow();
      const ct = this.config.snapshot.caseTypes.get(c.case_type);
      const d = deadlines(this.config, olaPolicy(k.ola_policy, ct?.procedure, k.step), k.ola_started_at, k.ola_paused, now);
      const reached = kind === 'warning' ? d.status?.state === 'warning' || d.status?.state === 'breached' : d.status?.state === 'breached';
      if (!reached) {
        await trx.updateTable('case_tasks').set({ ola_due_at: d.due, ola_warn_at: d.warn }).where('task_id', '=', taskId).execute();
        return;
      }
      const t = await trx.selectFrom('tasks').select(['state', 'assignee_id', 'queue_id']).where('id', '=', taskId).executeTakeFirstOrThrow();
      if (t.state === 'completed' || t.state === 'canceled') return; // its outcome is being applied
      await trx.updateTable('case_tasks').set(kind === 'warning' ? { ola_warned_at: at } : { ola_breached_at: at }).where('task_id', '=', taskId).execute();
      const auto = ct?.escalation.automatic === kind && !!ct.procedure && !!escalationTarget(ct.procedure, k.step);
      const held = isHeld(t.state) && t.state !== 'offered';
      const escalation = !auto ? 'none' : held ? 'deferred: an agent is working on the task' : 'now';
      await appendEvents(trx, [
        {
          type: kind === 'warning' ? 'ola.warning' : 'ola.breached',
          actor: ACTOR,
          taskId,
          userId: t.assignee_id,
          data: caseData(c, { taskId, step: k.step, queue: t.queue_id, agent: t.assignee_id, dueAt: d.due?.toISOString() ?? null, percent: Math.round(d.status!.percent), escalation }),
        },
      ]);
      // Not escalating (off, or nothing above): the breach is handled; no recheck needed.
      if (kind === 'breach' && !auto) await trx.updateTable('case_tasks').set({ ola_escalated_at: at }).where('task_id', '=', taskId).execute();
    });
    s.webhooks.kick();
    s.notifications.kick();
    if (kind === 'warning') {
      const ct = await this.caseTypeOfTask(taskId);
      if (ct?.escalation.automatic === 'warning') await this.escalateOverdue(s, taskId, 'warning');
    } else await this.escalateOverdue(s, taskId, 'breach');
  }

  private async caseTypeOfTask(taskId: string) {
    const r = await this.db.selectFrom('case_tasks as k').innerJoin('cases as c', 'c.id', 'k.case_id').select('c.case_type').where('k.task_id', '=', taskId).executeTakeFirst();
    return r ? this.config.snapshot.caseTypes.get(r.case_type) : undefined;
  }

  /** Escalates the case of an overdue task once, unless an agent holds the task (then: later). */
  private async escalateOverdue(s: Services, taskId: string, why: 'warning' | 'breach'): Promise<void> {
    const fx: Effects = noEffects();
    const now = this.now();
    await this.db.transaction().execute(async (trx) => {
      const k0 = await trx.selectFrom('case_tasks').select('case_id').where('task_id', '=', taskId).executeTakeFirst();
      if (!k0) return;
      const c = await lockCase(trx, k0.case_id); // the task, then its case
      const k = await trx.selectFrom('case_tasks').selectAll().where('task_id', '=', taskId).executeTakeFirstOrThrow();
      if (k.finished_at || k.ola_escalated_at || c.status === 'resolved' || c.status === 'closed') return;
      const t = await trx.selectFrom('tasks').select('state').where('id', '=', taskId).executeTakeFirstOrThrow();
      if (isHeld(t.state) && t.state !== 'offered') return; // actively worked: not now
      const ct = this.config.snapshot.caseTypes.get(c.case_type);
      await trx.updateTable('case_tasks').set({ ola_escalated_at: new Date(now) }).where('task_id', '=', taskId).execute();
      if (!ct?.procedure || c.current_step !== k.step || !escalationTarget(ct.procedure, k.step)) return;
      await escalateInTrx(s, trx, c, ct, { reason: why === 'warning' ? 'OLA warning' : 'OLA breached', actor: ACTOR, automatic: true, now }, fx);
    });
    applyEffects(s, fx);
  }
}

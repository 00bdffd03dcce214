import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { escalationTarget } from '@worklane/core';
import type { DB } from '../db/schema.js';
import type { Services } from '../services.js';
import type { ConfigCache } from '../config/cache.js';
import { isHeld } from '../routing/agents.js';
import { lockCase, olaEscalatedAt } from '../cases/store.js';
import { escalateInTrx } from '../cases/procedure.js';
import { applyEffects, noEffects, type Effects } from '../cases/effects.js';
import { ACTOR } from './fire.js';

const PAGE = 500;
/** Escalations in flight at once (the embedded database takes them in turn). */
const CONCURRENCY = 4;

/**
 * Automatic escalations after OLA warnings and breaches. Each cancels and creates tasks, so each
 * is its own transaction (per-row work, only for the clocks that escalate); they run beside the
 * timer, a few at a time, so a burst of escalations never holds up clocks that come due meanwhile.
 * Once per task: the task and its case are locked, and its breach alarm's `escalated_at` is checked and set.
 */
export class Escalator {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private warnings: string[] = [];

  constructor(
    private readonly db: Kysely<DB>,
    private readonly config: ConfigCache,
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number,
  ) {}

  /** Looks for escalations to do (and escalates these tasks after their warning). */
  kick(s: Services, warnings: readonly string[] = []): void {
    if (this.stopped) return;
    this.warnings.push(...warnings);
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass(s);
      } while (this.again && !this.stopped);
    })()
      .catch((err) => this.log.error({ err }, 'clock escalations failed; the next tick tries again'))
      .finally(() => (this.running = null));
  }

  /** Resolves when no escalation is running (tests, stop). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private async pass(s: Services): Promise<void> {
    const warned = this.warnings.splice(0);
    for (const taskId of warned) await this.guard(() => this.escalate(s, taskId, 'warning'));
    // Breached while held, or breached just now: escalate once nobody holds the task any more.
    for (;;) {
      if (this.stopped) return;
      const page = await this.db
        .selectFrom('ola_alarms as a')
        .innerJoin('tasks as t', 't.id', 'a.task_id')
        .select('a.task_id')
        .where('a.kind', '=', 'breach')
        .where('a.fired_at', 'is not', null)
        .where('a.escalated_at', 'is', null)
        .where('a.live', '=', true)
        .where('t.state', 'not in', ['offered', 'assigned', 'wrap-up'])
        .orderBy('a.fired_at')
        .limit(PAGE)
        .execute();
      // A few at a time: different cases never wait on each other (each locks its own task, then case).
      let done = 0;
      let next = 0;
      const worker = async () => {
        while (next < page.length && !this.stopped) if (await this.guard(() => this.escalate(s, page[next++]!.task_id, 'breach'))) done++;
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      if (page.length < PAGE || done === 0) return; // failures wait for the next tick
    }
  }

  /** One escalation's failure must not stop the others (it is retried at the next tick). */
  private async guard(fn: () => Promise<unknown>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (err) {
      this.log.error({ err }, 'clock escalation failed');
      return false;
    }
  }

  /** Escalates the case of an overdue task once, unless an agent holds the task (then: later). */
  private async escalate(s: Services, taskId: string, why: 'warning' | 'breach'): Promise<void> {
    const fx: Effects = noEffects();
    const now = this.now();
    await this.db.transaction().execute(async (trx) => {
      const k0 = await trx.selectFrom('case_tasks').select('case_id').where('task_id', '=', taskId).executeTakeFirst();
      if (!k0) return;
      const c = await lockCase(trx, k0.case_id); // the task, then its case
      // The clock's row and its task's state in one read (the task is locked by lockCase while live).
      const k = await trx
        .selectFrom('case_tasks as k')
        .innerJoin('tasks as t', 't.id', 'k.task_id')
        .select(['k.step', 'k.finished_at', 't.state'])
        .select(olaEscalatedAt)
        .where('k.task_id', '=', taskId)
        .executeTakeFirstOrThrow();
      if (k.finished_at || k.ola_escalated_at || c.status === 'resolved' || c.status === 'closed') return;
      if (isHeld(k.state) && k.state !== 'offered') return; // actively worked: not now
      const ct = this.config.snapshot.caseTypes.get(c.case_type);
      await trx.updateTable('ola_alarms').set({ escalated_at: new Date(now) }).where('task_id', '=', taskId).where('kind', '=', 'breach').execute();
      if (!ct?.procedure || c.current_step !== k.step || !escalationTarget(ct.procedure, k.step)) return;
      await escalateInTrx(s, trx, c, ct, { reason: why === 'warning' ? 'OLA warning' : 'OLA breached', actor: ACTOR, automatic: true, now }, fx);
    });
    applyEffects(s, fx);
  }
}

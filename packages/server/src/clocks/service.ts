import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { FireKind } from '@worklane/core';
import type { DB } from '../db/schema.js';
import type { Services } from '../services.js';
import type { ConfigCache } from '../config/cache.js';
import { recoverOutcomes } from '../cases/hooks.js';
import { PREPARE } from '../db/prepared.js';
import { FIRE_BATCH, fireOlaBatch, fireSlaBatch, type BatchResult } from './fire.js';
import { Escalator } from './escalator.js';
import { recomputeAll, storedFingerprint, storeFingerprint } from './recompute.js';

/** A tick or re-arm that failed (the database went away) is tried again this much later. */
const RETRY_MS = 1000;
/** How often a tick also looks for finished procedure tasks whose outcome was never applied. */
const RECOVER_MS = 5000;
/** Passes over the four kinds per tick (then the timer takes over again). */
const MAX_PASSES = 50;
/** Batches one loop fires per pass at most (a bound, not a limit met in practice). */
const MAX_BATCHES = 10_000;
/** Concurrent firing loops per kind. */
const LOOPS = 2;
/**
 * Case changes re-read the next deadline at most this often (real time, not the injectable clock):
 * a burst of case writes (1,000 automatic escalations after a burst of breaches) read it once per
 * write, 5–10 ms each. A deadline set to fall sooner than this after its change is late by at most this.
 */
const REARM_GAP_MS = 100;
const KINDS = [
  [fireSlaBatch, 'warning'],
  [fireSlaBatch, 'breach'],
  [fireOlaBatch, 'warning'],
  [fireOlaBatch, 'breach'],
] as const satisfies readonly (readonly [typeof fireSlaBatch, FireKind])[];
/** Up to this many SLA clocks fired in one tick are told to supervisors one by one; more, as counts. */
export const SLA_ALERTS_EACH = 10;

/**
 * The SLA (case) and OLA (a case's task) timers. Deadlines are timestamps in the database; one
 * timer rings at the earliest one still to fire, so a restart re-arms from there and loses none.
 * Due clocks fire in batches (fire.ts): warning and breach each exactly once (locked rows, skip
 * locked, `where <x>_warned_at is null` updates, across processes too), after the clock is
 * recomputed at that instant. An OLA breach escalates the case one rung, except while an agent
 * holds the task: then it escalates as soon as the task is no longer held (or is finished without
 * an outcome). `now` is injectable: tests drive the clock.
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
  private readonly escalator: Escalator;
  private recoveredAt = Number.NEGATIVE_INFINITY;
  /** performance.now() of the last look for the next deadline. */
  private armedLast = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly config: ConfigCache,
    private readonly log: FastifyBaseLogger,
    public now: () => number = Date.now,
    /** While a breached OLA waits for its agent to let go: how often to look again. */
    private readonly recheckMs = 15_000,
    /** Clocks fired per transaction. */
    private readonly batch = FIRE_BATCH,
  ) {
    this.escalator = new Escalator(db, config, log, () => this.now());
  }

  async start(s: Services): Promise<void> {
    this.s = s;
    this.recoveredAt = this.now();
    await recoverOutcomes(s);
    // Deadlines follow every change as it is written; a full recompute is needed only when the
    // policies or calendars differ from those of the last one (e.g. imported while stopped).
    if ((await storedFingerprint(this.db)) === this.fingerprint()) {
      this.computedFor = this.fingerprint();
      await this.arm();
    } else await this.recompute();
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
    await this.escalator.stop();
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

  /**
   * Fires what is due at `now()`, then re-arms; resolves once the escalations it started are done
   * (they do not hold up the timer's next tick). Safe to call any time (tests move the clock).
   */
  async tick(): Promise<void> {
    await this.serial(async () => {
      if (this.stopped || !this.s) return;
      try {
        await this.fireDue(this.s);
        await this.arm();
      } catch (err) {
        this.retrySoon(); // otherwise no timer is left and nothing fires until the next case change
        throw err;
      }
    });
    await this.escalator.idle();
  }

  private retrySoon(): void {
    this.set(Math.min(this.timerAt, this.now() + RETRY_MS));
  }

  /** After case changes: look for the next deadline (coalesced per tick, and at most once per REARM_GAP_MS). */
  rearm(): void {
    if (this.rearmQueued || this.stopped) return;
    this.rearmQueued = true;
    const go = () => {
      this.rearmQueued = false;
      this.serial(() => this.arm()).catch((err) => {
        this.log.error({ err }, 'clock re-arm failed; trying again shortly');
        this.retrySoon();
      });
    };
    const wait = this.armedLast + REARM_GAP_MS - performance.now();
    if (wait <= 0) setImmediate(go);
    else setTimeout(go, wait).unref();
  }

  /** Sets the timer for the earliest warning or breach still to fire (or a recheck of held breached tasks). */
  private async arm(): Promise<void> {
    if (this.stopped) return;
    this.armedLast = performance.now();
    // A task finished but not yet applied to its case fires nothing (fire.ts): not a deadline to ring
    // at. Written as order by + limit: min() with the anti-join scanned every live case task. The
    // task's state is a subquery by its key, so each candidate costs one probe: as a `not exists`
    // the planner could read every completed task (the history) to anti-join them. Prepared: its
    // plan took longer to make than to run.
    const live = sql`coalesce((select t.state from tasks t where t.id = a.task_id), '') not in ('completed', 'canceled')`;
    const row = await sql<{ at: Date | null; overdue: boolean }>`${sql.raw(PREPARE)}
      select least(
        (select min(due_at) from sla_alarms where kind = 'warning' and fired_at is null and due_at is not null),
        (select min(due_at) from sla_alarms where kind = 'breach' and fired_at is null and due_at is not null),
        (select due_at from ola_alarms a where kind = 'warning' and fired_at is null and due_at is not null and live and ${live} order by due_at limit 1),
        (select due_at from ola_alarms a where kind = 'breach' and fired_at is null and due_at is not null and live and ${live} order by due_at limit 1)
      ) as at,
      exists (select 1 from ola_alarms where kind = 'breach' and fired_at is not null and escalated_at is null and live) as overdue`.execute(this.db);
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
    const text = JSON.stringify([
      [...snap.caseTypes.values()].map((ct) => [ct.id, ct.sla, ct.pauseStatuses, ct.procedure?.steps.map((x) => [x.id, x.ola])]),
      [...snap.calendars.entries()],
    ]);
    return createHash('sha256').update(text).digest('base64url');
  }

  /**
   * Recomputes every running clock from its start, pauses, policy and calendar (configuration
   * changed; at start only when it changed since the last recompute, which the database records).
   */
  async recompute(): Promise<void> {
    const fp = this.fingerprint();
    this.computedFor = fp;
    await recomputeAll(this.db, this.config, this.now());
    await storeFingerprint(this.db, fp);
    await this.arm();
  }

  private async fireDue(s: Services): Promise<void> {
    // Finished tasks whose case has not moved on yet (a failed attempt): first, now and then. It
    // reads every live case task, and completions apply their outcome themselves.
    if (this.now() - this.recoveredAt >= RECOVER_MS || this.now() < this.recoveredAt) {
      this.recoveredAt = this.now();
      await recoverOutcomes(s);
    }
    let failed: unknown;
    const escalate: string[] = [];
    const slaFired: NonNullable<BatchResult['sla']> = [];
    const slaCounts: Record<FireKind, number> = { warning: 0, breach: 0 };
    let fired = 0;
    // Batch after batch until nothing more is due; `now` is read per batch and the passes repeat
    // while they fire, so a burst spread over a second is fired in one tick. LOOPS loops in flight:
    // one batch commits while another is read and computed (skip locked keeps them apart; on the
    // embedded database they simply take turns). Each loop takes every kind in turn, so in a backlog
    // OLA breaches (which escalate work) do not wait for every SLA clock of the burst, and the pass
    // ends when the last batch of every kind found nothing due. A kind is not dropped from the turn
    // when it finds nothing: clocks keep coming due during a burst, and a batch of it may have found
    // its rows locked by another kind's batch (an OLA's warning and breach share a row). It used to
    // leave the turn on a short batch and then waited for the end of the pass: in the full-size
    // timers burst the OLA breaches waited behind 90,000 SLA breaches, 1.2 s late at the median
    // where the SLAs were 0.3 s.
    for (let pass = 0, more = true; more && !failed && pass < MAX_PASSES; pass++) {
      more = false;
      const live = KINDS.map((_, k) => k);
      // Per kind: the turn at which a batch of it last found nothing (-1: it found something).
      const emptyAt = KINDS.map(() => -1);
      let turn = 0;
      const loop = async () => {
        for (let n = 0; n < MAX_BATCHES && live.some((k) => emptyAt[k]! < 0); n++) {
          const k = nextKind(live, emptyAt, turn++);
          const [fire, kind] = KINDS[k]!;
          try {
            const r = await fire(this.db, this.config, kind, this.now(), this.batch);
            fired += r.fired;
            more ||= r.fired > 0;
            escalate.push(...r.escalateNow);
            // A few are told one by one, a burst as counts (hub.slaAlerts): keep no more than that needs.
            for (const x of r.sla ?? []) {
              slaCounts[x.kind]++;
              if (slaFired.length < SLA_ALERTS_EACH) slaFired.push(x);
            }
            emptyAt[k] = r.seen === 0 ? turn : -1;
          } catch (err) {
            failed ??= err; // this kind waits for the retry; the others go on
            if (live.includes(k)) live.splice(live.indexOf(k), 1);
          }
        }
      };
      await Promise.all(Array.from({ length: LOOPS }, loop));
    }
    if (fired) {
      s.webhooks.kick();
      s.notifications.kick();
      s.hub.statsChanged(); // supervisors' live case figures (at risk, breached) re-read
      if (slaFired.length) void s.hub.slaAlerts(slaFired, slaCounts, SLA_ALERTS_EACH).catch((err) => this.log.warn({ err }, 'SLA alerts not sent'));
    }
    this.escalator.kick(s, escalate);
    if (failed) throw failed;
  }
}

/**
 * The next kind in turn, passing over a kind whose last batch found nothing less than two rounds
 * ago (looking costs a transaction: in the full-size timers burst, which has no warnings due,
 * looking every round put the lateness p99 at 893 and 911 ms, sitting out two rounds at 814 and
 * 849, runs back to back); if every kind did, the one whose turn it is.
 */
function nextKind(live: number[], emptyAt: number[], turn: number): number {
  for (let i = 0; i < live.length; i++) {
    const k = live[(turn + i) % live.length]!;
    if (emptyAt[k]! < 0 || turn - emptyAt[k]! >= 2 * live.length) return k;
  }
  return live[turn % live.length]!;
}

import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Metrics } from '../observability/metrics.js';
import { afterFailure, webhookOptionsFromEnv, type WebhookOptions } from './options.js';
import { webhookBody } from './payload.js';
import { PassLoop } from './pass-loop.js';
import { postSigned, type SendResult } from './send.js';
import { buryOrphan, claimDue, loadBatch, outlook, recordAttempts, releaseLeases, type Claimed, type Recorded } from './store.js';
import { TickBatch } from '../db/tick-batch.js';

/** Kicks arriving within this window share one claim query (a burst of captures = one pass). */
const KICK_SETTLE_MS = 15;
/** A lease outlives the attempt timeout by this much before another worker may take the row. */
const LEASE_MARGIN_MS = 30_000;

/**
 * Sends pending webhook deliveries. The rows are the queue (so a restart resumes where it left
 * off); the worker only decides when to look: after a kick (a committed change in this process),
 * at the next due retry, and at a slow backstop poll for what other processes or background timers
 * committed. Sending never happens inside a request, and at most `concurrency` requests are in flight.
 */
export class WebhookWorker {
  readonly options: WebhookOptions;
  private readonly loop: PassLoop;
  /** Any enabled subscription? Kicks are free no-ops until there is one. */
  private active = false;
  private readonly shutdown = new AbortController();
  /** Deliveries under way, until their attempt is recorded (stop() waits for them). */
  private readonly inflight = new Map<number, Promise<void>>();
  /** Requests to receivers in flight (the slots). */
  private sending = 0;
  /** Requests in flight per subscription: one receiver that hangs may hold a quarter of the slots, not all. */
  private readonly perSubscription = new Map<string, number>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly metrics: Metrics,
    private readonly log: FastifyBaseLogger,
    options: Partial<WebhookOptions> = {},
  ) {
    this.options = { ...webhookOptionsFromEnv(), ...options };
    this.loop = new PassLoop(() => this.pass(), this.options.pollMs, (err) => this.log.error({ err }, 'webhook delivery pass failed; retrying at the next poll'));
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    const stopping = this.loop.stop();
    this.shutdown.abort();
    await stopping;
    await Promise.allSettled([...this.inflight.values()]);
  }

  /** Something committed that may have enqueued deliveries. Cheap: at most one claim per settle window. */
  kick(): void {
    if (this.active) this.loop.wake(KICK_SETTLE_MS);
  }

  /** Subscriptions changed here: re-read whether any is enabled, and look for work. */
  subscriptionsChanged(): void {
    this.active = true;
    this.loop.wake(0);
  }

  private async pass(): Promise<void> {
    const room = Math.min(this.options.batchSize, this.options.concurrency - this.sending);
    if (room <= 0) return; // a finishing send wakes us
    const now = new Date();
    const claimed = await claimDue(this.db, now, room, new Date(now.getTime() + this.options.timeoutMs + LEASE_MARGIN_MS), this.shareOfSlots, this.perSubscription);
    if (claimed.length) await this.launch(claimed);
    if (claimed.length === room) {
      this.loop.more(); // there may be more due
      return;
    }
    // What waits only for full subscriptions is looked at again when one of their requests finishes (it wakes us).
    const { nextDue, active } = await outlook(this.db, this.full());
    this.active = active;
    if (nextDue) this.loop.wake(Math.min(nextDue.getTime() - Date.now(), this.options.pollMs));
  }

  private get shareOfSlots(): number {
    return Math.max(1, Math.ceil(this.options.concurrency / 4));
  }

  private full(): string[] {
    return [...this.perSubscription].filter(([, n]) => n >= this.shareOfSlots).map(([id]) => id);
  }

  private async launch(claimed: Claimed[]): Promise<void> {
    const { events, subs } = await loadBatch(this.db, claimed);
    const over: number[] = [];
    for (const d of claimed) {
      const busy = this.perSubscription.get(d.subscription_id) ?? 0;
      if (busy >= this.shareOfSlots) {
        over.push(d.id); // its receiver already has its share in flight: back to the queue, as it was due
        continue;
      }
      const event = events.get(d.event_id);
      const sub = subs.get(d.subscription_id);
      if (!sub) continue; // deleted meanwhile; its deliveries went with it
      if (!event) {
        await buryOrphan(this.db, d.id);
        continue;
      }
      const body = webhookBody(event);
      this.perSubscription.set(d.subscription_id, busy + 1);
      this.sending++;
      // The slot is free again when the receiver has answered; the attempt is recorded after, with
      // the others of its tick (the lease keeps the delivery ours until then).
      const p = postSigned(sub.url, sub.secret, d.message_id, body, this.options.timeoutMs, this.shutdown.signal)
        .then((r) => {
          this.freeSlot(d.subscription_id); // postSigned never rejects: every outcome is a result
          return this.settle(d, r);
        })
        .catch((err) => this.log.error({ err, delivery: d.id }, 'could not record a webhook attempt'))
        .finally(() => this.inflight.delete(d.id));
      this.inflight.set(d.id, p);
    }
    await releaseLeases(this.db, over);
  }

  private freeSlot(subscription: string): void {
    this.sending--;
    const left = (this.perSubscription.get(subscription) ?? 1) - 1;
    if (left > 0) this.perSubscription.set(subscription, left);
    else this.perSubscription.delete(subscription);
    this.loop.wake(0);
  }

  private async settle(d: Claimed, r: SendResult): Promise<void> {
    if (r.interrupted) return releaseLeases(this.db, [d.id]);
    const at = new Date();
    const next = r.ok ? ({ state: 'delivered' } as const) : afterFailure(this.options, d.attempts, d.window_start, at);
    const recorded = await new Promise<boolean>((resolve, reject) => this.records.add({ id: d.id, attempt: { at, status: r.status, error: r.error, durationMs: r.durationMs }, next, resolve, reject }));
    if (!recorded) return;
    if (next.state === 'delivered') this.metrics.webhookDeliveriesSent.inc();
    else this.metrics.webhookAttemptsFailed.inc();
    if (next.state === 'dead') {
      this.metrics.webhookDeliveriesDead.inc();
      this.log.warn({ delivery: d.id, subscription: d.subscription_id, error: r.error }, 'webhook delivery dead-lettered');
    }
  }

  /**
   * Attempts that end in one tick are recorded by one statement: one commit for many deliveries
   * instead of a transaction each (234 deliveries/s to one healthy receiver before, bound by those commits).
   */
  private readonly records = new TickBatch<Recorded & { resolve: (recorded: boolean) => void; reject: (err: unknown) => void }>(
    (r) => String(r.id),
    async (batch) => {
      const there = await recordAttempts(this.db, batch);
      for (const r of batch) r.resolve(there.has(r.id));
    },
  );
}

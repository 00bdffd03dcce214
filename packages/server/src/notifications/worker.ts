import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { retryDelay } from '../webhooks/options.js';
import { PassLoop } from '../webhooks/pass-loop.js';
import { Channels, type SendResult } from './channels.js';
import { socialSender } from '../social/send.js';
import { expandEvent, rulesFor, type RuleSet } from './expand.js';
import { nextAfterFailure, notificationOptionsFromEnv, type NotificationOptions } from './options.js';
import { defaultSources, type CaseSources } from './sources.js';
import { claimJobs, claimMessages, completeJob, failJob, outlook, recordAttempts, releaseLeases, type ClaimedJob, type ClaimedMessage, type Recorded } from './store.js';
import { TickBatch } from '../db/tick-batch.js';

const KICK_SETTLE_MS = 15;
const LEASE_MARGIN_MS = 30_000;
/** Expanding a job reads the case and renders; a job that keeps failing stops after this many tries. */
const JOB_ATTEMPTS = 8;
/** Cases expanded at once: enough to overlap their round trips, few enough to leave the database pool to requests. */
const EXPAND_AT_ONCE = 4;

/**
 * Delivers notifications, in two steps that both survive restarts because their state is in rows:
 * 1. jobs (inserted by the trigger on `events`, in the event's transaction) are expanded into
 *    rendered messages: rules of the case's type, recipients, templates;
 * 2. due messages are sent over their channel with bounded concurrency, every attempt logged,
 *    retried with backoff, dead-lettered after `maxAttempts` or `maxAgeMs`.
 * Nothing here runs inside a request. It wakes after writes in this process (kick), at the next
 * due time, and on a slow backstop poll (timers' events, other processes).
 */
export class NotificationWorker {
  readonly options: NotificationOptions;
  sources: CaseSources;
  private readonly channels: Channels;
  private readonly loop: PassLoop;
  /** Any enabled rule (or messages waiting)? Kicks are free no-ops until then. */
  private active = false;
  private readonly shutdown = new AbortController();
  /** Messages under way, until their attempt is recorded (stop() waits for them). */
  private readonly inflight = new Map<number, Promise<void>>();
  /** Sends to a provider in flight (the slots). */
  private sending = 0;
  private passCount = 0;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly log: FastifyBaseLogger,
    options: Partial<NotificationOptions> = {},
  ) {
    this.options = { ...notificationOptionsFromEnv(), ...options };
    this.loop = new PassLoop(() => this.pass(), this.options.pollMs, (err) => this.log.error({ err }, 'notification pass failed; retrying at the next poll'));
    this.channels = new Channels(this.options, socialSender(db, this.options.timeoutMs));
    this.sources = defaultSources(this.options);
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    const stopping = this.loop.stop();
    this.shutdown.abort();
    await stopping;
    await Promise.allSettled([...this.inflight.values()]);
    this.channels.close();
  }

  /** Passes run so far: a worker that waits does not pass (tests and diagnostics). */
  get passes(): number {
    return this.passCount;
  }

  /** Something committed that may have enqueued jobs. Cheap: at most one look per settle window. */
  kick(): void {
    if (this.active) this.loop.wake(KICK_SETTLE_MS);
  }

  /** Rules or messages changed here: look now. */
  changed(): void {
    this.active = true;
    this.loop.wake(0);
  }

  /** Resolves once nothing is due now and nothing is in flight (tests). */
  async idle(): Promise<void> {
    for (;;) {
      await this.loop.run();
      await Promise.allSettled([...this.inflight.values()]);
      const { nextDue } = await outlook(this.db);
      if (!this.inflight.size && !this.loop.busy && (!nextDue || nextDue.getTime() > Date.now())) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async pass(): Promise<void> {
    this.passCount++;
    const now = new Date();
    const lease = new Date(now.getTime() + this.options.timeoutMs + LEASE_MARGIN_MS);
    const jobs = await claimJobs(this.db, now, this.options.batchSize, lease);
    await this.expandAll(jobs);
    if (jobs.length === this.options.batchSize) this.loop.more();

    const room = Math.min(this.options.batchSize, this.options.concurrency - this.sending);
    if (room > 0) {
      const claimed = await claimMessages(this.db, now, room, lease);
      for (const m of claimed) this.launch(m);
      if (claimed.length === room) this.loop.more();
    }
    if (this.loop.wantsMore) return;
    // With every slot busy, due messages wait for a send to end (it wakes us), not for a look now.
    const { nextDue, active } = await outlook(this.db, this.sending < this.options.concurrency);
    this.active = active || nextDue !== null;
    if (nextDue) this.loop.wake(Math.min(nextDue.getTime() - Date.now(), this.options.pollMs));
  }

  /**
   * Expands a claim's jobs a few cases at a time (each job is a handful of reads and a commit, so one
   * after the other left a burst of new cases waiting), and one case's jobs in their order, so its
   * messages are made in the order of its events.
   */
  private async expandAll(jobs: ClaimedJob[]): Promise<void> {
    const byCase = new Map<string, ClaimedJob[]>();
    for (const j of jobs) byCase.set(j.case_id, [...(byCase.get(j.case_id) ?? []), j]);
    const lines = [...byCase.values()];
    // One read of the rules per case type and event in a claim (a burst is mostly the same event).
    const ruleSets = new Map<string, Promise<RuleSet>>();
    const rules = (caseType: string, event: string) => {
      const key = `${caseType}\u0000${event}`;
      let r = ruleSets.get(key);
      if (!r) ruleSets.set(key, (r = rulesFor(this.db, caseType, event)));
      return r;
    };
    const worker = async () => {
      for (let line = lines.shift(); line; line = lines.shift()) for (const j of line) await this.expand(j, rules);
    };
    await Promise.all(Array.from({ length: Math.min(EXPAND_AT_ONCE, lines.length) }, worker));
  }

  private async expand(job: ClaimedJob, rules: (caseType: string, event: string) => Promise<RuleSet>): Promise<void> {
    try {
      const ev = job.event;
      if (!ev) return await failJob(this.db, job.id, 'the event no longer exists', null);
      const c = await this.sources.loadCase(this.db, job.case_id);
      if (!c) return await failJob(this.db, job.id, `case ${job.case_id} not found`, null);
      const ruleSet = await rules(c.view.caseType.id, ev.type);
      const rows = await expandEvent(this.db, { id: job.event_id, type: ev.type, userId: ev.user_id, data: ev.data }, c, this.options, this.sources, new Date(), ruleSet);
      await completeJob(this.db, job.id, rows, rows.length ? null : 'no rule of this case type for this event');
      const dead = rows.filter((r) => r.state === 'dead');
      if (dead.length) this.log.warn({ event: job.event_id, case: job.case_id, reasons: dead.map((r) => r.last_error) }, 'notifications that cannot be sent');
    } catch (err) {
      if (this.loop.stopped) return;
      const last = job.attempts + 1 >= JOB_ATTEMPTS;
      this.log.error({ err, job: job.id, event: job.event_id }, last ? 'notification job failed for good' : 'notification job failed; will retry');
      await failJob(this.db, job.id, (err as Error).message ?? String(err), last ? null : new Date(Date.now() + retryDelay(this.options, job.attempts + 1)));
    }
  }

  private launch(m: ClaimedMessage): void {
    if (this.inflight.has(m.id)) return; // a manual retry of a message being sent: the send in flight settles it
    this.sending++;
    // The slot is free again when the provider has answered; the attempt is recorded after, with the
    // others of its tick (the lease keeps the message ours until then).
    const p = this.channels
      .send({ channel: m.channel, to: m.recipient, subject: m.subject, body: m.body, key: `wl-notification-${m.id}` }, this.shutdown.signal)
      .then((r) => {
        this.freeSlot(); // send never rejects: every outcome is a result
        return this.settle(m, r);
      })
      .catch((err) => this.log.error({ err, notification: m.id }, 'could not record a notification attempt'))
      .finally(() => this.inflight.delete(m.id));
    this.inflight.set(m.id, p);
  }

  private freeSlot(): void {
    this.sending--;
    this.loop.wake(0);
  }

  private async settle(m: ClaimedMessage, r: SendResult): Promise<void> {
    if (r.interrupted) return releaseLeases(this.db, [m.id]);
    const at = new Date();
    const next = r.ok ? ({ state: 'sent' } as const) : nextAfterFailure(this.options, m.attempts, m.window_start, at, r.permanent);
    const attempt = { at, ok: r.ok, error: r.error, durationMs: r.durationMs, providerId: r.providerId };
    await new Promise<boolean>((resolve, reject) => this.records.add({ id: m.id, attempt, next, resolve, reject }));
    if (next.state === 'dead') this.log.warn({ notification: m.id, channel: m.channel, error: r.error }, 'notification dead-lettered');
  }

  /** Attempts that end in one tick are recorded by one statement, as webhooks' are (one commit for many messages). */
  private readonly records = new TickBatch<Recorded & { resolve: (recorded: boolean) => void; reject: (err: unknown) => void }>(
    (r) => String(r.id),
    async (batch) => {
      const there = await recordAttempts(this.db, batch);
      for (const r of batch) r.resolve(there.has(r.id));
    },
  );
}

import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { trainOutcome, type Journey, type Device, type OutcomeModel } from '@worklane/core';
import type { DB } from '../db/schema.js';
import type { ConfigCache } from '../config/cache.js';
import { Every } from '../background/every.js';

/** How far back visits are learned from, and at most how many (the newest). */
const DAYS = 30;
const MAX_VISITS = 20_000;
/** Visits (and visitors not seen since) older than this are deleted: what a visitor did is not kept for ever. */
const KEEP_DAYS = Number(process.env.WORKLANE_JOURNEY_KEEP_DAYS ?? 90);
/** A visit quiet this long is over (also where a new visit starts). */
export const VISIT_IDLE_MS = 30 * 60_000;

export const journeyOf = (r: { visit: number; device: string; referrer: string | null; campaign: string | null; identified: boolean; steps: Journey['steps'] }): Journey => ({
  visits: r.visit,
  device: r.device as Device,
  referrer: r.referrer,
  campaign: r.campaign,
  identified: r.identified,
  steps: r.steps,
});

/**
 * The outcome models (core `trainOutcome`), learned from the last 30 days of visits at start and
 * every `WORKLANE_ENGAGEMENT_TRAIN_MS` (default 10 minutes) off the request path: scoring a visit
 * is then a few additions in memory. Each round first deletes what is past the retention.
 */
export class EngagementModels {
  models = new Map<string, OutcomeModel>();
  trainedAt: Date | null = null;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly loop: Every;
  /** The outcomes and segments the models were last learned from. */
  private learned = '';

  constructor(
    private readonly db: Kysely<DB>,
    private readonly config: ConfigCache,
    private readonly log: FastifyBaseLogger,
    everyMs = Number(process.env.WORKLANE_ENGAGEMENT_TRAIN_MS ?? 600_000),
  ) {
    this.loop = new Every(everyMs, () => this.train(), log, 'engagement: training the outcome models');
  }

  start(): void {
    this.stopped = false;
    // New or changed outcomes and segments are learned at once, not at the next round; any other
    // configuration change (a skill, a queue) leaves the models as they are.
    this.config.onChange(() => {
      if (!this.stopped && this.learnedFrom() !== this.learned) this.train().catch((err: unknown) => this.log.warn({ err }, 'engagement: training the outcome models failed'));
    });
    this.loop.start(true);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop.stop();
    await this.running?.catch(() => {});
  }

  /** Learns every outcome's model again (one at a time: a second call waits for the first). */
  train(): Promise<void> {
    const run = (this.running ?? Promise.resolve()).catch(() => {}).then(() => this.trainNow());
    this.running = run;
    return run;
  }

  /** What the models depend on in the configuration, as a string to compare. */
  private learnedFrom(): string {
    const { outcomes, segments } = this.config.snapshot.engagement;
    return JSON.stringify([outcomes, segments]);
  }

  private async trainNow(): Promise<void> {
    await this.prune();
    this.learned = this.learnedFrom();
    const { outcomes, segments } = this.config.snapshot.engagement;
    if (outcomes.length === 0) {
      this.models = new Map();
      this.trainedAt = new Date();
      return;
    }
    const now = Date.now();
    const rows = await this.db
      .selectFrom('web_sessions')
      .select(['visit', 'device', 'referrer', 'campaign', 'identified', 'steps', 'reached', 'last_at'])
      .where('last_at', '>', new Date(now - DAYS * 86_400_000))
      .orderBy('last_at', 'desc')
      .limit(MAX_VISITS)
      .execute();
    // A visit still going may yet reach an outcome: learned from once over (or once it reached one).
    const visits = rows.filter((r) => r.reached.length > 0 || new Date(r.last_at).getTime() < now - VISIT_IDLE_MS).map(journeyOf);
    this.models = new Map(outcomes.map((o) => [o.id, trainOutcome(o, visits, segments)]));
    this.trainedAt = new Date();
  }

  /** Deletes visits past the retention (their offers with them) and visitors with none left. */
  private async prune(): Promise<void> {
    const before = new Date(Date.now() - KEEP_DAYS * 86_400_000);
    await this.db.deleteFrom('web_sessions').where('last_at', '<', before).execute();
    await this.db
      .deleteFrom('web_visitors')
      .where('last_seen', '<', before)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('web_sessions').select('web_sessions.id').whereRef('web_sessions.visitor_id', '=', 'web_visitors.id'))))
      .execute();
  }
}

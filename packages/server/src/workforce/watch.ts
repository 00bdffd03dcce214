import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { supervisesPerson } from '@worklane/core';
import type { DB } from '../db/schema.js';
import type { StreamHub } from '../stream/hub.js';
import type { ConfigCache } from '../config/cache.js';
import { supervisionIn } from '../auth/supervision.js';
import { Every } from '../background/every.js';
import { ACTIVITY_LABEL, liveAdherence, type LiveAdherence } from './adherence.js';
import { reportZone } from '../reports/query.js';

/**
 * Tells supervisors, live, who has been out of adherence during scheduled time for longer than
 * `WORKLANE_ADHERENCE_ALERT_MINUTES` (10): once per stretch (a person, what was scheduled, since
 * when), to those who supervise the person. Looked at every `WORKLANE_ADHERENCE_POLL_MS` (a minute).
 */
export class AdherenceWatch {
  private readonly loop: Every;
  /** Stretches told of, still going: forgotten once the person keeps to the schedule again. */
  private told = new Set<string>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly config: ConfigCache,
    private readonly hub: StreamHub,
    log: FastifyBaseLogger,
    private readonly afterMs = Number(process.env.WORKLANE_ADHERENCE_ALERT_MINUTES ?? 10) * 60_000,
    everyMs = Number(process.env.WORKLANE_ADHERENCE_POLL_MS ?? 60_000),
  ) {
    this.loop = new Every(everyMs, () => this.check(), log, 'workforce: watching adherence');
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One look: alerts for the stretches newly past the threshold; answers them (for tests). */
  async check(now = Date.now()): Promise<LiveAdherence[]> {
    if (!this.hub.hasOverseers()) return []; // nobody to tell
    const people = await liveAdherence(this.db, await reportZone(this.db), now);
    const out = people.filter((p) => !p.inAdherence && p.scheduled !== null && now - Date.parse(p.since) >= this.afterMs);
    const still = new Set<string>();
    const fresh: LiveAdherence[] = [];
    for (const p of out) {
      const key = `${p.user}\n${p.scheduled}\n${p.since}`;
      still.add(key);
      if (!this.told.has(key)) fresh.push(p);
    }
    this.told = still;
    const snap = this.config.snapshot;
    for (const p of fresh) {
      const minutes = Math.floor((now - Date.parse(p.since)) / 60_000);
      const message = `${p.name} is out of adherence: scheduled for ${ACTIVITY_LABEL[p.scheduled!]}, ${p.status}${p.reason ? ` (${p.reason})` : ''} for ${minutes} min`;
      this.hub.toSupervisors({ type: 'alert', level: 'warning', message }, (userId, roles) => supervisesPerson(supervisionIn(snap, userId, roles), p.user));
    }
    return fresh;
  }
}

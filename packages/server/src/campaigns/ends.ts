import { sql, type Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { DB } from '../db/schema.js';
import type { Services } from '../services.js';
import { DueWorker } from '../tasks/due-worker.js';
import { Problem } from '../http/problems.js';
import { stopCampaign } from './service.js';

export const CAMPAIGN_END_ACTOR = 'system:campaigns';

/**
 * Ends running campaigns whose end date has come: their waiting calls are withdrawn (reason
 * "campaign ended") and the campaign is `ended`; calls in hand finish. One alarm at the earliest
 * end (read from the database, so a restart loses none).
 */
export class CampaignEnds extends DueWorker {
  constructor(db: Kysely<DB>, log: FastifyBaseLogger) {
    super(db, log, 'ending campaigns');
  }

  /** A running campaign ends at `at`: the alarm rings no later. */
  arm(at: Date): void {
    this.ensure(at);
  }

  protected async nextAt(): Promise<Date | null> {
    const { rows } = await sql<{ at: Date | null }>`select min(ends_at) as at from campaigns where state = 'running' and ends_at is not null`.execute(this.db);
    return rows[0]?.at ?? null;
  }

  protected async due(s: Services): Promise<void> {
    const ending = await this.db.selectFrom('campaigns').selectAll().where('state', '=', 'running').where('ends_at', '<=', new Date()).execute();
    for (const c of ending) {
      if (this.stopped) return;
      try {
        await stopCampaign(s, CAMPAIGN_END_ACTOR, c, true);
      } catch (err) {
        if (!(err instanceof Problem)) throw err; // stopped by someone meanwhile
      }
    }
  }
}

import { sql, type Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { DB, TaskRow } from '../db/schema.js';
import type { Services } from '../services.js';
import { DueWorker } from './due-worker.js';
import { Problem } from '../http/problems.js';
import { changeTask } from './change.js';
import { afterChange } from './after.js';

/**
 * States in which a task nobody took yet expires: waiting, offered, or rescheduled for later. As
 * literals in the statements: a parameter list would keep a generic plan off the partial index.
 */
const EXPIRING = sql.raw(`state in ('queued', 'offered', 'scheduled')`);
const BATCH = 200;
export const EXPIRY_ACTOR = 'system:expiry';

/**
 * A task captured with `expiresAt` (a lead, a callback window) that nobody has taken by then is
 * canceled at that time with reason "expired": it leaves its queue, a pending offer is withdrawn,
 * and the source system hears `task.canceled`. Work already in someone's hands is left alone. The
 * times live in the database (partial index), so a restart re-arms from there.
 */
export class TaskExpiry extends DueWorker {
  constructor(db: Kysely<DB>, log: FastifyBaseLogger) {
    super(db, log, 'expiring tasks');
  }

  /** A task that may expire at `at` was written. */
  arm(at: Date | null): void {
    this.ensure(at);
  }

  protected async nextAt(): Promise<Date | null> {
    const { rows } = await sql<{ at: Date | null }>`select min(expires_at) as at from tasks where expires_at is not null and ${EXPIRING}`.execute(this.db);
    return rows[0]?.at ?? null;
  }

  protected async due(s: Services): Promise<void> {
    for (;;) {
      const { rows: due } = await sql<TaskRow>`select * from tasks where expires_at is not null and expires_at <= ${new Date()} and ${EXPIRING} order by expires_at limit ${BATCH}`.execute(this.db);
      for (const t of due) {
        if (this.stopped) return;
        try {
          const c = await changeTask(this.db, t, 'cancel', {
            set: { state: 'canceled', completed_at: new Date(), wake_at: null },
            events: [{ type: 'task.canceled', actor: EXPIRY_ACTOR, userId: t.assignee_id, data: { reason: 'expired', expiresAt: t.expires_at!.toISOString(), agent: t.assignee_id } }],
          });
          afterChange(s, c);
        } catch (err) {
          if (!(err instanceof Problem)) throw err; // changed meanwhile (taken, canceled): its new state decides
        }
      }
      if (due.length < BATCH) break;
    }
  }
}

import { sql, type Insertable, type Kysely } from 'kysely';
import type { DB, NotificationsTable } from '../db/schema.js';

// The worker's queries. Claims are one short UPDATE with a lease (FOR UPDATE SKIP LOCKED, so several
// processes may share PostgreSQL; a no-op on PGlite): no transaction stays open while we talk to a provider.

export interface ClaimedJob {
  id: number;
  event_id: number;
  event_type: string;
  case_id: string;
  attempts: number;
}

export async function claimJobs(db: Kysely<DB>, now: Date, limit: number, leaseUntil: Date): Promise<ClaimedJob[]> {
  const { rows } = await sql<ClaimedJob>`
    update notification_jobs set next_attempt_at = ${leaseUntil}
    where id in (
      select id from notification_jobs where state = 'pending' and next_attempt_at <= ${now}
      order by next_attempt_at, id limit ${limit}
      for update skip locked)
    returning id, event_id, event_type, case_id, attempts`.execute(db);
  return rows.map((r) => ({ ...r, id: Number(r.id), event_id: Number(r.event_id) }));
}

/** The job's messages and the job's end, in one transaction; false when another worker finished it first. */
export async function completeJob(db: Kysely<DB>, jobId: number, rows: Insertable<NotificationsTable>[], note: string | null): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const mine = await trx
      .updateTable('notification_jobs')
      .set({ state: 'done', done_at: new Date(), attempts: sql`attempts + 1`, last_error: note })
      .where('id', '=', jobId)
      .where('state', '=', 'pending')
      .returning('id')
      .executeTakeFirst();
    if (!mine) return false;
    if (rows.length) await trx.insertInto('notifications').values(rows).onConflict((oc) => oc.columns(['event_id', 'channel', 'recipient']).doNothing()).execute();
    return true;
  });
}

/** A job that could not be expanded: try again later, or give up with the reason. */
export async function failJob(db: Kysely<DB>, jobId: number, error: string, next: Date | null): Promise<void> {
  await db
    .updateTable('notification_jobs')
    .set({ attempts: sql`attempts + 1`, last_error: error.slice(0, 1000), ...(next ? { next_attempt_at: next } : { state: 'failed' as const, done_at: new Date() }) })
    .where('id', '=', jobId)
    .where('state', '=', 'pending')
    .execute();
}

export interface ClaimedMessage {
  id: number;
  channel: 'email' | 'sms' | 'push';
  recipient: string;
  subject: string | null;
  body: string;
  attempts: number;
  window_start: Date;
}

export async function claimMessages(db: Kysely<DB>, now: Date, limit: number, leaseUntil: Date): Promise<ClaimedMessage[]> {
  const { rows } = await sql<ClaimedMessage>`
    update notifications set next_attempt_at = ${leaseUntil}
    where id in (
      select id from notifications where state in ('pending', 'failed') and next_attempt_at <= ${now}
      order by next_attempt_at, id limit ${limit}
      for update skip locked)
    returning id, channel, recipient, subject, body, attempts, window_start`.execute(db);
  return rows.map((r) => ({ ...r, id: Number(r.id), window_start: new Date(r.window_start) }));
}

/** When the worker next has something to do, and whether there is anything to do at all. */
export async function outlook(db: Kysely<DB>): Promise<{ nextDue: Date | null; active: boolean }> {
  const { rows } = await sql<{ next_due: Date | null; active: boolean }>`
    select least(
             (select min(next_attempt_at) from notifications where state in ('pending', 'failed')),
             (select min(next_attempt_at) from notification_jobs where state = 'pending')) as next_due,
           exists (select 1 from notification_rules where enabled) as active`.execute(db);
  const r = rows[0];
  return { nextDue: r?.next_due ? new Date(r.next_due) : null, active: r?.active === true };
}

export interface Attempt {
  at: Date;
  ok: boolean;
  error: string | null;
  durationMs: number;
  providerId: string | null;
}
export type AfterAttempt = { state: 'sent' } | { state: 'dead' } | { state: 'failed'; nextAttemptAt: Date };

/** Logs the attempt and moves the message on, atomically. */
export async function recordAttempt(db: Kysely<DB>, id: number, a: Attempt, next: AfterAttempt): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('notifications')
      .set({
        state: next.state,
        attempts: sql`attempts + 1`,
        last_error: a.error,
        ...(next.state === 'failed' ? { next_attempt_at: next.nextAttemptAt } : {}),
        ...(next.state === 'sent' ? { sent_at: a.at, provider_id: a.providerId } : {}),
      })
      .where('id', '=', id)
      .returning('id')
      .executeTakeFirst();
    if (row) await trx.insertInto('notification_attempts').values({ notification_id: id, at: a.at, ok: a.ok, error: a.error, duration_ms: Math.round(a.durationMs) }).execute();
  });
}

/** Shutdown: sends cut short are due again at once, for the next start (no attempt logged). */
export async function releaseLeases(db: Kysely<DB>, ids: number[]): Promise<void> {
  if (ids.length) await db.updateTable('notifications').set({ next_attempt_at: new Date() }).where('id', 'in', ids).where('state', 'in', ['pending', 'failed']).execute();
}

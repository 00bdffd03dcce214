import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB, EventsTable } from '../db/schema.js';

export interface Claimed {
  id: number;
  message_id: string;
  subscription_id: string;
  event_id: number;
  attempts: number;
  window_start: Date;
}

/**
 * Takes up to `limit` due deliveries of enabled subscriptions and leases them until `leaseUntil`
 * (past the attempt timeout), so no other worker sends them meanwhile. One short statement: no
 * transaction stays open while we talk to the receiver. SKIP LOCKED lets several processes share
 * PostgreSQL; on PGlite it is a no-op (one connection).
 */
export async function claimDue(db: Kysely<DB>, now: Date, limit: number, leaseUntil: Date, skipSubscriptions: readonly string[] = []): Promise<Claimed[]> {
  const { rows } = await sql<Claimed>`
    update webhook_deliveries set next_attempt_at = ${leaseUntil}
    where id in (
      select w.id from webhook_deliveries w
      where w.state = 'pending' and w.next_attempt_at <= ${now} ${notIn(skipSubscriptions)}
        and exists (select 1 from webhook_subscriptions s where s.id = w.subscription_id and s.enabled)
      order by w.next_attempt_at limit ${limit}
      for update skip locked)
    returning id, message_id, subscription_id, event_id, attempts, window_start`.execute(db);
  return rows;
}

/** Subscriptions the worker cannot take more of now (their share of the concurrency is in flight). */
const notIn = (subs: readonly string[]) => (subs.length ? sql`and w.subscription_id not in (${sql.join([...subs])})` : sql``);

/** When the worker next has something to do (leaving out `skipSubscriptions`), and whether any subscription is enabled at all. */
export async function outlook(db: Kysely<DB>, skipSubscriptions: readonly string[] = []): Promise<{ nextDue: Date | null; active: boolean }> {
  const { rows } = await sql<{ next_due: Date | null; active: boolean }>`
    select (select min(w.next_attempt_at) from webhook_deliveries w
            where w.state = 'pending' ${notIn(skipSubscriptions)}
              and exists (select 1 from webhook_subscriptions s where s.id = w.subscription_id and s.enabled)) as next_due,
           exists (select 1 from webhook_subscriptions where enabled) as active`.execute(db);
  const r = rows[0];
  return { nextDue: r?.next_due ? new Date(r.next_due) : null, active: r?.active === true };
}

export type EventRow = Selectable<EventsTable>;

/** The events and subscriptions of a claimed batch, two queries for the whole batch. */
export async function loadBatch(db: Kysely<DB>, claimed: Claimed[]) {
  const eventIds = [...new Set(claimed.map((c) => c.event_id))];
  const subIds = [...new Set(claimed.map((c) => c.subscription_id))];
  const [events, subs] = await Promise.all([
    db.selectFrom('events').selectAll().where('id', 'in', eventIds).execute(),
    db.selectFrom('webhook_subscriptions').select(['id', 'url', 'secret']).where('id', 'in', subIds).execute(),
  ]);
  return { events: new Map(events.map((e) => [Number(e.id), e])), subs: new Map(subs.map((s) => [s.id, s])) };
}

export interface AttemptResult {
  at: Date;
  status: number | null;
  error: string | null;
  durationMs: number;
}
export type NextState = { state: 'delivered' } | { state: 'dead' } | { state: 'pending'; nextAttemptAt: Date };

/** Logs the attempt and moves the delivery on, atomically. False when the delivery is gone (subscription deleted). */
export async function recordAttempt(db: Kysely<DB>, id: number, r: AttemptResult, next: NextState): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('webhook_deliveries')
      .set({
        state: next.state,
        attempts: sql`attempts + 1`,
        last_status: r.status,
        last_error: r.error,
        ...(next.state === 'pending' ? { next_attempt_at: next.nextAttemptAt } : {}),
        ...(next.state === 'delivered' ? { delivered_at: r.at } : {}),
      })
      .where('id', '=', id)
      .returning('id')
      .executeTakeFirst();
    if (!row) return false;
    await trx.insertInto('webhook_attempts').values({ delivery_id: id, at: r.at, status_code: r.status, error: r.error, duration_ms: Math.round(r.durationMs) }).execute();
    return true;
  });
}

/** Shutdown: sends we cut short are due again at once, for the next start (no attempt logged). */
export async function releaseLeases(db: Kysely<DB>, ids: number[]): Promise<void> {
  if (ids.length) await db.updateTable('webhook_deliveries').set({ next_attempt_at: new Date() }).where('id', 'in', ids).where('state', '=', 'pending').execute();
}

/** Dead-letters a delivery whose event is gone (events are never deleted today; this keeps the queue moving if they are). */
export async function buryOrphan(db: Kysely<DB>, id: number): Promise<void> {
  await db.updateTable('webhook_deliveries').set({ state: 'dead', last_error: 'the event no longer exists' }).where('id', '=', id).execute();
}

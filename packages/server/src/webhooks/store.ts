import { sql, type Kysely, type Selectable } from 'kysely';
import { json, type DB, type EventsTable } from '../db/schema.js';

export interface Claimed {
  id: number;
  message_id: string;
  subscription_id: string;
  event_id: number;
  attempts: number;
  window_start: Date;
}

/**
 * Takes up to `limit` due deliveries of enabled subscriptions, at most `share` minus what is in
 * flight (`busy`) of each subscription, oldest due first, and leases them until `leaseUntil` (past
 * the attempt timeout), so no other worker sends them meanwhile. One short statement: no
 * transaction stays open while we talk to the receiver. SKIP LOCKED lets several processes share
 * PostgreSQL; on PGlite it is a no-op (one connection). Taking by subscription matters: a claim in
 * due order alone took mostly rows of a subscription whose share was already in flight and had to
 * give them back (31,975 claimed for 8,000 sent).
 */
export async function claimDue(db: Kysely<DB>, now: Date, limit: number, leaseUntil: Date, share: number, busy: ReadonlyMap<string, number> = new Map()): Promise<Claimed[]> {
  const { rows } = await sql<Claimed>`
    update webhook_deliveries set next_attempt_at = ${leaseUntil}
    where id in (
      select d.id from webhook_subscriptions s
      cross join lateral (
        select w.id from webhook_deliveries w
        where w.subscription_id = s.id and w.state = 'pending' and w.next_attempt_at <= ${now}
        order by w.next_attempt_at
        limit greatest(0, ${share}::int - coalesce((${json(Object.fromEntries(busy))}::jsonb ->> s.id)::int, 0))
        for update skip locked) d
      where s.enabled
      limit ${limit})
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

/** An event as a webhook delivers it: with its task's ids in the source system (null: no task, or none given). */
export type EventRow = Selectable<EventsTable> & { task_source: string | null; task_external_id: string | null };

/** The events and subscriptions of a claimed batch, two queries for the whole batch. */
export async function loadBatch(db: Kysely<DB>, claimed: Claimed[]) {
  const eventIds = [...new Set(claimed.map((c) => c.event_id))];
  const subIds = [...new Set(claimed.map((c) => c.subscription_id))];
  const [events, subs] = await Promise.all([
    db.selectFrom('events as e').leftJoin('tasks as t', 't.id', 'e.task_id').selectAll('e').select(['t.source as task_source', 't.external_id as task_external_id']).where('e.id', 'in', eventIds).execute(),
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

export interface Recorded {
  id: number;
  attempt: AttemptResult;
  next: NextState;
}

/**
 * Logs attempts and moves their deliveries on, many in one statement (atomic, one commit): the
 * attempts that ended in one event-loop tick are recorded together. Returns the ids still there
 * (a delivery whose subscription was deleted meanwhile is gone, and so is its attempt).
 */
export async function recordAttempts(db: Kysely<DB>, batch: Recorded[]): Promise<Set<number>> {
  const items = batch.map(({ id, attempt: a, next }) => ({
    id, state: next.state, status: a.status, error: a.error, at: a.at, duration: Math.round(a.durationMs),
    next_at: next.state === 'pending' ? next.nextAttemptAt : null,
  }));
  const { rows } = await sql<{ id: string | number }>`
    with v as (
      select * from jsonb_to_recordset(${json(items)}::jsonb)
        as v(id bigint, state text, status int, error text, at timestamptz, duration int, next_at timestamptz)),
    upd as (
      update webhook_deliveries w
      set state = v.state, attempts = w.attempts + 1, last_status = v.status, last_error = v.error,
          next_attempt_at = coalesce(v.next_at, w.next_attempt_at),
          delivered_at = case when v.state = 'delivered' then v.at else w.delivered_at end
      from v where w.id = v.id
      returning w.id),
    ins as (
      insert into webhook_attempts (delivery_id, at, status_code, error, duration_ms)
      select v.id, v.at, v.status, v.error, v.duration from v join upd on upd.id = v.id order by v.id)
    select id from upd`.execute(db);
  return new Set(rows.map((r) => Number(r.id)));
}

/** Shutdown: sends we cut short are due again at once, for the next start (no attempt logged). */
export async function releaseLeases(db: Kysely<DB>, ids: number[]): Promise<void> {
  if (ids.length) await db.updateTable('webhook_deliveries').set({ next_attempt_at: new Date() }).where('id', 'in', ids).where('state', '=', 'pending').execute();
}

/** Dead-letters a delivery whose event is gone (events are never deleted today; this keeps the queue moving if they are). */
export async function buryOrphan(db: Kysely<DB>, id: number): Promise<void> {
  await db.updateTable('webhook_deliveries').set({ state: 'dead', last_error: 'the event no longer exists' }).where('id', '=', id).execute();
}

import { sql, type Insertable, type Kysely } from 'kysely';
import { json, type DB, type NotificationsTable } from '../db/schema.js';

// The worker's queries. Claims are one short UPDATE with a lease (FOR UPDATE SKIP LOCKED, so several
// processes may share PostgreSQL; a no-op on PGlite): no transaction stays open while we talk to a provider.

export interface ClaimedJob {
  id: number;
  event_id: number;
  event_type: string;
  case_id: string;
  attempts: number;
  /** The job's event, read with the claim; null when it no longer exists. */
  event: { type: string; user_id: string | null; data: Record<string, unknown> } | null;
}

export async function claimJobs(db: Kysely<DB>, now: Date, limit: number, leaseUntil: Date): Promise<ClaimedJob[]> {
  const { rows } = await sql<Omit<ClaimedJob, 'event'> & { ev_type: string | null; ev_user: string | null; ev_data: Record<string, unknown> | null }>`
    with claimed as (
      update notification_jobs set next_attempt_at = ${leaseUntil}
      where id in (
        select id from notification_jobs where state = 'pending' and next_attempt_at <= ${now}
        order by next_attempt_at, event_id limit ${limit}
        for update skip locked)
      returning id, event_id, event_type, case_id, attempts)
    -- In the order of the events (the enqueue trigger's insert does not keep it in the jobs' ids).
    select c.*, e.type as ev_type, e.user_id as ev_user, e.data as ev_data
    from claimed c left join events e on e.id = c.event_id order by c.event_id`.execute(db);
  return rows.map(({ ev_type, ev_user, ev_data, ...r }) => ({
    ...r, id: Number(r.id), event_id: Number(r.event_id), event: ev_type === null ? null : { type: ev_type, user_id: ev_user, data: ev_data ?? {} },
  }));
}

/**
 * The job's messages and the job's end, in one statement (one round trip, atomic); false when
 * another worker finished it first (then nothing is inserted). Messages keep their order (their ids
 * are the order they are sent in).
 */
export async function completeJob(db: Kysely<DB>, jobId: number, rows: Insertable<NotificationsTable>[], note: string | null): Promise<boolean> {
  const { rows: done } = await sql<{ n: number }>`
    with mine as (
      update notification_jobs set state = 'done', done_at = now(), attempts = attempts + 1, last_error = ${note}
      where id = ${jobId} and state = 'pending'
      returning id),
    ins as (
      insert into notifications (event_id, event_type, case_id, channel, recipient_kind, recipient, recipient_user_id, template_id, subject, body, state, last_error, next_attempt_at, window_start)
      select v.event_id, v.event_type, v.case_id, v.channel, v.recipient_kind, v.recipient, v.recipient_user_id, v.template_id, v.subject, v.body,
             coalesce(v.state, 'pending'), v.last_error, coalesce(v.next_attempt_at, now()), coalesce(v.window_start, now())
      from rows from (jsonb_to_recordset(${json(rows)}::jsonb) as (
        event_id bigint, event_type text, case_id text, channel text, recipient_kind text, recipient text, recipient_user_id text,
        template_id text, subject text, body text, state text, last_error text, next_attempt_at timestamptz, window_start timestamptz
      )) with ordinality as v(event_id, event_type, case_id, channel, recipient_kind, recipient, recipient_user_id, template_id, subject, body, state, last_error, next_attempt_at, window_start, n)
      where exists (select 1 from mine)
      order by v.n
      on conflict (event_id, channel, recipient) do nothing)
    select count(*)::int as n from mine`.execute(db);
  return (done[0]?.n ?? 0) > 0;
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
  channel: 'email' | 'sms' | 'push' | 'social';
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

/**
 * When the worker next has something to do, and whether there is anything to do at all. Messages
 * are looked at only when a slot is free (`withMessages`): while every slot is busy, a send that
 * ends wakes the worker, and a due message would otherwise make it look again at once, in a loop.
 */
export async function outlook(db: Kysely<DB>, withMessages = true): Promise<{ nextDue: Date | null; active: boolean }> {
  const { rows } = await sql<{ next_due: Date | null; active: boolean }>`
    select least(
             ${withMessages ? sql`(select min(next_attempt_at) from notifications where state in ('pending', 'failed'))` : sql`null::timestamptz`},
             (select min(next_attempt_at) from notification_jobs where state = 'pending')) as next_due,
           exists (select 1 from notification_rules where enabled)
             or exists (select 1 from notifications where state in ('pending', 'failed')) as active`.execute(db);
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

export interface Recorded {
  id: number;
  attempt: Attempt;
  next: AfterAttempt;
}

/**
 * Logs each attempt and moves its message on, atomically, many in one statement (the attempts that
 * end in one tick). Answers the ids that were there to record (a message deleted meanwhile is not).
 */
export async function recordAttempts(db: Kysely<DB>, batch: Recorded[]): Promise<Set<number>> {
  const items = batch.map(({ id, attempt: a, next }) => ({
    id, state: next.state, error: a.error, at: a.at, ok: a.ok, duration: Math.round(a.durationMs), provider: a.providerId,
    next_at: next.state === 'failed' ? next.nextAttemptAt : null,
  }));
  const { rows } = await sql<{ id: string | number }>`
    with v as (
      select * from jsonb_to_recordset(${json(items)}::jsonb)
        as v(id bigint, state text, error text, at timestamptz, ok boolean, duration int, provider text, next_at timestamptz)),
    upd as (
      update notifications n
      set state = v.state, attempts = n.attempts + 1, last_error = v.error,
          next_attempt_at = coalesce(v.next_at, n.next_attempt_at),
          sent_at = case when v.state = 'sent' then v.at else n.sent_at end,
          provider_id = case when v.state = 'sent' then v.provider else n.provider_id end
      from v where n.id = v.id
      returning n.id),
    ins as (
      insert into notification_attempts (notification_id, at, ok, error, duration_ms)
      select v.id, v.at, v.ok, v.error, v.duration from v join upd on upd.id = v.id order by v.id)
    select id from upd`.execute(db);
  return new Set(rows.map((r) => Number(r.id)));
}

/** Shutdown: sends cut short are due again at once, for the next start (no attempt logged). */
export async function releaseLeases(db: Kysely<DB>, ids: number[]): Promise<void> {
  if (ids.length) await db.updateTable('notifications').set({ next_attempt_at: new Date() }).where('id', 'in', ids).where('state', 'in', ['pending', 'failed']).execute();
}

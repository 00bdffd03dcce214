import { sql, type Kysely } from 'kysely';
import { WILDCARD_FAMILIES } from './events.js';

const families = WILDCARD_FAMILIES.map((f) => `'${f}'`).join(', ');

// One statement per query: the embedded driver takes one at a time.
const TABLES = [
  `create table webhook_subscriptions (
     id text primary key, url text not null, events text[] not null, enabled boolean not null default true,
     description text, secret text not null,
     created_at timestamptz not null default now(), updated_at timestamptz not null default now())`,
  // message_id is the Standard Webhooks webhook-id: fixed per delivery, the receiver's idempotency key.
  // window_start: start of the retry window (creation, or the last manual retry of a dead delivery).
  `create table webhook_deliveries (
     id bigserial primary key,
     message_id text not null unique default ('msg_' || replace(gen_random_uuid()::text, '-', '')),
     subscription_id text not null references webhook_subscriptions(id) on delete cascade,
     event_id bigint not null, event_type text not null,
     state text not null default 'pending' check (state in ('pending', 'delivered', 'dead')),
     attempts int not null default 0, next_attempt_at timestamptz not null default now(),
     window_start timestamptz not null default now(), created_at timestamptz not null default now(),
     delivered_at timestamptz, last_status int, last_error text,
     unique (subscription_id, event_id))`,
  `create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where state = 'pending'`,
  `create index webhook_deliveries_list on webhook_deliveries (subscription_id, id)`,
  `create table webhook_attempts (
     id bigserial primary key, delivery_id bigint not null references webhook_deliveries(id) on delete cascade,
     at timestamptz not null, status_code int, error text, duration_ms int not null)`,
  `create index webhook_attempts_delivery on webhook_attempts (delivery_id, id)`,
];

// The outbox fan-out runs inside the transaction that appends the events, so a delivery exists
// exactly when its event commits. Statement-level with a transition table: one insert per
// appendEvents() call, whatever its size. Works on PGlite (PostgreSQL 18 in WASM) and PostgreSQL 15.
const ENQUEUE = `
create function worklane_webhook_enqueue() returns trigger language plpgsql as $$
begin
  if not exists (select 1 from webhook_subscriptions where enabled) then
    return null;
  end if;
  insert into webhook_deliveries (subscription_id, event_id, event_type)
  select s.id, e.id, e.type
  from new_events e
  join webhook_subscriptions s on s.enabled
   and (e.type = any (s.events) or ('*' = any (s.events) and split_part(e.type, '.', 1) in (${families})));
  return null;
end
$$`;

const TRIGGER = `create trigger events_webhook_outbox after insert on events
  referencing new table as new_events for each statement execute function worklane_webhook_enqueue()`;

/** Migration 0003_webhooks. */
export async function webhooksMigration(db: Kysely<unknown>): Promise<void> {
  for (const stmt of [...TABLES, ENQUEUE, TRIGGER]) await sql.raw(stmt).execute(db);
}

/** Migration 0015_webhook_due_per_subscription: the claim takes each subscription's due deliveries by its share of the slots. */
export async function webhookDuePerSubscriptionMigration(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`create index webhook_deliveries_due_per_subscription on webhook_deliveries (subscription_id, next_attempt_at) where state = 'pending'`).execute(db);
}

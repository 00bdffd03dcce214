import { sql, type Kysely } from 'kysely';

// One statement per query: the embedded driver takes one at a time.
const TABLES = [
  `create table notification_templates (
     id text primary key, name text not null,
     channel text not null check (channel in ('email', 'sms', 'push')),
     subject text, body text not null, locale text,
     created_at timestamptz not null default now(), updated_at timestamptz not null default now())`,
  // One row per case type x event x channel: the source's matrix; a deleted case type takes its rules along.
  `create table notification_rules (
     case_type_id text not null references case_types(id) on delete cascade, event text not null,
     channel text not null check (channel in ('email', 'sms', 'push')),
     enabled boolean not null default true,
     template_id text not null references notification_templates(id),
     recipients text[] not null, addresses text[] not null default '{}',
     business_hours_only boolean not null default false, calendar_id text,
     primary key (case_type_id, event, channel))`,
  `create index notification_rules_event on notification_rules (event) where enabled`,
  // The light outbox row: one per case event that some enabled rule listens to. The worker expands it
  // (case data, recipients, rendering) into notifications, outside the event's transaction.
  `create table notification_jobs (
     id bigserial primary key, event_id bigint not null unique, event_type text not null, case_id text not null,
     state text not null default 'pending' check (state in ('pending', 'done', 'failed')),
     attempts int not null default 0, next_attempt_at timestamptz not null default now(),
     last_error text, created_at timestamptz not null default now(), done_at timestamptz)`,
  `create index notification_jobs_due on notification_jobs (next_attempt_at) where state = 'pending'`,
  // The message outbox: rendered at enqueue time, so a later template change does not alter what a case was sent.
  // pending = not tried yet; failed = tried, will retry; sent; dead = gave up (or could not be addressed/rendered).
  `create table notifications (
     id bigserial primary key, event_id bigint, event_type text, case_id text,
     channel text not null check (channel in ('email', 'sms', 'push')),
     recipient_kind text not null, recipient text not null, recipient_user_id text,
     template_id text, subject text, body text not null,
     state text not null default 'pending' check (state in ('pending', 'sent', 'failed', 'dead')),
     attempts int not null default 0, next_attempt_at timestamptz not null default now(),
     window_start timestamptz not null default now(), last_error text, provider_id text,
     created_at timestamptz not null default now(), sent_at timestamptz,
     unique (event_id, channel, recipient))`,
  `create index notifications_due on notifications (next_attempt_at) where state in ('pending', 'failed')`,
  `create index notifications_case on notifications (case_id, id)`,
  `create table notification_attempts (
     id bigserial primary key, notification_id bigint not null references notifications(id) on delete cascade,
     at timestamptz not null, ok boolean not null, error text, duration_ms int not null)`,
  `create index notification_attempts_of on notification_attempts (notification_id, id)`,
];

// Same pattern as the webhook outbox: statement-level, transition table, inside the transaction that
// appends the events. The case id comes from the event's data (every case event carries data.caseId).
const ENQUEUE = `
create function worklane_notification_enqueue() returns trigger language plpgsql as $$
begin
  if not exists (select 1 from notification_rules where enabled) then
    return null;
  end if;
  insert into notification_jobs (event_id, event_type, case_id)
  select e.id, e.type, e.data->>'caseId'
  from new_events e
  where e.data->>'caseId' is not null
    and exists (select 1 from notification_rules r where r.enabled and r.event = e.type);
  return null;
end
$$`;

const TRIGGER = `create trigger events_notification_outbox after insert on events
  referencing new table as new_events for each statement execute function worklane_notification_enqueue()`;

/** Migration 0006_notifications. */
export async function notificationsMigration(db: Kysely<unknown>): Promise<void> {
  for (const stmt of [...TABLES, ENQUEUE, TRIGGER]) await sql.raw(stmt).execute(db);
}

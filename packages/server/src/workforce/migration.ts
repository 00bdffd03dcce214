import { sql, type Kysely } from 'kysely';

// Migration 0031_workforce: workforce management. A week's schedule (draft, open for bids, or
// published) with each person's activities, their bids, and time off people ask for and supervisors
// decide on. The planning settings
// (goals, shrinkage, shift templates, contracts) are one row of `settings` ('workforce').
const STATEMENTS = [
  `create table schedules (
     week text primary key check (week ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'), zone text not null, status text not null default 'draft',
     generated_at timestamptz not null default now(), generated_by text,
     published_at timestamptz, published_by text, need jsonb not null default '{}')`,
  `create table schedule_activities (
     id bigserial primary key, week text not null references schedules(week) on delete cascade,
     user_id text not null references users(id) on delete cascade, kind text not null,
     starts_at timestamptz not null, ends_at timestamptz not null, line integer, check (ends_at > starts_at))`,
  `create index schedule_activities_week on schedule_activities (week, user_id, starts_at)`,
  `create index schedule_activities_user on schedule_activities (user_id, starts_at)`,
  `create table time_off (
     id text primary key, user_id text not null references users(id) on delete cascade,
     starts_at timestamptz not null, ends_at timestamptz not null, note text not null default '',
     status text not null default 'requested', decided_by text, decided_at timestamptz,
     created_at timestamptz not null default now(), check (ends_at > starts_at))`,
  `create index time_off_user on time_off (user_id, starts_at)`,
  // Shift bidding: while a week is open for bids its lines (one person's week each) are numbered on
  // the activities; each person's ranking of lines is kept until the bidding closes.
  `create table schedule_bids (
     week text not null references schedules(week) on delete cascade, user_id text not null references users(id) on delete cascade,
     ranking jsonb not null, at timestamptz not null default now(), primary key (week, user_id))`,
];

export async function workforceMigration(db: Kysely<unknown>): Promise<void> {
  for (const s of STATEMENTS) await sql.raw(s).execute(db);
}

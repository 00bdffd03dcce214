import { sql, type Kysely } from 'kysely';

// Migration 0033_campaigns: outbound campaigns in preview mode, their contacts (each with the task
// it became, if any; `round` counts the starts that withdrew it, so each start's task has its own
// external id) and the do-not-call list every campaign is scrubbed against.
const STATEMENTS = [
  `create table campaigns (
     id text primary key, name text not null, worktype text not null, calendar text,
     max_attempts int not null default 3, retry_minutes int not null default 60, script text not null default '',
     state text not null default 'draft' check (state in ('draft', 'running', 'stopped')),
     created_at timestamptz not null default now(), updated_at timestamptz not null default now())`,
  `create table campaign_contacts (
     id text primary key, campaign_id text not null references campaigns(id) on delete cascade,
     phone text not null, name text not null, data jsonb not null default '{}',
     dnc boolean not null default false, task_id text, round int not null default 0, created_at timestamptz not null default now(),
     unique (campaign_id, phone))`,
  `create index campaign_contacts_task on campaign_contacts (task_id) where task_id is not null`,
  `create table do_not_call (phone text primary key, reason text, added_by text, added_at timestamptz not null default now())`,
];

export async function campaignsMigration(db: Kysely<unknown>): Promise<void> {
  for (const s of STATEMENTS) await sql.raw(s).execute(db);
}

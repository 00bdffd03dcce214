import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { webhooksMigration } from '../webhooks/migration.js';
import { notificationsMigration } from '../notifications/migration.js';

/** Runs a script one statement at a time: the embedded driver takes one statement per query. */
async function statements(db: Kysely<unknown>, script: string): Promise<void> {
  for (const stmt of script.split(/;\s*\n/).map((x) => x.trim()).filter(Boolean)) await sql.raw(stmt).execute(db);
}

// Migrations live in code (not files) so they run the same under tsx, in tests and in the CLI.
const migrations: Record<string, Migration> = {
  '0001_foundation': {
    async up(db: Kysely<unknown>) {
      await statements(db, `
        create table users (
          id text primary key, email text not null unique, name text not null, password_hash text,
          roles text[] not null default '{}', capacity jsonb not null default '{}',
          disabled boolean not null default false, created_at timestamptz not null default now());
        create table sessions (
          id text primary key, user_id text not null references users(id) on delete cascade,
          created_at timestamptz not null default now(), expires_at timestamptz not null);
        create table api_keys (
          id text primary key, name text not null unique, prefix text not null, key_hash text not null unique,
          scopes text[] not null, created_at timestamptz not null default now(), revoked_at timestamptz);
        create table skills (id text primary key, name text not null);
        create table user_skills (
          user_id text not null references users(id) on delete cascade,
          skill_id text not null references skills(id) on delete cascade,
          level int not null check (level between 0 and 100), primary key (user_id, skill_id));
        create table teams (id text primary key, name text not null);
        create table team_members (
          team_id text not null references teams(id) on delete cascade,
          user_id text not null references users(id) on delete cascade, primary key (team_id, user_id));
        create table queues (id text primary key, name text not null, settings jsonb not null);
        create table queue_members (
          queue_id text not null references queues(id) on delete cascade,
          member_type text not null check (member_type in ('user', 'team')), member_id text not null,
          primary key (queue_id, member_type, member_id));
        create table worktypes (id text primary key, name text not null, settings jsonb not null);
        create table wrap_up_codes (code text primary key, label text not null);
        create table presence_reasons (code text primary key, label text not null);
        create table rules (
          id text primary key, name text not null, position int not null, when_expr text not null,
          actions jsonb not null, enabled boolean not null default true);
        create table tasks (
          id text primary key, worktype text not null references worktypes(id), source text, external_id text,
          title text not null, description text, attributes jsonb not null default '{}',
          priority double precision not null default 0, due_at timestamptz, expires_at timestamptz,
          skills jsonb not null default '[]', language text, queue_id text references queues(id),
          media_type text not null, state text not null, assignee_id text references users(id),
          wrap_up_code text, note text, url text, customer_id text, case_id text,
          classification jsonb not null default '{}', entered_queue_at timestamptz,
          created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
          completed_at timestamptz, version int not null default 0);
        create unique index tasks_source_external on tasks (coalesce(source, ''), external_id) where external_id is not null;
        create index tasks_state_queue on tasks (state, queue_id);
        create index tasks_assignee on tasks (assignee_id) where assignee_id is not null;
        create table idempotency_keys (
          principal text not null, key text not null, task_id text not null references tasks(id),
          created_at timestamptz not null default now(), primary key (principal, key));
        create table offers (
          id text primary key, task_id text not null references tasks(id), agent_id text not null references users(id),
          state text not null, step text not null, reason text not null,
          created_at timestamptz not null default now(), expires_at timestamptz not null,
          closed_at timestamptz, decline_reason text);
        create unique index offers_one_pending_per_task on offers (task_id) where state = 'pending';
        create index offers_pending_agent on offers (agent_id) where state = 'pending';
        create table presence (
          user_id text primary key references users(id) on delete cascade, status text not null,
          reason text, since timestamptz not null, idle_since timestamptz not null);
        create table events (
          id bigserial primary key, type text not null, at timestamptz not null default now(),
          actor text, task_id text, user_id text, data jsonb not null default '{}');
        create index events_task on events (task_id, id) where task_id is not null;
        create index events_type_at on events (type, at);
      `);
    },
  },
  '0002_engine': {
    async up(db: Kysely<unknown>) {
      await statements(db, `
        alter table tasks add column wake_at timestamptz;
        alter table tasks add column paused_reason text;
        alter table tasks add column target_agent_id text references users(id);
        alter table tasks add column team_bin text;
        alter table tasks add column escalation_level int not null default 0;
        alter table tasks add column priority_boost double precision not null default 0;
        alter table tasks add column exceptions_fired jsonb not null default '[]';
        create index tasks_wake on tasks (wake_at) where state = 'scheduled';
        create index tasks_completed_assignee on tasks (assignee_id, completed_at) where completed_at is not null;
        alter table presence add column after_work_until timestamptz;
        create table settings (key text primary key, value jsonb not null);
        create index events_user_at on events (user_id, at) where user_id is not null;
      `);
    },
  },
  '0003_webhooks': { up: webhooksMigration },
  '0004_cases': { up: (db) => import('../cases/migration.js').then((m) => m.casesMigration(db)) },
  '0005_calendars': { up: (db) => import('../calendars/migration.js').then((m) => m.calendarsMigration(db)) },
  '0006_notifications': { up: notificationsMigration },
  '0007_reports': { up: (db) => import('../reports/migration.js').then((m) => m.reportsMigration(db)) },
  '0008_report_daily': { up: (db) => import('../reports/migration.js').then((m) => m.reportDailyMigration(db)) },
  '0009_report_grains': { up: (db) => import('../reports/migration.js').then((m) => m.reportGrainsMigration(db)) },
  // The audit log reads its few events through a partial index of them (its query's own predicate);
  // (type, at) served no query and cost every event an index entry.
  '0010_event_indexes': {
    async up(db: Kysely<unknown>) {
      const { AUDIT_EVENTS } = await import('../admin/audit.js');
      await sql.raw(`create index events_audit on events (id) where ${AUDIT_EVENTS}`).execute(db);
      await sql.raw('drop index events_type_at').execute(db);
    },
  },
  // No statistics for the JSON documents of the tables analyzed while they grow (db/statistics.ts):
  // no plan uses them (no query filters on a whole document; expressions get default estimates),
  // and sorting sampled documents for them was most of each ANALYZE (on the dispatch benchmark the
  // ANALYZEs were a tenth of PostgreSQL's time; at 660,000 tasks `analyze tasks` 520 → 380 ms,
  // `analyze events` 380 → 185 ms).
  '0011_document_statistics': {
    async up(db: Kysely<unknown>) {
      for (const stmt of JSON_STATISTICS_OFF) await sql.raw(stmt).execute(db);
    },
  },
  '0012_sla_alarms': { up: (db) => import('../clocks/migration.js').then((m) => m.slaAlarmsMigration(db)) },
  '0013_ola_alarms': { up: (db) => import('../clocks/migration.js').then((m) => m.olaAlarmsMigration(db)) },
  '0014_case_follows_tasks': { up: (db) => import('../cases/migration.js').then((m) => m.caseFollowsTasksMigration(db)) },
  '0015_webhook_due_per_subscription': { up: (db) => import('../webhooks/migration.js').then((m) => m.webhookDuePerSubscriptionMigration(db)) },
  // Tasks that expire (expiresAt) while nobody took them: the expiry timer's next time and its due batch.
  '0016_task_expiry': {
    async up(db: Kysely<unknown>) {
      await sql.raw(`create index tasks_expiry on tasks (expires_at) where expires_at is not null and state in ('queued', 'offered', 'scheduled')`).execute(db);
    },
  },
  // Cases closed and escalated per person (report case-advisors): grain `advisor`, rebuilt from the
  // events already rolled up (later ones the rollup adds as it goes).
  '0017_report_advisors': { up: (db) => import('../reports/migration.js').then((m) => m.reportAdvisorsMigration(db)) },
  // Single sign-on (OIDC): users.sso_subject and the sign-ins under way.
  '0018_sso': { up: (db) => import('../auth/sso/migration.js').then((m) => m.ssoMigration(db)) },
  // Rescheduled work kept for its agent (GET /me/scheduled): few rows, read on every workspace load.
  '0019_kept_for_me': {
    async up(db: Kysely<unknown>) {
      await sql.raw(`create index tasks_kept_for on tasks (target_agent_id, wake_at) where state = 'scheduled' and target_agent_id is not null`).execute(db);
    },
  },
  '0020_inbound_mail': { up: (db) => import('../mail-in/migration.js').then((m) => m.inboundMailMigration(db)) },
  // Work in hand past its due time, told once (tasks/overdue.ts): who was told, and the due times in hand.
  '0021_task_overdue': {
    async up(db: Kysely<unknown>) {
      await sql.raw(`create table task_overdue (task_id text primary key references tasks(id) on delete cascade, at timestamptz not null default now())`).execute(db);
      await sql.raw(`create index tasks_due_in_hand on tasks (due_at) where due_at is not null and state in ('assigned', 'wrap-up', 'paused')`).execute(db);
    },
  },
  // Web chat: conversations, their lines, and the standard responses (chat/).
  '0022_chat': { up: (db) => import('../chat/migration.js').then((m) => m.chatMigration(db)) },
  // SMS conversations as chats (channel, the customer's number) and carriers' message ids taken once.
  '0023_sms': { up: (db) => import('../chat/migration.js').then((m) => m.smsMigration(db)) },
  // The visitor's rating of a chat (customer satisfaction).
  '0024_chat_rating': { up: (db) => import('../chat/migration.js').then((m) => m.chatRatingMigration(db)) },
  // Mail threads: a customer's answer to our reply finds the task by the notification it answers.
  '0025_mail_threads': {
    async up(db: Kysely<unknown>) {
      await sql.raw(`create index events_replied on events ((data->>'notificationId')) where type = 'task.replied'`).execute(db);
    },
  },
  // Callbacks the visitor may look at and cancel: one token per request (its task is found by source 'callback' + external id).
  '0026_callback_requests': {
    async up(db: Kysely<unknown>) {
      await sql.raw(`create table callback_requests (id text primary key, token_hash text not null, created_at timestamptz not null default now())`).execute(db);
    },
  },
  // Quality management: questionnaires, evaluation plans, scorecards and the planner's watermark (quality/).
  '0027_quality': { up: (db) => import('../quality/migration.js').then((m) => m.qualityMigration(db)) },
  // Chat bots: a chat the topic's bot answers has no task until it is handed over to a person.
  '0028_chat_bot': {
    async up(db: Kysely<unknown>) {
      await sql.raw(`alter table chats add column bot_misses integer not null default 0, add column handed_over_at timestamptz`).execute(db);
    },
  },
  // Predictive engagement: segments, outcomes, action maps, website visitors, their visits and the offers made (engagement/).
  '0029_engagement': { up: (db) => import('../engagement/migration.js').then((m) => m.engagementMigration(db)) },
  // Conversation analytics: categories, one analysis per finished conversation, the analyzer's watermark (analytics/).
  '0030_analytics': { up: (db) => import('../analytics/migration.js').then((m) => m.analyticsMigration(db)) },
  // Workforce management: week schedules with their activities, time off asked for and decided (workforce/).
  '0031_workforce': { up: (db) => import('../workforce/migration.js').then((m) => m.workforceMigration(db)) },
  // Social media routing: Facebook pages and Twitter accounts, their conversations as chats, answers through the outbox (social/).
  '0032_social': { up: (db) => import('../social/migration.js').then((m) => m.socialMigration(db)) },
  // Outbound campaigns in preview mode: campaigns, their contacts, the do-not-call list (campaigns/).
  '0033_campaigns': { up: (db) => import('../campaigns/migration.js').then((m) => m.campaignsMigration(db)) },
  // Calling hours: waiting calls are found by a partial index (callback/hours.ts looks every 15 s and at each close).
  '0034_calling_hours': { up: async (db) => void (await sql.raw(`create index tasks_waiting_callback on tasks (worktype) where media_type = 'callback' and state in ('queued', 'offered')`).execute(db)) },
  // Scorecard disputes: the agent's reason, the decision (upheld or revised), by whom, the score before (quality/dispute.ts).
  '0035_scorecard_disputes': {
    up: async (db) => void (await sql.raw(`alter table scorecards add column dispute_reason text, add column disputed_at timestamptz,
      add column dispute_outcome text check (dispute_outcome in ('upheld', 'revised')), add column dispute_comment text,
      add column resolved_by text, add column resolved_at timestamptz, add column percent_before real`).execute(db)),
  },
  // Single sign-on sign-out: the session keeps its ID token, named to the provider's end_session_endpoint (auth/sso/).
  '0036_sso_logout': { up: async (db) => void (await sql.raw(`alter table sessions add column id_token text`).execute(db)) },
  // Campaign dates: calls from a start, none after an end (the campaign ends itself then: campaigns/ends.ts).
  '0037_campaign_dates': {
    up: async (db) => {
      await sql.raw(`alter table campaigns add column starts_at timestamptz, add column ends_at timestamptz,
        drop constraint campaigns_state_check, add constraint campaigns_state_check check (state in ('draft', 'running', 'stopped', 'ended'))`).execute(db);
      await sql.raw(`create index campaigns_ending on campaigns (ends_at) where state = 'running' and ends_at is not null`).execute(db);
    },
  },
  // Customer identities: a social author linked to a customer by an agent, found for their next conversation (social/identities.ts).
  '0038_customer_identities': {
    up: async (db) => void (await sql.raw(`create table customer_identities (
      channel text not null, identity text not null, customer_id text not null references customers(id) on delete cascade,
      linked_by text, linked_at timestamptz not null default now(), primary key (channel, identity))`).execute(db)),
  },
};

const JSON_STATISTICS_OFF = [
  'alter table tasks alter column attributes set statistics 0, alter column classification set statistics 0, alter column skills set statistics 0, alter column exceptions_fired set statistics 0',
  'alter table events alter column data set statistics 0',
  'alter table cases alter column fields set statistics 0, alter column sla_policy set statistics 0, alter column sla_paused set statistics 0',
  'alter table case_tasks alter column ola_policy set statistics 0, alter column ola_paused set statistics 0',
];

const provider: MigrationProvider = { getMigrations: async () => migrations };

export function migrator(db: Kysely<unknown>): Migrator {
  return new Migrator({ db, provider });
}

/** Applies every pending migration; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every known migration has been applied (for /readyz). */
export async function migrationsApplied(db: Kysely<unknown>): Promise<boolean> {
  const all = await migrator(db).getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}

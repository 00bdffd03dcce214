import { sql, type Kysely } from 'kysely';

// Migration 0030_analytics: conversation analytics. The categories conversations are read for, one
// analysis per finished conversation (its topics and compliance results with quotes, the customer's
// sentiment), and the analyzer's watermark over completions (from the start: past conversations
// are analyzed too).
const STATEMENTS = [
  `create table text_categories (id text primary key, name text not null, settings jsonb not null)`,
  `create table conversation_analyses (
     task_id text primary key references tasks(id) on delete cascade,
     completed_at timestamptz not null, media_type text not null, queue_id text, agent_id text,
     topics jsonb not null, compliance jsonb not null, failed jsonb not null,
     sentiment integer, sentiment_start integer, sentiment_end integer, trend text,
     lines integer not null, analyzed_at timestamptz not null default now())`,
  `create index conversation_analyses_completed on conversation_analyses (completed_at)`,
  `create table analytics_watermark (id integer primary key, last_event bigint not null)`,
  `insert into analytics_watermark (id, last_event) values (1, 0)`,
];

export async function analyticsMigration(db: Kysely<unknown>): Promise<void> {
  for (const s of STATEMENTS) await sql.raw(s).execute(db);
}

import { sql, type Kysely } from 'kysely';

// Migration 0029_engagement: predictive engagement (seed CE37). Segments, outcomes and action maps
// (configuration); the website's visitors (a random id kept by their browser), their visits
// (sessions: what they did, the segments they are in, the outcomes reached, the scores), and the
// offers made (qualified, offered, accepted or declined: the funnel). A chat started from an offer
// remembers it and the visit.
const STATEMENTS = [
  `create table segments (id text primary key, name text not null, settings jsonb not null)`,
  `create table outcomes (id text primary key, name text not null, settings jsonb not null)`,
  `create table action_maps (id text primary key, name text not null, position integer not null default 0, settings jsonb not null)`,
  `create table web_visitors (
     id text primary key, first_seen timestamptz not null default now(), last_seen timestamptz not null default now(),
     visits integer not null default 1, name text, email text)`,
  `create table web_sessions (
     id text primary key, visitor_id text not null references web_visitors(id) on delete cascade,
     visit integer not null, started_at timestamptz not null, last_at timestamptz not null,
     device text not null, referrer text, campaign text, identified boolean not null default false,
     steps jsonb not null default '[]', segments jsonb not null default '[]', reached jsonb not null default '[]',
     scores jsonb not null default '{}', offered jsonb not null default '[]', declined_at timestamptz,
     open_offer text, chat_id text)`,
  `create index web_sessions_last on web_sessions (last_at)`,
  `create index web_sessions_visitor on web_sessions (visitor_id, last_at)`,
  `create table engagement_offers (
     id text primary key, session_id text not null references web_sessions(id) on delete cascade,
     action_map text not null, kind text not null, state text not null, reasons jsonb not null default '[]',
     held_why text, created_at timestamptz not null, answered_at timestamptz)`,
  `create index engagement_offers_created on engagement_offers (created_at)`,
  `alter table chats add column session_id text, add column offer_id text`,
];

export async function engagementMigration(db: Kysely<unknown>): Promise<void> {
  for (const s of STATEMENTS) await sql.raw(s).execute(db);
}

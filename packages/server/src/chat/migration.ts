import { sql, type Kysely } from 'kysely';

// Migration 0022_chat: web chat conversations (each the talk around one task of media type chat,
// found by the task's source 'chat' and external id = the chat's id), their lines, and the
// standard-response library agents answer from.
const STATEMENTS = [
  `create table chats (
     id text primary key, worktype text not null, visitor_name text not null, visitor_email text,
     token_hash text not null, created_at timestamptz not null default now(),
     ended_at timestamptz, ended_by text, transcript_sent_at timestamptz)`,
  `create table chat_messages (
     id bigserial primary key, chat_id text not null references chats(id) on delete cascade,
     sender text not null, user_id text, body text not null, created_at timestamptz not null default now())`,
  `create index chat_messages_chat on chat_messages (chat_id, id)`,
  `create table responses (id text primary key, name text not null, text text not null, queues jsonb not null default '[]')`,
];

export async function chatMigration(db: Kysely<unknown>): Promise<void> {
  for (const s of STATEMENTS) await sql.raw(s).execute(db);
}

// Migration 0023_sms: SMS conversations are chats too (channel 'sms', the customer's number), and
// a carrier's message id is taken once (carriers retry their webhooks).
const SMS = [
  `alter table chats add column channel text not null default 'web', add column visitor_phone text`,
  `create index chats_open_sms on chats (visitor_phone, worktype) where channel = 'sms' and ended_at is null`,
  `alter table chat_messages add column external_id text`,
  `create unique index chat_messages_external on chat_messages (external_id) where external_id is not null`,
];

export async function smsMigration(db: Kysely<unknown>): Promise<void> {
  for (const s of SMS) await sql.raw(s).execute(db);
}

// Migration 0024_chat_rating: the visitor's rating of a chat, once (the event chat.rated feeds the reports).
export async function chatRatingMigration(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`alter table chats add column rating int, add column rating_comment text, add column rated_at timestamptz`).execute(db);
}

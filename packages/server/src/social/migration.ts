import { sql, type Kysely } from 'kysely';

// Migration 0032_social: social media accounts (their secrets stay here, never in the configuration
// document), social conversations as chats (channel 'social'), and the outbox's social channel.
const STATEMENTS = [
  `create table social_accounts (
     id text primary key, name text not null,
     platform text not null check (platform in ('facebook', 'twitter')),
     external_id text not null, handle text,
     public_worktype text not null, private_worktype text not null,
     keywords text[] not null default '{}',
     app_secret text not null, access_token text not null, verify_token text not null, api_url text,
     enabled boolean not null default true,
     received bigint not null default 0, filtered bigint not null default 0, last_received_at timestamptz,
     created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
     unique (platform, external_id))`,
  `alter table chats add column social_account text, add column social_kind text, add column social_user text, add column social_reply_to text`,
  `create index chats_open_social on chats (social_account, social_kind, social_user) where channel = 'social' and ended_at is null`,
  `alter table notifications drop constraint notifications_channel_check`,
  `alter table notifications add constraint notifications_channel_check check (channel in ('email', 'sms', 'push', 'social'))`,
];

export async function socialMigration(db: Kysely<unknown>): Promise<void> {
  for (const s of STATEMENTS) await sql.raw(s).execute(db);
}

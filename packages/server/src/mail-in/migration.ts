import { sql, type Kysely } from 'kysely';

// Migration 0020_inbound_mail: every message received (SMTP or HTTP), stored before it is
// acknowledged, then turned into a task or a case reply by the intake worker.
const STATEMENTS = [
  `create table inbound_mail (
     id text primary key, received_at timestamptz not null default now(), via text not null,
     envelope_from text, recipients text[] not null, message_id text, raw bytea not null, size int not null,
     state text not null default 'new', attempts int not null default 0, next_at timestamptz,
     from_address text, subject text, outcome jsonb, error text, processed_at timestamptz)`,
  `create index inbound_mail_due on inbound_mail (received_at) where state = 'new'`,
  `create index inbound_mail_list on inbound_mail (received_at desc, id desc)`,
  // The same message delivered twice (a sending server's retry, or to two of our addresses) is one.
  `create unique index inbound_mail_message on inbound_mail (message_id) where message_id is not null`,
];

export async function inboundMailMigration(db: Kysely<unknown>): Promise<void> {
  for (const s of STATEMENTS) await sql.raw(s).execute(db);
}

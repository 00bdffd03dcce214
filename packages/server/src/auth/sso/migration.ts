import { sql, type Kysely } from 'kysely';

// Migration 0018_sso: the identity an account is linked to, and sign-ins under way (one row per
// browser that went to the identity provider, used once, for ten minutes at most).
const STATEMENTS = [
  `alter table users add column sso_subject text`,
  `create unique index users_sso_subject on users (sso_subject) where sso_subject is not null`,
  `create table sso_logins (
     id text primary key, state text not null, nonce text not null, verifier text not null,
     return_to text not null, expires_at timestamptz not null)`,
];

export async function ssoMigration(db: Kysely<unknown>): Promise<void> {
  for (const s of STATEMENTS) await sql.raw(s).execute(db);
}

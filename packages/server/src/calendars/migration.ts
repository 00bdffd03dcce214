import { sql, type Kysely } from 'kysely';

/** Business calendars: zone, week, holidays and overrides live in `settings` (see item.ts). */
export async function calendarsMigration(db: Kysely<unknown>): Promise<void> {
  await sql`create table calendars (
    id text primary key, name text not null, settings jsonb not null,
    created_at timestamptz not null default now(), updated_at timestamptz not null default now())`.execute(db);
}

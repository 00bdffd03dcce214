import { sql, type Kysely, type Transaction } from 'kysely';
import type { Calendar } from '@worklane/core';
import { json, type DB } from '../db/schema.js';
import { calendarOf, calendarSettings, type CalendarItem, type CalendarSettings } from './item.js';

type Db = Kysely<DB> | Transaction<DB>;

export async function listCalendars(db: Db): Promise<Calendar[]> {
  return (await db.selectFrom('calendars').select(['id', 'name', 'settings']).orderBy('id').execute()).map(calendarOf);
}

export async function getCalendar(db: Db, id: string): Promise<Calendar | undefined> {
  const row = await db.selectFrom('calendars').select(['id', 'name', 'settings']).where('id', '=', id).executeTakeFirst();
  return row && calendarOf(row);
}

/** Upsert, shared by import and the API. */
export async function writeCalendar(trx: Db, c: CalendarItem): Promise<void> {
  const settings = json(calendarSettings(c));
  await trx
    .insertInto('calendars')
    .values({ id: c.id, name: c.name, settings })
    .onConflict((oc) => oc.column('id').doUpdateSet({ name: c.name, settings, updated_at: new Date() }))
    .execute();
}

export async function writeSettings(trx: Db, id: string, settings: CalendarSettings): Promise<void> {
  await trx.updateTable('calendars').set({ settings: json(settings), updated_at: new Date() }).where('id', '=', id).execute();
}

/** Whether a table (and column) exists yet: other modules' migrations may not have run in every build. */
async function exists(db: Db, table: string, column?: string): Promise<boolean> {
  const r = await sql<{ n: number }>`select count(*)::int as n from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} and (${column ?? null}::text is null or column_name = ${column ?? null})`.execute(db);
  return (r.rows[0]?.n ?? 0) > 0;
}

/** Open cases and unfinished case tasks whose own (supervisor's) SLA/OLA names the calendar. */
async function overrides(db: Db, id: string): Promise<string[]> {
  const out: string[] = [];
  if (await exists(db, 'cases', 'sla_policy')) {
    const r = await sql<{ n: number }>`select count(*)::int as n from cases where closed_at is null and sla_policy->>'calendar' = ${id}`.execute(db);
    if (r.rows[0]?.n) out.push(`${r.rows[0].n} open case(s) with their own SLA on it`);
  }
  if (await exists(db, 'case_tasks', 'ola_policy')) {
    const r = await sql<{ n: number }>`select count(*)::int as n from case_tasks where finished_at is null and ola_policy->>'calendar' = ${id}`.execute(db);
    if (r.rows[0]?.n) out.push(`${r.rows[0].n} case task(s) with their own OLA on it`);
  }
  return out;
}

/** JSON pointers of every `calendar: id` inside a value (an SLA, a procedure step's OLA...). */
function refsIn(v: unknown, id: string, at = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => refsIn(x, id, `${at}/${i}`));
  if (!v || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => (k === 'calendar' && x === id ? [`${at}/${k}`] : refsIn(x, id, `${at}/${k}`)));
}

/** What refers to the calendar (case types' SLAs and OLAs, overrides on live cases, notification rules); tables are checked only once they exist. */
export async function calendarUses(db: Db, id: string): Promise<string[]> {
  const out: string[] = [];
  if (await exists(db, 'case_types')) {
    const types = await db.selectFrom('case_types').select(['id', 'settings']).orderBy('id').execute();
    for (const t of types) for (const p of refsIn(t.settings, id)) out.push(`case type ${t.id} (${p})`);
  }
  if (await exists(db, 'notification_rules', 'calendar_id')) {
    const rules = await db.selectFrom('notification_rules').select(['case_type_id', 'event', 'channel']).where('calendar_id', '=', id).execute();
    for (const r of rules) out.push(`notification rule ${r.case_type_id}/${r.event}/${r.channel}`);
  }
  return [...out, ...(await overrides(db, id))];
}

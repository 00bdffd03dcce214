import { sql, type Kysely } from 'kysely';
import { json, type DB } from '../db/schema.js';
import type { ConfigCache } from '../config/cache.js';
import { deadlines, olaPolicy, slaPolicy } from './compute.js';

// Recomputing every running clock (the policies or calendars changed) pages through them by key,
// so a million clocks never sit in memory at once, and writes the changed deadlines of a page in
// one UPDATE. A row changed meanwhile (version, pauses or policy differ) is left to the change
// that wrote it.

const PAGE = 5000;
const DONE = ['resolved', 'closed'];
const SETTING = 'clocks.computedFor';
const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/** The policies and calendars the stored deadlines were computed with (null: never recorded). */
export async function storedFingerprint(db: Kysely<DB>): Promise<string | null> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', SETTING).executeTakeFirst();
  return typeof row?.value === 'string' ? row.value : null;
}

export async function storeFingerprint(db: Kysely<DB>, fp: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key: SETTING, value: json(fp) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json(fp) }))
    .execute();
}

/** Recomputes every running SLA and OLA deadline; returns how many rows changed. */
export async function recomputeAll(db: Kysely<DB>, config: ConfigCache, now: number): Promise<number> {
  return (await recomputeCases(db, config, now)) + (await recomputeCaseTasks(db, config, now));
}

async function recomputeCases(db: Kysely<DB>, config: ConfigCache, now: number): Promise<number> {
  let after = '';
  let changed = 0;
  for (;;) {
    const page = await db
      .selectFrom('cases')
      .select(['id', 'version', 'case_type', 'sla_policy', 'sla_started_at', 'sla_paused', 'sla_due_at', 'sla_warn_at'])
      .where('status', 'not in', DONE)
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    const snap = config.snapshot;
    const diff = page.flatMap((c) => {
      const d = deadlines(config, slaPolicy(c.sla_policy, snap.caseTypes.get(c.case_type)), c.sla_started_at, c.sla_paused, now);
      return sameTime(d.due, c.sla_due_at) && sameTime(d.warn, c.sla_warn_at) ? [] : [sql`(${c.id}::text, ${c.version}::int, ${d.due}::timestamptz, ${d.warn}::timestamptz)`];
    });
    if (diff.length)
      await sql`update cases as c set sla_due_at = v.due, sla_warn_at = v.warn
        from (values ${sql.join(diff)}) as v(id, version, due, warn)
        where c.id = v.id and c.version = v.version`.execute(db);
    changed += diff.length;
    if (page.length < PAGE) return changed;
    after = page[page.length - 1]!.id;
  }
}

async function recomputeCaseTasks(db: Kysely<DB>, config: ConfigCache, now: number): Promise<number> {
  let after = '';
  let changed = 0;
  for (;;) {
    const page = await db
      .selectFrom('case_tasks as k')
      .innerJoin('cases as c', 'c.id', 'k.case_id')
      .select(['k.task_id', 'k.step', 'k.ola_policy', 'k.ola_started_at', 'k.ola_paused', 'k.ola_due_at', 'k.ola_warn_at', 'c.case_type'])
      .where('k.finished_at', 'is', null)
      .where('k.task_id', '>', after)
      .orderBy('k.task_id')
      .limit(PAGE)
      .execute();
    const snap = config.snapshot;
    const diff = page.flatMap((k) => {
      const d = deadlines(config, olaPolicy(k.ola_policy, snap.caseTypes.get(k.case_type)?.procedure, k.step), k.ola_started_at, k.ola_paused, now);
      if (sameTime(d.due, k.ola_due_at) && sameTime(d.warn, k.ola_warn_at)) return [];
      return [sql`(${k.task_id}::text, ${json(k.ola_paused)}::jsonb, ${json(k.ola_policy)}::jsonb, ${d.due}::timestamptz, ${d.warn}::timestamptz)`];
    });
    if (diff.length)
      await sql`update case_tasks as k set ola_due_at = v.due, ola_warn_at = v.warn
        from (values ${sql.join(diff)}) as v(task_id, paused, policy, due, warn)
        where k.task_id = v.task_id and k.ola_paused = v.paused and k.ola_policy is not distinct from v.policy`.execute(db);
    changed += diff.length;
    if (page.length < PAGE) return changed;
    after = page[page.length - 1]!.task_id;
  }
}

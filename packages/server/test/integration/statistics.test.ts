import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, freshDatabase, type TestDb } from './harness.js';
import { migrateToLatest, seedDemoIfEmpty } from '../../src/index.js';
import { FreshStatistics } from '../../src/db/statistics.js';

const quiet = { warn: () => {} } as never;

// A database that starts empty must not keep the plans of its empty tables: a hot table that has
// more than doubled since it was last measured is analyzed (which re-plans its cached statements).
describe.each(BACKENDS)('fresh statistics on $backend', ({ backend, skip }) => {
  let db: TestDb;
  beforeAll(async () => {
    if (skip) return;
    db = await freshDatabase(backend);
    await migrateToLatest(db.store.db as never);
    await seedDemoIfEmpty(db.store.db);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const grow = (from: number, n: number) =>
    sql`insert into tasks (id, worktype, title, queue_id, media_type, state, entered_queue_at, updated_at, attributes, skills, classification)
        select 'st-' || i, 'lead', repeat('x', 400), 'sales', 'workitem', 'queued', now(), now(), '{}', '[]', '{}'
        from generate_series(${from}::int, ${from + n - 1}::int) as i`.execute(db.store.db);
  const measured = async () =>
    (await sql<{ relpages: number }>`select relpages from pg_class where relname = 'tasks' and relnamespace = current_schema()::regnamespace`.execute(db.store.db)).rows[0]!.relpages;

  it.skipIf(skip)('analyzes a hot table once it has outgrown its statistics, and only then', async () => {
    const stats = new FreshStatistics(db.store.db, quiet);
    expect(await stats.check()).toEqual([]); // small tables: nothing to do
    await grow(1, 400);
    expect(await stats.check()).toEqual(['tasks']);
    const after = await measured();
    expect(after).toBeGreaterThanOrEqual(16);
    expect(await stats.check()).toEqual([]); // measured now
    await grow(401, 200); // +50%: not yet
    expect(await stats.check()).toEqual([]);
    await grow(601, 1000); // more than doubled
    expect(await stats.check()).toEqual(['tasks']);
    expect(await measured()).toBeGreaterThan(2 * after);
    // Measured are the columns plans use, not the JSON documents (migration 0011: sorting them was most of an ANALYZE).
    const columns = (await sql<{ attname: string }>`select attname from pg_stats where tablename = 'tasks' and schemaname = current_schema()`.execute(db.store.db)).rows.map((r) => r.attname);
    expect(columns).toEqual(expect.arrayContaining(['id', 'state', 'queue_id', 'title']));
    expect(columns.filter((c) => ['attributes', 'classification', 'skills', 'exceptions_fired'].includes(c))).toEqual([]);
  });
});

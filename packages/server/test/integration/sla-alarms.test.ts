import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { migrateToLatest, migrator } from '../../src/db/migrations.js';
import { BACKENDS, freshDatabase, type TestDb } from './harness.js';

// 0012_sla_alarms moves a case's SLA warning and breach (when each rings, when it fired) out of
// the case row: a database with fired and pending clocks keeps them all, and from then on the
// triggers keep the alarms' due times in step with every write of the case's deadlines.
describe.each(BACKENDS)('SLA alarms on $backend', ({ backend, skip }) => {
  let t: TestDb;
  let db: Kysely<unknown>;
  const alarms = async () =>
    (
      await sql<{ case_id: string; kind: string; due_at: Date | null; fired_at: Date | null }>`
        select case_id, kind, due_at, fired_at from sla_alarms order by case_id, kind`.execute(db)
    ).rows.map((r) => [r.case_id, r.kind, r.due_at && new Date(r.due_at).toISOString(), r.fired_at && new Date(r.fired_at).toISOString()]);
  const T = (m: number) => new Date(Date.UTC(2026, 11, 1, 9, m)).toISOString();

  beforeAll(async () => {
    if (skip) return;
    t = await freshDatabase(backend);
    db = t.store.db as never;
    const { error } = await migrator(db).migrateTo('0011_document_statistics');
    if (error) throw error;
    await sql`insert into case_types (id, name, settings) values ('ct', 'CT', '{}')`.execute(db);
    // Before the migration: one case warned and breached, one warned, one with nothing fired, one paused (no deadlines).
    await sql`insert into cases (id, case_type, status, title, source, sla_started_at, sla_due_at, sla_warn_at, sla_warned_at, sla_breached_at) values
      ('c1', 'ct', 'open', 'one', 'api', ${T(0)}, ${T(60)}, ${T(30)}, ${T(31)}, ${T(61)}),
      ('c2', 'ct', 'open', 'two', 'api', ${T(0)}, ${T(60)}, ${T(30)}, ${T(30)}, null),
      ('c3', 'ct', 'open', 'three', 'api', ${T(0)}, ${T(60)}, ${T(30)}, null, null),
      ('c4', 'ct', 'waiting-for-customer', 'four', 'api', ${T(0)}, null, null, null, null)`.execute(db);
    await migrateToLatest(db);
  });
  afterAll(() => t?.drop());

  it.skipIf(skip)('keeps every fired and pending clock of the cases it migrates', async () => {
    expect(await alarms()).toEqual([
      ['c1', 'breach', T(60), T(61)],
      ['c1', 'warning', T(30), T(31)],
      ['c2', 'breach', T(60), null],
      ['c2', 'warning', T(30), T(30)],
      ['c3', 'breach', T(60), null],
      ['c3', 'warning', T(30), null],
      ['c4', 'breach', null, null],
      ['c4', 'warning', null, null],
    ]);
    const columns = await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'cases' and column_name in ('sla_warned_at', 'sla_breached_at')`.execute(db);
    expect(columns.rows).toEqual([]);
  });

  it.skipIf(skip)('new cases get both alarms in one statement; a moved deadline moves its alarm and keeps whether it fired', async () => {
    await sql`insert into cases (id, case_type, status, title, source, sla_started_at, sla_due_at, sla_warn_at)
      select 'n' || i, 'ct', 'open', 'new', 'api', ${T(0)}, ${T(120)}, null from generate_series(1, 2) i`.execute(db);
    await sql`update cases set sla_due_at = ${T(90)}, sla_warn_at = ${T(45)} where id = 'c1'`.execute(db); // fired both: stays fired
    await sql`update cases set sla_due_at = null, sla_warn_at = null where id = 'c3'`.execute(db); // paused
    await sql`update cases set title = 'renamed' where id = 'c2'`.execute(db); // no deadline written: nothing moves
    const rows = await alarms();
    expect(rows.filter((r) => r[0] !== 'c4')).toEqual([
      ['c1', 'breach', T(90), T(61)],
      ['c1', 'warning', T(45), T(31)],
      ['c2', 'breach', T(60), null],
      ['c2', 'warning', T(30), T(30)],
      ['c3', 'breach', null, null],
      ['c3', 'warning', null, null],
      ['n1', 'breach', T(120), null],
      ['n1', 'warning', null, null],
      ['n2', 'breach', T(120), null],
      ['n2', 'warning', null, null],
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { migrateToLatest, migrator } from '../../src/db/migrations.js';
import { BACKENDS, freshDatabase, type TestDb } from './harness.js';

// 0012_sla_alarms and 0013_ola_alarms move a case's SLA and a procedure task's OLA warning and
// breach (when each rings, when it fired, what followed an OLA breach) out of the case and case
// task rows: a database with fired and pending clocks keeps them all, and from then on triggers
// keep the alarms in step with every write of the deadlines (and of a task's finishing).
describe.each(BACKENDS)('SLA and OLA alarms on $backend', ({ backend, skip }) => {
  let t: TestDb;
  let db: Kysely<unknown>;
  const alarms = async () =>
    (
      await sql<{ case_id: string; kind: string; due_at: Date | null; fired_at: Date | null }>`
        select case_id, kind, due_at, fired_at from sla_alarms order by case_id, kind`.execute(db)
    ).rows.map((r) => [r.case_id, r.kind, r.due_at && new Date(r.due_at).toISOString(), r.fired_at && new Date(r.fired_at).toISOString()]);
  const olaAlarms = async () =>
    (
      await sql<{ task_id: string; kind: string; due_at: Date | null; fired_at: Date | null; escalated_at: Date | null; live: boolean }>`
        select task_id, kind, due_at, fired_at, escalated_at, live from ola_alarms order by task_id, kind`.execute(db)
    ).rows.map((r) => [r.task_id, r.kind, iso(r.due_at), iso(r.fired_at), iso(r.escalated_at), r.live]);
  const iso = (d: Date | null) => d && new Date(d).toISOString();
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
    // OLAs: one warned, breached and escalated; one breached, not yet escalated; one finished.
    await sql`insert into worktypes (id, name, settings) values ('w', 'W', '{}')`.execute(db);
    await sql`insert into tasks (id, worktype, title, media_type, state, case_id) values
      ('t1', 'w', 'one', 'workitem', 'queued', 'c1'), ('t2', 'w', 'two', 'workitem', 'queued', 'c2'), ('t3', 'w', 'three', 'workitem', 'completed', 'c3')`.execute(db);
    await sql`insert into case_tasks (task_id, case_id, step, seq, kind, ola_started_at, ola_due_at, ola_warn_at, ola_warned_at, ola_breached_at, ola_escalated_at, finished_at) values
      ('t1', 'c1', 'work', 1, 'start', ${T(0)}, ${T(10)}, ${T(5)}, ${T(5)}, ${T(10)}, ${T(11)}, null),
      ('t2', 'c2', 'work', 1, 'start', ${T(0)}, ${T(10)}, null, null, ${T(10)}, null, null),
      ('t3', 'c3', 'work', 1, 'start', ${T(0)}, ${T(10)}, ${T(5)}, null, null, null, ${T(3)})`.execute(db);
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
    expect(await olaAlarms()).toEqual([
      ['t1', 'breach', T(10), T(10), T(11), true],
      ['t1', 'warning', T(5), T(5), null, true],
      ['t2', 'breach', T(10), T(10), null, true],
      ['t2', 'warning', null, null, null, true],
      ['t3', 'breach', T(10), null, null, false],
      ['t3', 'warning', T(5), null, null, false],
    ]);
    const columns = await sql<{ column_name: string }>`select column_name from information_schema.columns
      where column_name in ('sla_warned_at', 'sla_breached_at', 'ola_warned_at', 'ola_breached_at', 'ola_escalated_at')`.execute(db);
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

  it.skipIf(skip)('a new procedure task gets both OLA alarms; a moved deadline moves them, a finished task silences them', async () => {
    await sql`insert into tasks (id, worktype, title, media_type, state, case_id) values ('t4', 'w', 'four', 'workitem', 'queued', 'c1')`.execute(db);
    await sql`insert into case_tasks (task_id, case_id, step, seq, kind, ola_started_at, ola_due_at, ola_warn_at) values ('t4', 'c1', 'work', 2, 'step', ${T(20)}, ${T(30)}, ${T(25)})`.execute(db);
    await sql`update case_tasks set ola_due_at = ${T(40)}, ola_warn_at = ${T(35)} where task_id = 't1'`.execute(db); // fired: stays fired
    await sql`update case_tasks set finished_at = ${T(12)} where task_id = 't2'`.execute(db);
    expect((await olaAlarms()).filter((r) => r[0] !== 't3')).toEqual([
      ['t1', 'breach', T(40), T(10), T(11), true],
      ['t1', 'warning', T(35), T(5), null, true],
      ['t2', 'breach', T(10), T(10), null, false],
      ['t2', 'warning', null, null, null, false],
      ['t4', 'breach', T(30), null, null, true],
      ['t4', 'warning', T(25), null, null, true],
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { migrateToLatest } from '../../src/db/migrations.js';
import { BACKENDS, freshDatabase, type TestDb } from './harness.js';

// 0014_case_follows_tasks: a case follows its task from one trigger per statement. One statement
// may carry events of several cases' tasks, of tasks without a case, and several events of the
// same task: each is handled in event order, as the trigger per event did.
describe.each(BACKENDS)('a case follows its task on $backend', ({ backend, skip }) => {
  let t: TestDb;
  let db: Kysely<unknown>;
  const statuses = async () =>
    Object.fromEntries((await sql<{ id: string; status: string; version: number }>`select id, status, version from cases order by id`.execute(db)).rows.map((r) => [r.id, `${r.status}@${r.version}`]));
  const caseEvents = async () =>
    (await sql<{ type: string; task_id: string; case_id: string; data: { status: string; agent: string | null } }>`
      select type, task_id, case_id, data from events where type like 'case.%' order by id`.execute(db)).rows.map((r) => [r.type, r.case_id, r.task_id, r.data.status, r.data.agent]);

  beforeAll(async () => {
    if (skip) return;
    t = await freshDatabase(backend);
    db = t.store.db as never;
    await migrateToLatest(db);
    await sql`insert into case_types (id, name, settings) values ('ct', 'CT', '{}')`.execute(db);
    await sql`insert into users (id, email, name, roles) values ('ann', 'ann@example.com', 'Ann', '{agent}')`.execute(db);
    await sql`insert into cases (id, case_type, status, title, source, sla_started_at) values
      ('c1', 'ct', 'open', 'one', 'api', now()), ('c2', 'ct', 'in-progress', 'two', 'api', now()), ('c3', 'ct', 'reopened', 'three', 'api', now()),
      ('c4', 'ct', 'closed', 'four', 'api', now()), ('c5', 'ct', 'open', 'five', 'api', now())`.execute(db);
    await sql`insert into worktypes (id, name, settings) values ('w', 'W', '{}')`.execute(db);
    await sql`insert into tasks (id, worktype, title, media_type, state, case_id) values
      ('t1', 'w', 'one', 'workitem', 'queued', 'c1'), ('t2', 'w', 'two', 'workitem', 'assigned', 'c2'),
      ('t3', 'w', 'three', 'workitem', 'queued', 'c3'), ('t4', 'w', 'four', 'workitem', 'queued', 'c4'),
      ('t5', 'w', 'five', 'workitem', 'queued', 'c5'), ('t6', 'w', 'six', 'workitem', 'queued', null)`.execute(db);
  });
  afterAll(() => t?.drop());

  it.skipIf(skip)('handles every event of one statement in order, and only those of live cases', async () => {
    await sql`insert into events (type, task_id, user_id, data) values
      ('task.assigned', 't1', 'ann', '{}'),
      ('task.pulled-back', 't2', null, '{}'),
      ('task.offered', 't3', 'ann', '{}'),
      ('task.assigned', 't3', 'ann', '{}'),
      ('task.assigned', 't4', 'ann', '{}'),
      ('task.assigned', 't5', 'ann', '{}'),
      ('task.pulled-back', 't5', null, '{}'),
      ('task.assigned', 't6', 'ann', '{}')`.execute(db);
    // c1 and c3 in progress; c2 back to open; c4 closed stays; c5 in progress, then open again.
    expect(await statuses()).toEqual({ c1: 'in-progress@1', c2: 'open@1', c3: 'in-progress@1', c4: 'closed@0', c5: 'open@2' });
    expect(await caseEvents()).toEqual([
      ['case.assigned', 'c1', 't1', 'in-progress', 'ann'],
      ['case.assigned', 'c3', 't3', 'in-progress', 'ann'],
      ['case.assigned', 'c5', 't5', 'in-progress', 'ann'],
    ]);
  });

  it.skipIf(skip)('leaves a statement of events without a case task alone', async () => {
    const before = await statuses();
    await sql`insert into events (type, task_id, user_id, data) values ('task.assigned', 't6', 'ann', '{}'), ('task.queued', 't1', null, '{}')`.execute(db);
    expect(await statuses()).toEqual(before);
    expect((await caseEvents()).length).toBe(3);
  });
});

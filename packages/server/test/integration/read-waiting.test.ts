import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, freshDatabase, type TestDb } from './harness.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import { seedDemoIfEmpty } from '../../src/runtime.js';
import { readWaiting } from '../../src/routing/read-waiting.js';
import { toWaiting } from '../../src/routing/dispatcher.js';

// Start and recovery read the waiting tasks with times as epoch milliseconds and JSON as text
// (read-waiting.ts): routing must get exactly what the row read through the driver gives.
describe.each(BACKENDS)('reading the waiting tasks on $backend', ({ backend, skip }) => {
  let t: TestDb;

  beforeAll(async () => {
    if (skip) return;
    t = await freshDatabase(backend);
    await migrateToLatest(t.store.db as never);
    await seedDemoIfEmpty(t.store.db);
    const skills = `[{"skill": "billing", "minLevel": 50}, {"skill": "english", "minLevel": 30}]`;
    // Fractions of a millisecond either way, before 1970, no due time, no time entered, boosts, exceptions.
    const rows: [string, string | null, string | null, string, string, number, number][] = [
      ['rw-1', '2026-12-03 10:00:00.123999+00', '2026-12-03 09:00:00.123000+00', '2026-12-03 08:00:00.000500+00', skills, 3.5, 0.25],
      ['rw-2', null, null, '2026-12-03 08:00:00.999999+00', skills, 0, 0],
      ['rw-3', '1969-12-31 23:59:59.9995+00', '2026-01-01 00:00:00+00', '1969-12-31 23:59:59.000001+00', '[]', -2, 1],
      ['rw-4', '2030-06-30 12:34:56.789+02', '2026-12-03 10:00:00.5+00', '2026-12-03 10:00:00.4999+00', `[{"skill": "french", "minLevel": 80}]`, 1e6, 0],
    ];
    for (const [id, due, entered, created, sk, priority, boost] of rows)
      await sql`insert into tasks (id, worktype, title, queue_id, media_type, state, due_at, entered_queue_at, created_at, skills, priority, priority_boost, exceptions_fired, version)
                values (${id}, 'invoice-dispute', ${id}, 'finance', 'workitem', 'queued', ${due}::timestamptz, ${entered}::timestamptz, ${created}::timestamptz,
                        ${sk}::jsonb, ${priority}, ${boost}, ${id === 'rw-4' ? '["late"]' : '[]'}::jsonb, ${id.length})`.execute(t.store.db);
    await sql`insert into tasks (id, worktype, title, media_type, state, created_at) values ('rw-done', 'invoice-dispute', 'done', 'workitem', 'completed', now())`.execute(t.store.db);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it.skipIf(skip)('gives what the row read through the driver gives, for queued tasks only', async () => {
    const byDriver = await t.store.db
      .selectFrom('tasks')
      .select(['id', 'queue_id', 'priority', 'priority_boost', 'due_at', 'entered_queue_at', 'created_at', 'skills', 'media_type', 'target_agent_id', 'team_bin', 'worktype', 'exceptions_fired', 'version'])
      .where('state', '=', 'queued')
      .orderBy('id')
      .execute();
    const read = (await readWaiting(t.store.db)).sort((a, b) => a.id.localeCompare(b.id));
    expect(read.map((w) => w.id)).toEqual(['rw-1', 'rw-2', 'rw-3', 'rw-4']);
    expect(read).toEqual(byDriver.map(toWaiting));
    expect(read[2]!.dueAt).toBe(-1); // 23:59:59.9995 before the epoch is the millisecond before it, as a Date has it
  });

  it.skipIf(skip)('parses each distinct JSON once: equal skills are one frozen value', async () => {
    const [a, b, c, d] = (await readWaiting(t.store.db)).sort((x, y) => x.id.localeCompare(y.id));
    expect(a!.skills).toBe(b!.skills);
    expect(a!.skills).not.toBe(d!.skills);
    expect(Object.isFrozen(a!.skills) && Object.isFrozen(a!.skills[0])).toBe(true);
    expect(c!.exceptionsFired).toBe(a!.exceptionsFired);
    expect(d!.exceptionsFired).toEqual(['late']);
  });
});

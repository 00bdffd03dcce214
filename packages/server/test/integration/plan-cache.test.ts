import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest } from '../../src/index.js';
import { AcceptBatcher } from '../../src/routing/accept-batch.js';
import { BACKENDS, freshDatabase, type TestDb } from './harness.js';

// Hot batch statements are prepared once per connection (db/prepared.ts), but PostgreSQL still
// plans a prepared statement again on every execution when it judges its custom plans cheaper than
// the generic one. An accept batch's offer ids as a literal array made each batch's plan look
// cheaper than the generic plan's ten-element guess: planning (~0.7 ms) on every batch, more than
// running it. Only PostgreSQL: PGlite runs the statements unprepared.
const postgres = BACKENDS.find((b) => b.backend === 'postgres')!;

describe.skipIf(postgres.skip)('plan cache on postgres', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDatabase('postgres');
    await migrateToLatest(t.store.db as never);
    // Measured tables: on empty ones every plan costs the same and the old statement passed too.
    await sql`insert into users (id, email, name) values ('u1', 'u1@example.com', 'U')`.execute(t.store.db);
    await sql`insert into worktypes (id, name, settings) values ('w', 'W', '{}')`.execute(t.store.db);
    await sql`insert into tasks (id, worktype, title, media_type, state)
      select 't' || i, 'w', 'x', 'task', case when i % 10 = 0 then 'offered' else 'completed' end from generate_series(1, 5000) i`.execute(t.store.db);
    await sql`insert into offers (id, task_id, agent_id, state, step, reason, expires_at)
      select 'o' || i, 't' || i, 'u1', case when i % 10 = 0 then 'pending' else 'accepted' end, 'primary', 'push', now() from generate_series(1, 5000) i`.execute(t.store.db);
    await sql`analyze tasks`.execute(t.store.db);
    await sql`analyze offers`.execute(t.store.db);
  });
  afterAll(() => t?.drop());

  it('an accept batch keeps its generic plan whatever the number of offers it carries', async () => {
    const plans = await t.store.db.connection().execute(async (conn) => {
      const accepts = new AcceptBatcher(conn);
      // Batches of 1 to 4 offers (nobody's: each resolves to null), one batch per event-loop turn.
      for (let i = 0; i < 24; i++) {
        const n = 1 + (i % 4);
        const got = await Promise.all(Array.from({ length: n }, (_, k) => accepts.accept(`no-offer-${i}-${k}`, 'nobody')));
        expect(got).toEqual(Array(n).fill(null));
      }
      const { rows } = await sql<{ generic: number; custom: number }>`
        select generic_plans::int as generic, custom_plans::int as custom from pg_prepared_statements
        where statement like '%offer text, agent text%'`.execute(conn);
      return rows;
    });
    expect(plans).toHaveLength(1);
    // PostgreSQL tries five custom plans before it compares; every batch after them is generic.
    expect(plans[0]).toEqual({ generic: 19, custom: 5 });
  });
});

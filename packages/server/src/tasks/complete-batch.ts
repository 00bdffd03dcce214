import { sql, type Kysely } from 'kysely';
import { json, type DB, type TaskRow } from '../db/schema.js';
import { lostRace, type Change } from './change.js';
import { PREPARE } from '../db/prepared.js';
import { TickBatch } from '../db/tick-batch.js';

interface Pending {
  t: TaskRow;
  code: string;
  note: string | null;
  actor: string | null;
  resolve: (c: Change) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for completions, as for captures: every completion asked in one event-loop tick is
 * written by one statement (update with each task's version check, one task.completed event per
 * task that changed), and each caller is answered after that commit. A task that changed
 * meanwhile gets the same 409 as one completed alone. The same task twice in one tick goes to the
 * next statement, where its version check settles it.
 */
class CompleteBatcher {
  private readonly batch = new TickBatch<Pending>((p) => p.t.id, (b) => this.write(b));

  constructor(private readonly db: Kysely<DB>) {}

  complete(t: TaskRow, code: string, note: string | null, actor: string | null): Promise<Change> {
    return new Promise((resolve, reject) => this.batch.add({ t, code, note, actor, resolve, reject }));
  }

  private async write(batch: Pending[]): Promise<void> {
    const now = new Date();
    const items = batch.map((p) => ({ id: p.t.id, version: p.t.version, code: p.code, note: p.note, actor: p.actor, agent: p.t.assignee_id, queue: p.t.queue_id }));
    const { rows } = await sql<{ id: string }>`${sql.raw(PREPARE)}
      with v as (
        select * from rows from (jsonb_to_recordset(${json(items)}::jsonb) as (
          id text, version int, code text, note text, actor text, agent text, queue text
        )) with ordinality as v(id, version, code, note, actor, agent, queue, n)),
      upd as (
        update tasks as t set state = 'completed', wrap_up_code = v.code, note = v.note, completed_at = ${now}, updated_at = ${now}, version = t.version + 1
        -- By primary key whatever the statistics say (see the routing round's commit).
        from v where t.id = any(${items.map((i) => i.id)}::text[]) and t.id = v.id and t.version = v.version and (t.state in ('assigned', 'wrap-up')) is true
        returning t.id, t.wrap_up_code, t.note, v.actor as v_actor, v.agent as v_agent, v.queue as v_queue, v.n as v_n),
      ev as (
        insert into events (type, actor, task_id, user_id, data)
        select 'task.completed', v_actor, id, v_agent, jsonb_build_object('wrapUpCode', wrap_up_code, 'note', note, 'agent', v_agent, 'queue', v_queue)
        from upd order by v_n)
      select id from upd`.execute(this.db);
    // Only the ids come back: a task that passed the version check was exactly the row read before,
    // so its new row is that row with what this statement set (no row to parse per completion).
    const done = new Set(rows.map((r) => r.id));
    for (const p of batch) {
      if (done.has(p.t.id)) p.resolve({ before: p.t, after: { ...p.t, state: 'completed', wrap_up_code: p.code, note: p.note, completed_at: now, updated_at: now, version: p.t.version + 1 }, rescinded: [] });
      else lostRace(this.db, p.t).then(p.reject, p.reject);
    }
  }
}

const batchers = new WeakMap<Kysely<DB>, CompleteBatcher>();

/** Completes an assigned (or wrapping-up) task in the tick's group commit. */
export function completeInBatch(db: Kysely<DB>, t: TaskRow, code: string, note: string | null, actor: string | null): Promise<Change> {
  let b = batchers.get(db);
  if (!b) batchers.set(db, (b = new CompleteBatcher(db)));
  return b.complete(t, code, note, actor);
}

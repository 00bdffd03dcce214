import { sql, type Kysely, type Transaction, type Updateable } from 'kysely';
import { transition, type TaskAction, type TaskState } from '@worklane/core';
import { json, type DB, type TaskRow, type TasksTable } from '../db/schema.js';
import { appendEvents, type EventInput } from '../events/append.js';
import { conflict, notFound } from '../http/problems.js';
import { TickLoader } from '../db/tick-loader.js';
import { PREPARE } from '../db/prepared.js';

const taskLoaders = new WeakMap<Kysely<DB>, TickLoader<string, TaskRow>>();

/** Task reads of one tick share one query (outside transactions, whose reads must stay in them). */
function readTask(db: Kysely<DB>, id: string): Promise<TaskRow | undefined> {
  if (db.isTransaction) return db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
  let l = taskLoaders.get(db);
  if (!l)
    taskLoaders.set(db, (l = new TickLoader(async (ids) => {
      // One prepared text whatever the number of ids (an IN list is a new statement per length).
      const { rows } = await sql<TaskRow>`${sql.raw(PREPARE)} select * from tasks where id = any(${ids}::text[])`.execute(db);
      return new Map(rows.map((r) => [r.id, r]));
    })));
  return l.load(id);
}

/**
 * Tasks that may be completed (core's `transition`) as this process last committed them, so that
 * a completion, the commonest change, starts without reading its task (a read statement and a row
 * parsed per completion). Only a start: the completion's statement checks the version, so a row changed
 * anywhere this did not hear of (a clock, another process) fails that check and the completion
 * starts again from a read (lifecycle.ts `completeTask`). Bounded; the oldest go first.
 */
const HELD_ROWS_MAX = 100_000;
const heldRows = new WeakMap<Kysely<DB>, Map<string, TaskRow>>();

/** A committed row: remembered while its task can be completed, forgotten otherwise. */
export function noteCommitted(db: Kysely<DB>, t: TaskRow): void {
  let rows = heldRows.get(db);
  if (!rows) heldRows.set(db, (rows = new Map()));
  rows.delete(t.id);
  if (!transition(t.state as TaskState, 'complete').ok) return;
  rows.set(t.id, t);
  if (rows.size > HELD_ROWS_MAX) rows.delete(rows.keys().next().value!);
}

export function heldRow(db: Kysely<DB>, id: string): TaskRow | undefined {
  return heldRows.get(db)?.get(id);
}

export function forgetHeldRow(db: Kysely<DB>, id: string): void {
  heldRows.get(db)?.delete(id);
}

export async function loadTask(db: Kysely<DB>, id: string): Promise<TaskRow> {
  const t = await readTask(db, id);
  if (!t) throw notFound(`Task ${id}`);
  return t;
}

/** A committed change of one task: what it was, what it is, and the offers the change closed. */
export interface Change {
  before: TaskRow;
  after: TaskRow;
  /** Pending offers this change closed: their agents' reserved capacity is free again. */
  rescinded: { id: string; agent_id: string }[];
}

export interface Plan {
  set: Updateable<TasksTable>;
  events: EventInput[];
  /** More writes in the same transaction (e.g. presence). */
  also?: (trx: Transaction<DB>, after: TaskRow) => Promise<void>;
}

/** 409 naming the current state: illegal transitions and lost races answer alike. */
export const illegal = (t: Pick<TaskRow, 'state'>, message: string) => conflict(message, { state: t.state });

/**
 * Applies one lifecycle action to a task: checks the transition is legal from the current state,
 * writes the plan with a version check (two callers cannot both win), closes a pending offer the
 * change makes moot, and appends the events, all in one transaction.
 */
export async function changeTask(db: Kysely<DB>, t: TaskRow, action: TaskAction, plan: Plan): Promise<Change> {
  const legal = transition(t.state as TaskState, action);
  if (!legal.ok) throw illegal(t, legal.error);
  if (!plan.also && !db.isTransaction) return changeInOneStatement(db, t, plan);
  return db.transaction().execute(async (trx) => {
    const now = new Date();
    const after = await trx
      .updateTable('tasks')
      .set({ ...plan.set, updated_at: now, version: sql`version + 1` })
      .where('id', '=', t.id)
      .where('version', '=', t.version)
      .returningAll()
      .executeTakeFirst();
    if (!after) throw await lostRace(trx, t);
    const rescinded = closesOffer(t, after.state)
      ? await trx.updateTable('offers').set({ state: 'rescinded', closed_at: now }).where('task_id', '=', t.id).where('state', '=', 'pending').returning(['id', 'agent_id']).execute()
      : [];
    await appendEvents(trx, plan.events.map((e) => ({ taskId: t.id, ...e })));
    if (plan.also) await plan.also(trx, after);
    return { before: t, after, rescinded };
  });
}

/** A change out of "offered" closes the pending offer: its agent's reserved capacity is free again. */
const closesOffer = (t: TaskRow, next: string | undefined) => t.state === 'offered' && next !== undefined && next !== 'offered';

export async function lostRace(db: Kysely<DB>, t: Pick<TaskRow, 'id'>) {
  const cur = await db.selectFrom('tasks').select('state').where('id', '=', t.id).executeTakeFirstOrThrow();
  return illegal(cur, `The task changed meanwhile and is now ${cur.state}; reload and try again`);
}

/**
 * The same change as one statement (data-modifying CTEs: update with version check, close the
 * offer, append the events), which PostgreSQL runs atomically as its own transaction: one round
 * trip instead of five (BEGIN, UPDATE, UPDATE offers, INSERT events, COMMIT). Nothing is written
 * when the version check fails, since every other part reads from the update's result.
 */
async function changeInOneStatement(db: Kysely<DB>, t: TaskRow, plan: Plan): Promise<Change> {
  const now = new Date();
  const events = plan.events.map((e) => ({ type: e.type, actor: e.actor ?? null, task_id: e.taskId ?? t.id, user_id: e.userId ?? null, data: e.data ?? {} }));
  const rescind = closesOffer(t, plan.set.state as string | undefined);
  const q = db
    .with('upd', (qb) => qb.updateTable('tasks').set({ ...plan.set, updated_at: now, version: sql`version + 1` }).where('id', '=', t.id).where('version', '=', t.version).returningAll())
    .with('rescind', (qb) =>
      qb.updateTable('offers').set({ state: 'rescinded', closed_at: now })
        .where('task_id', 'in', qb.selectFrom('upd').select('id').where(sql.lit(rescind)))
        .where('state', '=', 'pending')
        .returning(['id', 'agent_id']))
    .with('ev', (qb) =>
      qb.insertInto('events').columns(['type', 'actor', 'task_id', 'user_id', 'data']).expression(sql`
        select e.type, e.actor, e.task_id, e.user_id, e.data
        from rows from (jsonb_to_recordset(${json(events)}::jsonb) as (type text, actor text, task_id text, user_id text, data jsonb)) with ordinality as e(type, actor, task_id, user_id, data, n)
        where exists (select 1 from upd) order by e.n`))
    .selectFrom('upd')
    .selectAll('upd')
    .select(sql<{ id: string; agent_id: string }[]>`(select coalesce(json_agg(json_build_object('id', r.id, 'agent_id', r.agent_id)), '[]'::json) from rescind r)`.as('__rescinded'));
  const row = await q.executeTakeFirst();
  if (!row) throw await lostRace(db, t);
  const { __rescinded: rescinded, ...after } = row;
  return { before: t, after: after as TaskRow, rescinded };
}

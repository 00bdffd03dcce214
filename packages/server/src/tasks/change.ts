import { sql, type Kysely, type Transaction, type Updateable } from 'kysely';
import { transition, type TaskAction, type TaskState } from '@worklane/core';
import type { DB, TaskRow, TasksTable } from '../db/schema.js';
import { appendEvents, type EventInput } from '../events/append.js';
import { conflict, notFound } from '../http/problems.js';

export async function loadTask(db: Kysely<DB>, id: string): Promise<TaskRow> {
  const t = await db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
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
  return db.transaction().execute(async (trx) => {
    const now = new Date();
    const after = await trx
      .updateTable('tasks')
      .set({ ...plan.set, updated_at: now, version: sql`version + 1` })
      .where('id', '=', t.id)
      .where('version', '=', t.version)
      .returningAll()
      .executeTakeFirst();
    if (!after) {
      const cur = await trx.selectFrom('tasks').select('state').where('id', '=', t.id).executeTakeFirstOrThrow();
      throw illegal(cur, `The task changed meanwhile and is now ${cur.state}; reload and try again`);
    }
    const rescinded =
      t.state === 'offered' && after.state !== 'offered'
        ? await trx.updateTable('offers').set({ state: 'rescinded', closed_at: now }).where('task_id', '=', t.id).where('state', '=', 'pending').returning(['id', 'agent_id']).execute()
        : [];
    await appendEvents(trx, plan.events.map((e) => ({ taskId: t.id, ...e })));
    if (plan.also) await plan.also(trx, after);
    return { before: t, after, rescinded };
  });
}

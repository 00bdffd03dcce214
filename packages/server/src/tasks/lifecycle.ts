import { sql, type Kysely } from 'kysely';
import type { DB, TaskRow } from '../db/schema.js';
import type { ConfigCache } from '../config/cache.js';
import type { Principal } from '../auth/principal.js';
import { actorOf } from '../auth/principal.js';
import { appendEvents } from '../events/append.js';
import { conflict, forbidden, notFound, unprocessable } from '../http/problems.js';

/** Who may act on a task as its worker: the assignee, or a supervisor/admin, or a tasks:write key. */
function mayWork(p: Principal, t: TaskRow): boolean {
  if (p.kind === 'api-key') return p.scopes.includes('tasks:write') || p.scopes.includes('admin');
  return t.assignee_id === p.id || p.roles.includes('supervisor') || p.roles.includes('admin');
}

export async function loadTask(db: Kysely<DB>, id: string): Promise<TaskRow> {
  const t = await db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
  if (!t) throw notFound(`Task ${id}`);
  return t;
}

export interface Finished {
  before: TaskRow;
  after: TaskRow;
  /** Pending offers this finish closed: their agents' reserved capacity is free again. */
  rescinded: { id: string; agent_id: string }[];
}

/** Moves a task to a final state, with a version check so two callers cannot both win. */
async function finish(
  db: Kysely<DB>,
  t: TaskRow,
  from: string[],
  set: { state: 'completed' | 'canceled'; wrap_up_code?: string | null; note?: string | null },
  event: { type: string; actor: string | null; data: Record<string, unknown> },
): Promise<Finished> {
  if (!from.includes(t.state)) throw conflict(`Task is ${t.state}; it cannot become ${set.state}`, { state: t.state });
  return db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('tasks')
      .set({ ...set, completed_at: new Date(), updated_at: new Date(), version: sql`version + 1` })
      .where('id', '=', t.id)
      .where('version', '=', t.version)
      .returningAll()
      .executeTakeFirst();
    if (!done) {
      const cur = await trx.selectFrom('tasks').select('state').where('id', '=', t.id).executeTakeFirstOrThrow();
      throw conflict(`Task changed meanwhile and is now ${cur.state}`, { state: cur.state });
    }
    const rescinded =
      t.state === 'offered'
        ? await trx.updateTable('offers').set({ state: 'rescinded', closed_at: new Date() }).where('task_id', '=', t.id).where('state', '=', 'pending').returning(['id', 'agent_id']).execute()
        : [];
    await appendEvents(trx, [{ type: event.type, actor: event.actor, taskId: t.id, userId: t.assignee_id, data: event.data }]);
    return { before: t, after: done, rescinded };
  });
}

export async function completeTask(
  db: Kysely<DB>,
  config: ConfigCache,
  p: Principal,
  id: string,
  body: { wrapUpCode?: string; note?: string },
): Promise<Finished> {
  const t = await loadTask(db, id);
  if (!mayWork(p, t)) throw forbidden('Only the assignee or a supervisor can complete this task');
  const wt = config.snapshot.worktypes.get(t.worktype);
  if (body.wrapUpCode !== undefined && wt && !wt.wrapUpCodes.includes(body.wrapUpCode))
    throw unprocessable('/wrapUpCode', `"${body.wrapUpCode}" is not a wrap-up code of worktype "${t.worktype}" (allowed: ${wt.wrapUpCodes.join(', ')})`);
  if (body.wrapUpCode === undefined && wt?.requireWrapUp) throw unprocessable('/wrapUpCode', `worktype "${t.worktype}" requires a wrap-up code`);
  return finish(
    db,
    t,
    ['assigned', 'wrap-up'],
    { state: 'completed', wrap_up_code: body.wrapUpCode ?? null, note: body.note ?? null },
    { type: 'task.completed', actor: actorOf(p), data: { wrapUpCode: body.wrapUpCode ?? null, note: body.note ?? null, agent: t.assignee_id } },
  );
}

export async function cancelTask(db: Kysely<DB>, p: Principal, id: string, reason: string): Promise<Finished> {
  const t = await loadTask(db, id);
  if (!mayWork(p, t)) throw forbidden('Only the assignee or a supervisor can cancel this task');
  return finish(db, t, ['queued', 'offered', 'assigned', 'wrap-up', 'scheduled', 'paused'], { state: 'canceled' }, {
    type: 'task.canceled',
    actor: actorOf(p),
    data: { reason },
  });
}

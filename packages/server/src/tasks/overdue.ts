import { sql, type Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { DB, TaskRow } from '../db/schema.js';
import type { Services } from '../services.js';
import { DueWorker } from './due-worker.js';
import { appendEvents } from '../events/append.js';
import { taskDto } from './dto.js';
import { supervisorsOf } from '../auth/supervision.js';

/** Work in someone's hands (held, wrapping up, paused): waiting work has the queues' exception rules. */
const IN_HAND = sql.raw(`state in ('assigned', 'wrap-up', 'paused')`);
const BATCH = 200;
/** Offers accepted and auto-answers do not pass through `arm` (the hot path): a look this often finds them. */
const LOOK_MS = 15_000;
export const OVERDUE_ACTOR = 'system:due';

/**
 * Work in hand past its due time: once per task, a `task.overdue` event, an alert to whoever
 * supervises it and to the person who has it. Waiting work is the exception rules' (dueUsedPercent);
 * this is for what sits with someone, paused or not, while its time runs out. Which tasks were told
 * lives in `task_overdue`, and the due times in the database (partial index), so a restart re-arms
 * and tells nobody twice.
 */
export class OverdueWatch extends DueWorker {
  constructor(db: Kysely<DB>, log: FastifyBaseLogger) {
    super(db, log, 'telling of overdue work', LOOK_MS);
  }

  /** A task in hand with this due time was written. */
  arm(t: Pick<TaskRow, 'state' | 'due_at'>): void {
    if (t.state === 'assigned' || t.state === 'wrap-up' || t.state === 'paused') this.ensure(t.due_at);
  }

  protected async nextAt(): Promise<Date | null> {
    const { rows } = await sql<{ at: Date | null }>`
      select min(due_at) as at from tasks t where due_at is not null and ${IN_HAND}
        and not exists (select 1 from task_overdue o where o.task_id = t.id)`.execute(this.db);
    return rows[0]?.at ?? null;
  }

  protected async due(s: Services): Promise<void> {
    for (;;) {
      const told = await this.db.transaction().execute(async (trx) => {
        const { rows } = await sql<TaskRow>`
          with due as (
            insert into task_overdue (task_id)
            select id from tasks t where due_at is not null and due_at <= ${new Date()} and ${IN_HAND}
              and not exists (select 1 from task_overdue o where o.task_id = t.id)
            order by due_at limit ${BATCH}
            on conflict do nothing returning task_id)
          select t.* from tasks t join due on due.task_id = t.id`.execute(trx);
        await appendEvents(trx, rows.map((t) => ({ type: 'task.overdue', actor: OVERDUE_ACTOR, taskId: t.id, userId: t.assignee_id, data: { dueAt: t.due_at!.toISOString(), state: t.state, agent: t.assignee_id } })));
        return rows;
      });
      const ids = [...new Set(told.flatMap((t) => (t.assignee_id ? [t.assignee_id] : [])))];
      const names = new Map(ids.length ? (await this.db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute()).map((u) => [u.id, u.name]) : []);
      for (const t of told) this.tell(s, t, t.assignee_id ? (names.get(t.assignee_id) ?? 'its agent') : null);
      if (told.length < BATCH) break;
    }
  }

  private tell(s: Services, t: TaskRow, who: string | null): void {
    const message = `Task "${t.title}" is past its due time (${t.state === 'paused' ? `paused: ${t.paused_reason ?? 'waiting'}` : `with ${who ?? 'nobody'}`})`;
    s.hub.toSupervisors({ type: 'alert', level: 'warning', message, taskId: t.id, task: taskDto(t) }, supervisorsOf(s.config, t));
    if (t.assignee_id) s.hub.toUser(t.assignee_id, { type: 'alert', level: 'warning', message: `"${t.title}" is past its due time`, taskId: t.id });
  }
}

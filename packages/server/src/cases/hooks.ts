import type { Services } from '../services.js';
import type { Change } from '../tasks/change.js';
import { applyEffects, noEffects } from './effects.js';
import { applyTaskOutcome } from './procedure.js';

/**
 * Called after a task's completion is committed: if it belongs to a case's procedure, the
 * procedure moves on (next step, escalation, send-back, close). Its own transaction, guarded so
 * it applies once; a crash in between is caught up at the next start (recoverOutcomes).
 */
export async function onTaskFinished(s: Services, change: Change): Promise<void> {
  if (!change.after.case_id) return;
  await advance(s, change.after.id);
}

async function advance(s: Services, taskId: string): Promise<void> {
  const fx = noEffects();
  try {
    await s.db.transaction().execute((trx) => applyTaskOutcome(s, trx, taskId, fx));
  } catch (err) {
    // The task's own change is committed and answered; the case waits for the next attempt.
    s.dispatcher.log.error({ err, taskId }, 'applying a case task outcome failed');
    s.hub.toSupervisors({ type: 'alert', level: 'error', message: `A case did not move on after task ${taskId}: ${(err as Error).message}`, taskId });
    return;
  }
  applyEffects(s, fx);
}

/** Finished procedure tasks whose outcome was never applied (a crash, a failed attempt): apply them now. */
export async function recoverOutcomes(s: Services): Promise<number> {
  const rows = await s.db
    .selectFrom('case_tasks as k')
    .innerJoin('tasks as t', 't.id', 'k.task_id')
    .select('k.task_id')
    .where('k.finished_at', 'is', null)
    .where('t.state', 'in', ['completed', 'canceled'])
    .orderBy('t.completed_at')
    .execute();
  for (const r of rows) await advance(s, r.task_id);
  return rows.length;
}

import { randomUUID } from 'node:crypto';
import { supervisesPerson } from '@worklane/core';
import type { Services } from '../services.js';
import type { UserPrincipal } from '../auth/principal.js';
import { supervisionFor } from '../auth/supervision.js';
import { Problem, forbidden, unprocessable, type FieldError } from '../http/problems.js';
import { appendEvents } from '../events/append.js';
import { questionnaireOf } from './config.js';
import { assignedEvent, scorecardRow } from './planner.js';
import type { ScorecardRow } from './scorecards.js';

export interface AssignInput {
  taskId: string;
  questionnaire: string;
  /** Users (id or e-mail); none: the caller. Two or more: a calibration. */
  evaluators?: string[];
  acknowledge?: boolean;
}

/**
 * A supervisor picks finished work to evaluate: one scorecard per evaluator, all of one
 * calibration when there are several (each scores alone; the calibration compares them).
 */
export async function assignScorecards(s: Services, p: UserPrincipal, input: AssignInput): Promise<{ rows: ScorecardRow[]; calibration: string | null }> {
  const form = await s.db.selectFrom('questionnaires').selectAll().where('id', '=', input.questionnaire).executeTakeFirst();
  if (!form) throw unprocessable('/questionnaire', `unknown questionnaire "${input.questionnaire}"`);
  const q = questionnaireOf(form);
  if (q.published === false) throw unprocessable('/questionnaire', 'this questionnaire is a draft: publish it first');
  const task = await s.db.selectFrom('tasks').select(['id', 'state', 'assignee_id']).where('id', '=', input.taskId).executeTakeFirst();
  if (!task) throw unprocessable('/taskId', `no task "${input.taskId}"`);
  if (task.state !== 'completed' || !task.assignee_id) throw unprocessable('/taskId', `only work someone completed is evaluated (this task is ${task.state})`);
  const agent = task.assignee_id;
  if (!supervisesPerson(supervisionFor(s, p), agent)) throw forbidden('You evaluate the work of the people you supervise');
  const refs = input.evaluators?.length ? input.evaluators : [p.id];
  const users = await s.db.selectFrom('users').select(['id', 'email', 'disabled'])
    .where((eb) => eb.or([eb('id', 'in', refs), eb(eb.fn('lower', ['email']), 'in', refs.map((x) => x.toLowerCase()))])).execute();
  const errors: FieldError[] = [];
  const evaluators = refs.map((ref, j) => {
    const u = users.find((x) => x.id === ref || x.email.toLowerCase() === ref.toLowerCase());
    const pointer = `/evaluators/${j}`;
    if (!u || u.disabled) errors.push({ pointer, message: `unknown user "${ref}"`, in: 'body' });
    else if (u.id === agent) errors.push({ pointer, message: 'nobody evaluates their own work', in: 'body' });
    return u?.id ?? '';
  });
  if (new Set(evaluators).size !== evaluators.length) errors.push({ pointer: '/evaluators', message: 'each evaluator once', in: 'body' });
  if (errors.length) throw new Problem(422, 'Unprocessable request', errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), errors);
  const calibration = evaluators.length > 1 ? randomUUID() : null;
  const rows = evaluators.map((e) => scorecardRow(task.id, agent, e, q, { ...(calibration ? { calibration } : {}), needsAck: !calibration && (input.acknowledge ?? false), by: `user:${p.id}` }));
  const saved = await s.db.transaction().execute(async (trx) => {
    const out = await trx.insertInto('scorecards').values(rows).returningAll().execute();
    await appendEvents(trx, rows.map((r) => assignedEvent(r, `user:${p.id}`)));
    return out;
  });
  for (const e of evaluators) s.hub.toUser(e, { type: 'scorecards.changed' });
  return { rows: saved, calibration };
}

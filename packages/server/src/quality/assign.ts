import { randomUUID } from 'node:crypto';
import { supervisesPerson } from '@worklane/core';
import type { Services } from '../services.js';
import type { UserPrincipal } from '../auth/principal.js';
import { supervisionFor } from '../auth/supervision.js';
import { Problem, conflict, forbidden, unprocessable, type FieldError } from '../http/problems.js';
import { appendEvents } from '../events/append.js';
import { questionnaireOf } from './config.js';
import { assignedEvent, scorecardRow } from './planner.js';
import { OPEN_STATES, type ScorecardRow } from './scorecards.js';

export interface AssignInput {
  taskId: string;
  questionnaire: string;
  /** Users (id or e-mail); none: the caller. Two or more: a calibration. */
  evaluators?: string[];
  acknowledge?: boolean;
}

/** The users named as evaluators (ids or e-mails), or a 422 naming each one that is unknown, disabled or the agent. */
async function evaluatorsNamed(s: Services, refs: string[], agent: string, pointerOf: (j: number) => string): Promise<string[]> {
  const users = await s.db.selectFrom('users').select(['id', 'email', 'disabled'])
    .where((eb) => eb.or([eb('id', 'in', refs), eb(eb.fn('lower', ['email']), 'in', refs.map((x) => x.toLowerCase()))])).execute();
  const errors: FieldError[] = [];
  const ids = refs.map((ref, j) => {
    const u = users.find((x) => x.id === ref || x.email.toLowerCase() === ref.toLowerCase());
    if (!u || u.disabled) errors.push({ pointer: pointerOf(j), message: `unknown user "${ref}"`, in: 'body' });
    else if (u.id === agent) errors.push({ pointer: pointerOf(j), message: 'nobody evaluates their own work', in: 'body' });
    return u?.id ?? '';
  });
  if (new Set(ids).size !== ids.length) errors.push({ pointer: '/evaluators', message: 'each evaluator once', in: 'body' });
  if (errors.length) throw new Problem(422, 'Unprocessable request', errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), errors);
  return ids;
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
  const evaluators = await evaluatorsNamed(s, input.evaluators?.length ? input.evaluators : [p.id], agent, (j) => `/evaluators/${j}`);
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

/**
 * A supervisor hands a scorecard not finished yet to another evaluator (one who left, or one with
 * fewer to do); the answers saved so far stay with it. In a calibration, never to one who already
 * scores the same work.
 */
export async function reassignScorecard(s: Services, p: UserPrincipal, row: ScorecardRow, ref: string): Promise<ScorecardRow> {
  if (!OPEN_STATES.includes(row.state)) throw conflict(`The scorecard is ${row.state}: only one not finished is reassigned`, { state: row.state });
  const [evaluator] = await evaluatorsNamed(s, [ref], row.agent_id, () => '/evaluator');
  if (evaluator === row.evaluator_id) throw unprocessable('/evaluator', 'already its evaluator');
  const out = await s.db.transaction().execute(async (trx) => {
    if (row.calibration) {
      const taken = await trx.selectFrom('scorecards').select('id').where('calibration', '=', row.calibration).where('evaluator_id', '=', evaluator!).executeTakeFirst();
      if (taken) throw unprocessable('/evaluator', 'already scores this work in the calibration');
    }
    const moved = await trx.updateTable('scorecards').set({ evaluator_id: evaluator!, updated_at: new Date() })
      .where('id', '=', row.id).where('state', 'in', OPEN_STATES).returningAll().executeTakeFirst();
    if (!moved) throw conflict('The scorecard was finished meanwhile');
    await appendEvents(trx, [{ type: 'scorecard.reassigned', actor: `user:${p.id}`, userId: evaluator!, data: { scorecard: row.id, task: row.task_id, agent: row.agent_id, from: row.evaluator_id } }]);
    return moved;
  });
  for (const e of [row.evaluator_id, evaluator!]) s.hub.toUser(e, { type: 'scorecards.changed' });
  return out;
}

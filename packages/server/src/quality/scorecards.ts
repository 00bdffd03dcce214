import type { ExpressionBuilder, Selectable } from 'kysely';
import { checkAnswers, scoreAnswers, supervisesPerson, type GivenAnswers } from '@worklane/core';
import { json, type DB, type ScorecardsTable } from '../db/schema.js';
import type { Services } from '../services.js';
import type { UserPrincipal } from '../auth/principal.js';
import { supervisionFor } from '../auth/supervision.js';
import { Problem, conflict, forbidden, notFound } from '../http/problems.js';
import { appendEvents } from '../events/append.js';

export type ScorecardRow = Selectable<ScorecardsTable>;
/** Not finished yet (the evaluator's to fill in), and finished (the agent's to read). */
export const OPEN_STATES: readonly string[] = ['assigned', 'in-progress'];
export const DONE_STATES: readonly string[] = ['finished', 'acknowledged'];
/** What the agent evaluated sees: finished ones, and those they dispute (out of the figures until decided). */
const AGENT_STATES: readonly string[] = [...DONE_STATES, 'disputed'];

const seesAll = (p: UserPrincipal) => p.roles.includes('admin') || p.roles.includes('analyst');

/**
 * Who sees a scorecard: admins and analysts all; its evaluator; its agent once it is finished
 * (never a draft, never a calibration: that one aligns the evaluators, it does not judge the agent);
 * a supervisor the scorecards of the people they supervise.
 */
export function seesScorecard(s: Services, p: UserPrincipal, r: Pick<ScorecardRow, 'agent_id' | 'evaluator_id' | 'state' | 'calibration'>): boolean {
  if (seesAll(p) || r.evaluator_id === p.id) return true;
  if (r.agent_id === p.id) return AGENT_STATES.includes(r.state) && r.calibration === null;
  return p.roles.includes('supervisor') && supervisesPerson(supervisionFor(s, p), r.agent_id);
}

/** The same rule as a filter on lists. */
export function visibleScorecards(s: Services, p: UserPrincipal) {
  return (eb: ExpressionBuilder<DB, 'scorecards'>) => {
    if (seesAll(p)) return eb.lit(true);
    const own = [eb('evaluator_id', '=', p.id), eb.and([eb('agent_id', '=', p.id), eb('state', 'in', AGENT_STATES), eb('calibration', 'is', null)])];
    if (!p.roles.includes('supervisor')) return eb.or(own);
    const sup = supervisionFor(s, p);
    if (sup.all) return eb.lit(true);
    const people = [...sup.people].filter((id) => id !== p.id);
    return eb.or(people.length ? [...own, eb('agent_id', 'in', people)] : own);
  };
}

export async function loadScorecard(s: Services, p: UserPrincipal, id: string): Promise<ScorecardRow> {
  const r = await s.db.selectFrom('scorecards').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r || !seesScorecard(s, p, r)) throw notFound(`Scorecard ${id}`);
  return r;
}

function mustScore(p: UserPrincipal, r: ScorecardRow): void {
  if (r.evaluator_id !== p.id) throw forbidden('Only its evaluator fills in a scorecard');
  if (!OPEN_STATES.includes(r.state)) throw conflict(`The scorecard is ${r.state}`, { state: r.state });
}

function checked(r: ScorecardRow, answers: GivenAnswers): void {
  const bad = checkAnswers(r.questionnaire, answers);
  if (bad.length) throw new Problem(422, 'Unprocessable request', bad.map((b) => `${b.pointer}: ${b.message}`).join('; '), bad.map((b) => ({ ...b, in: 'body' })));
}

/**
 * Saves the evaluator's progress: answers merged over those saved (the row locked meanwhile: the
 * page saves each pick at once, and two quick picks must not drop one another), score so far.
 */
export async function saveAnswers(s: Services, p: UserPrincipal, r: ScorecardRow, answers: GivenAnswers, comment: string | undefined): Promise<ScorecardRow> {
  mustScore(p, r);
  checked(r, answers);
  return s.db.transaction().execute(async (trx) => {
    const cur = await trx.selectFrom('scorecards').selectAll().where('id', '=', r.id).forUpdate().executeTakeFirst();
    if (!cur) throw notFound(`Scorecard ${r.id}`);
    mustScore(p, cur);
    const merged = { ...cur.answers, ...answers };
    const score = scoreAnswers(cur.questionnaire, merged);
    return trx.updateTable('scorecards')
      .set({ answers: json(merged), ...(comment !== undefined ? { comment: comment || null } : {}), percent: score.percent, band: score.band, critical_failed: score.criticalFailed.length > 0, state: 'in-progress', updated_at: new Date() })
      .where('id', '=', r.id)
      .returningAll().executeTakeFirstOrThrow();
  });
}

/** Finishes it: every question answered (or not applicable); the agent told, and asked to acknowledge when the plan or evaluator says so. */
export async function finishScorecard(s: Services, p: UserPrincipal, r: ScorecardRow, o: { answers?: GivenAnswers; comment?: string; acknowledge?: boolean }): Promise<ScorecardRow> {
  mustScore(p, r);
  const answers = { ...r.answers, ...(o.answers ?? {}) };
  checked(r, answers);
  const score = scoreAnswers(r.questionnaire, answers);
  if (score.unanswered.length) {
    const errors = score.unanswered.map((q) => ({ pointer: `/answers/${q}`, message: 'not answered', in: 'body' as const }));
    throw new Problem(422, 'Unprocessable request', `${errors.length} question(s) not answered`, errors);
  }
  const done = await s.db.transaction().execute(async (trx) => {
    const row = await trx.updateTable('scorecards')
      .set({
        answers: json(answers), ...(o.comment !== undefined ? { comment: o.comment || null } : {}), percent: score.percent, band: score.band,
        critical_failed: score.criticalFailed.length > 0, needs_ack: o.acknowledge ?? r.needs_ack, state: 'finished', finished_at: new Date(), updated_at: new Date(),
      })
      .where('id', '=', r.id).where('state', 'in', OPEN_STATES).returningAll().executeTakeFirst();
    if (!row) throw conflict('The scorecard changed meanwhile: read it again');
    const task = await trx.selectFrom('tasks').select('queue_id').where('id', '=', r.task_id).executeTakeFirst();
    await appendEvents(trx, [{
      // A calibration's scorecards are not the agent's: not in the task's history, not in their figures (facts-sql).
      type: 'scorecard.finished', actor: `user:${p.id}`, taskId: r.calibration ? null : r.task_id, userId: r.agent_id,
      data: { scorecard: r.id, agent: r.agent_id, evaluator: p.id, queue: task?.queue_id ?? null, questionnaire: r.questionnaire_id, percent: score.percent, band: score.band, calibration: r.calibration },
    }]);
    return row;
  });
  if (!r.calibration) s.hub.toUser(r.agent_id, { type: 'scorecards.changed' });
  return done;
}

/** The agent signs the finished scorecard off, with what they have to say. */
export async function acknowledgeScorecard(s: Services, p: UserPrincipal, r: ScorecardRow, comment: string | undefined): Promise<ScorecardRow> {
  if (r.agent_id !== p.id) throw forbidden('Only the agent evaluated acknowledges a scorecard');
  if (r.state !== 'finished') throw conflict(`The scorecard is ${r.state}`, { state: r.state });
  const row = await s.db.transaction().execute(async (trx) => {
    const row = await trx.updateTable('scorecards').set({ state: 'acknowledged', agent_comment: comment || null, acknowledged_at: new Date(), updated_at: new Date() })
      .where('id', '=', r.id).where('state', '=', 'finished').returningAll().executeTakeFirst();
    if (!row) throw conflict('The scorecard changed meanwhile: read it again');
    await appendEvents(trx, [{ type: 'scorecard.acknowledged', actor: `user:${p.id}`, taskId: r.task_id, userId: r.agent_id, data: { scorecard: r.id, evaluator: r.evaluator_id, comment: comment || null } }]);
    return row;
  });
  s.hub.toUser(r.evaluator_id, { type: 'scorecards.changed' });
  return row;
}

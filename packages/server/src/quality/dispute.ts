import { decideDispute, supervisesPerson, whyNoDispute, type DisputeOutcome, type GivenAnswers } from '@worklane/core';
import type { Transaction } from 'kysely';
import { json, type DB } from '../db/schema.js';
import type { Services } from '../services.js';
import type { Role, UserPrincipal } from '../auth/principal.js';
import { supervisionIn } from '../auth/supervision.js';
import { Problem, conflict, forbidden } from '../http/problems.js';
import { appendEvents } from '../events/append.js';
import type { ScorecardRow } from './scorecards.js';

const time = (d: Date | null) => (d ? new Date(d).getTime() : null);

/**
 * The agent contests the finished scorecard with their reason (core `whyNoDispute`: once, within
 * the days allowed, not once signed off). It leaves the quality figures until decided
 * (`scorecard.revoked`); its evaluator and whoever may decide hear of it.
 */
export async function disputeScorecard(s: Services, p: UserPrincipal, r: ScorecardRow, reason: string, now = Date.now()): Promise<ScorecardRow> {
  if (r.agent_id !== p.id) throw forbidden('Only the agent evaluated disputes a scorecard');
  const why = whyNoDispute({ state: r.state, finishedAt: time(r.finished_at), disputedAt: time(r.disputed_at), calibration: r.calibration }, now);
  if (why) throw conflict(`This scorecard cannot be disputed: ${why}`, { state: r.state });
  const row = await s.db.transaction().execute(async (trx) => {
    const row = await trx.updateTable('scorecards').set({ state: 'disputed', dispute_reason: reason, disputed_at: new Date(now), updated_at: new Date(now) })
      .where('id', '=', r.id).where('state', '=', 'finished').where('disputed_at', 'is', null).returningAll().executeTakeFirst();
    if (!row) throw conflict('The scorecard changed meanwhile: read it again');
    const figures = await figuresOf(trx, r);
    await appendEvents(trx, [
      { type: 'scorecard.disputed', actor: `user:${p.id}`, taskId: r.task_id, userId: r.agent_id, data: { scorecard: r.id, evaluator: r.evaluator_id, percent: r.percent, reason } },
      // Out of the agent's figures until decided (the reports count `scorecard.revoked` as one less).
      { type: 'scorecard.revoked', actor: `user:${p.id}`, taskId: r.task_id, userId: r.agent_id, data: { ...figures, percent: r.percent, band: r.band } },
    ]);
    return row;
  });
  s.hub.toUser(r.evaluator_id, { type: 'scorecards.changed' });
  const name = (await s.db.selectFrom('users').select('name').where('id', '=', r.agent_id).executeTakeFirst())?.name ?? 'An agent';
  const decides = (userId: string, roles: readonly Role[]) => userId !== r.agent_id && (roles.includes('admin') || supervisesPerson(supervisionIn(s.config.snapshot, userId, roles), r.agent_id));
  s.hub.toSupervisors({ type: 'scorecards.changed' }, decides);
  s.hub.toSupervisors({ type: 'alert', level: 'info', message: `${name} disputes a scorecard (${Math.round(r.percent ?? 0)} %): see Quality → Disputes` }, decides);
  return row;
}

/** What the reports read of a scorecard's events besides the score: whose, by whom, in which queue. */
async function figuresOf(trx: Transaction<DB>, r: ScorecardRow) {
  const task = await trx.selectFrom('tasks').select('queue_id').where('id', '=', r.task_id).executeTakeFirst();
  return { scorecard: r.id, agent: r.agent_id, evaluator: r.evaluator_id, queue: task?.queue_id ?? null, questionnaire: r.questionnaire_id, calibration: null };
}

/**
 * Someone who may plan evaluations for the agent, other than the evaluator, decides the dispute:
 * upheld (the score stands) or revised (core `decideDispute`: the changed answers scored again),
 * with a comment the agent reads. The scorecard is finished again and back in the figures with
 * the score decided (`scorecard.finished` again, counted when decided).
 */
export async function resolveDispute(s: Services, p: UserPrincipal, r: ScorecardRow, o: { outcome: DisputeOutcome; comment: string; answers?: GivenAnswers }): Promise<ScorecardRow> {
  if (r.agent_id === p.id || r.evaluator_id === p.id) throw forbidden('A dispute is decided by someone other than the agent and the evaluator');
  if (!p.roles.includes('admin') && !supervisesPerson(supervisionIn(s.config.snapshot, p.id, p.roles), r.agent_id)) throw forbidden('Only an administrator or a supervisor of the agent decides a dispute');
  if (r.state !== 'disputed') throw conflict(`The scorecard is ${r.state}: only a disputed one is decided`, { state: r.state });
  const d = decideDispute(r.questionnaire, r.answers, o.outcome, o.answers);
  if (!d.ok) throw new Problem(422, 'Unprocessable request', d.problems.map((b) => `${b.pointer}: ${b.message}`).join('; '), d.problems.map((b) => ({ ...b, in: 'body' as const })));
  const row = await s.db.transaction().execute(async (trx) => {
    const now = new Date();
    const row = await trx.updateTable('scorecards')
      .set({
        state: 'finished', answers: json(d.answers), percent: d.score.percent, band: d.score.band, critical_failed: d.score.criticalFailed.length > 0,
        dispute_outcome: o.outcome, dispute_comment: o.comment, resolved_by: p.id, resolved_at: now, percent_before: r.percent, updated_at: now,
      })
      .where('id', '=', r.id).where('state', '=', 'disputed').returningAll().executeTakeFirst();
    if (!row) throw conflict('The scorecard changed meanwhile: read it again');
    await appendEvents(trx, [
      { type: 'scorecard.dispute-resolved', actor: `user:${p.id}`, taskId: r.task_id, userId: r.agent_id, data: { scorecard: r.id, outcome: o.outcome, comment: o.comment, percentBefore: r.percent, percent: d.score.percent } },
      // Back in the agent's figures with the score decided.
      { type: 'scorecard.finished', actor: `user:${p.id}`, taskId: r.task_id, userId: r.agent_id, data: { ...(await figuresOf(trx, r)), percent: d.score.percent, band: d.score.band, dispute: o.outcome } },
    ]);
    return row;
  });
  s.hub.toUser(r.agent_id, { type: 'scorecards.changed' });
  s.hub.toUser(r.evaluator_id, { type: 'scorecards.changed' });
  return row;
}

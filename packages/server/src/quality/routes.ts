import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DISPUTE_DAYS, DISPUTE_OUTCOMES, calibrate, disputesByEvaluator, summarizeGroups, type DisputeOutcome, type GivenAnswers } from '@worklane/core';
import type { Services } from '../services.js';
import { IdParams } from '../http/schemas.js';
import { requireUser } from '../auth/guard.js';
import { conflict, notFound } from '../http/problems.js';
import { periodOf } from '../http/period.js';
import { appendEvents } from '../events/append.js';
import { scorecardDtos } from './dto.js';
import { assignScorecards, reassignScorecard } from './assign.js';
import { disputeScorecard, resolveDispute } from './dispute.js';
import { DONE_STATES, OPEN_STATES, acknowledgeScorecard, finishScorecard, loadScorecard, saveAnswers, seesScorecard, visibleScorecards, type ScorecardRow } from './scorecards.js';

const tags = ['quality'];
const strict = { additionalProperties: false } as const;
const STATES = ['assigned', 'in-progress', 'finished', 'acknowledged', 'disputed'] as const;
const Answers = Type.Record(
  Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,62}$' }),
  Type.Object({ answer: Type.Optional(Type.String({ maxLength: 100 })), na: Type.Optional(Type.Boolean()), comment: Type.Optional(Type.String({ maxLength: 2000 })) }, strict),
  { maxProperties: 3000, description: 'by question id: the answer label picked, or na: true; a comment' },
);
const Comment = Type.Optional(Type.String({ maxLength: 4000 }));
const PEOPLE = { roles: 'any' as const };
const EVALUATION_PLANNERS = { roles: ['supervisor' as const] };
const OVERSEERS = { roles: ['supervisor' as const, 'analyst' as const] };
/** Scorecards read for the group details at most (the newest are left out beyond; the answer says so). */
const GROUP_CARDS = 10_000;

/** Quality management: scorecards (assign, fill in, finish, acknowledge) and calibrations. People only. */
export async function qualityRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const one = async (row: ScorecardRow) => (await scorecardDtos(s.db, [row], true))[0]!;

  r.get('/api/v1/scorecards', {
    config: { auth: PEOPLE },
    schema: {
      tags,
      summary: 'Scorecards the caller may see, newest first: as evaluator, as the agent evaluated (finished ones), or as their supervisor',
      querystring: Type.Object({
        evaluator: Type.Optional(Type.String({ maxLength: 200, description: "a user id, or 'me'" })),
        agent: Type.Optional(Type.String({ maxLength: 200, description: "a user id, or 'me'" })),
        state: Type.Optional(Type.String({ pattern: `^(${STATES.join('|')})(,(${STATES.join('|')}))*$`, description: 'comma-separated states' })),
        calibration: Type.Optional(Type.String({ maxLength: 200 })),
        task: Type.Optional(Type.String({ maxLength: 200 })),
        limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: '1..500, default 100' })),
      }, strict),
    },
  }, async (request) => {
    const p = requireUser(request);
    const q = request.query;
    const me = (v: string | undefined) => (v === 'me' ? p.id : v);
    let sel = s.db.selectFrom('scorecards').selectAll().where(visibleScorecards(s, p));
    if (q.evaluator) sel = sel.where('evaluator_id', '=', me(q.evaluator)!);
    if (q.agent) sel = sel.where('agent_id', '=', me(q.agent)!);
    if (q.state) sel = sel.where('state', 'in', q.state.split(','));
    if (q.calibration) sel = sel.where('calibration', '=', q.calibration);
    if (q.task) sel = sel.where('task_id', '=', q.task);
    const rows = await sel.orderBy('assigned_at', 'desc').orderBy('id').limit(Math.min(Math.max(Number(q.limit ?? 100), 1), 500)).execute();
    return { items: await scorecardDtos(s.db, rows) };
  });

  r.post('/api/v1/scorecards', {
    config: { auth: EVALUATION_PLANNERS },
    schema: {
      tags,
      summary: 'Evaluate finished work: one scorecard per evaluator (none given: yourself); two or more evaluators make a calibration',
      body: Type.Object({
        taskId: Type.String({ minLength: 1, maxLength: 200 }),
        questionnaire: Type.String({ minLength: 1, maxLength: 63 }),
        evaluators: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 320 }), { maxItems: 20 })),
        acknowledge: Type.Optional(Type.Boolean({ description: 'the agent must acknowledge the finished scorecard' })),
      }, strict),
    },
  }, async (request, reply) => {
    const { rows, calibration } = await assignScorecards(s, requireUser(request), request.body);
    return reply.code(201).send({ calibration, items: await scorecardDtos(s.db, rows) });
  });

  r.get('/api/v1/scorecards/:id', {
    config: { auth: PEOPLE },
    schema: { tags, summary: 'One scorecard: the questionnaire as assigned, the answers, the score per group', params: IdParams },
  }, async (request) => one(await loadScorecard(s, requireUser(request), request.params.id)));

  r.put('/api/v1/scorecards/:id/answers', {
    config: { auth: PEOPLE },
    schema: { tags, summary: "The evaluator saves progress (answers merged over those saved)", params: IdParams, body: Type.Object({ answers: Answers, comment: Comment }, strict) },
  }, async (request) => {
    const p = requireUser(request);
    return one(await saveAnswers(s, p, await loadScorecard(s, p, request.params.id), request.body.answers as GivenAnswers, request.body.comment));
  });

  r.post('/api/v1/scorecards/:id/finish', {
    config: { auth: PEOPLE },
    schema: {
      tags,
      summary: 'The evaluator finishes the scorecard (every question answered or not applicable); the agent sees it',
      params: IdParams,
      body: Type.Object({ answers: Type.Optional(Answers), comment: Comment, acknowledge: Type.Optional(Type.Boolean({ description: 'ask the agent to acknowledge it' })) }, strict),
    },
  }, async (request) => {
    const p = requireUser(request);
    const b = request.body;
    return one(await finishScorecard(s, p, await loadScorecard(s, p, request.params.id), {
      ...(b.answers ? { answers: b.answers as GivenAnswers } : {}), ...(b.comment !== undefined ? { comment: b.comment } : {}), ...(b.acknowledge !== undefined ? { acknowledge: b.acknowledge } : {}),
    }));
  });

  r.post('/api/v1/scorecards/:id/acknowledge', {
    config: { auth: PEOPLE },
    schema: { tags, summary: 'The agent evaluated acknowledges (signs off) a finished scorecard, with a comment', params: IdParams, body: Type.Object({ comment: Comment }, strict) },
  }, async (request) => {
    const p = requireUser(request);
    return one(await acknowledgeScorecard(s, p, await loadScorecard(s, p, request.params.id), request.body.comment?.trim()));
  });

  r.post('/api/v1/scorecards/:id/dispute', {
    config: { auth: PEOPLE },
    schema: {
      tags,
      summary: `The agent evaluated disputes a finished scorecard, once, within ${DISPUTE_DAYS} days, with their reason (out of the figures until decided)`,
      params: IdParams,
      body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 4000, pattern: '\\S' }) }, strict),
    },
  }, async (request) => {
    const p = requireUser(request);
    return one(await disputeScorecard(s, p, await loadScorecard(s, p, request.params.id), request.body.reason.trim()));
  });

  r.post('/api/v1/scorecards/:id/resolve', {
    config: { auth: EVALUATION_PLANNERS },
    schema: {
      tags,
      summary: "An administrator or the agent's supervisor (not the evaluator) decides a dispute: upheld, or revised with the answers changed",
      params: IdParams,
      body: Type.Object({
        outcome: Type.Union(DISPUTE_OUTCOMES.map((o) => Type.Literal(o))),
        comment: Type.String({ minLength: 1, maxLength: 4000, pattern: '\\S', description: 'why, for the agent' }),
        answers: Type.Optional(Answers),
      }, strict),
    },
  }, async (request) => {
    const p = requireUser(request);
    const b = request.body;
    return one(await resolveDispute(s, p, await loadScorecard(s, p, request.params.id), { outcome: b.outcome, comment: b.comment.trim(), ...(b.answers ? { answers: b.answers as GivenAnswers } : {}) }));
  });

  r.post('/api/v1/scorecards/:id/reassign', {
    config: { auth: EVALUATION_PLANNERS },
    schema: {
      tags,
      summary: 'Hand a scorecard not finished yet to another evaluator (its answers so far stay)',
      params: IdParams,
      body: Type.Object({ evaluator: Type.String({ minLength: 1, maxLength: 320, description: 'a user id or e-mail' }) }, strict),
    },
  }, async (request) => {
    const p = requireUser(request);
    return one(await reassignScorecard(s, p, await loadScorecard(s, p, request.params.id), request.body.evaluator));
  });

  r.delete('/api/v1/scorecards/:id', {
    config: { auth: EVALUATION_PLANNERS },
    schema: { tags, summary: 'Withdraw a scorecard not finished yet', params: IdParams },
  }, async (request, reply) => {
    const p = requireUser(request);
    const row = await loadScorecard(s, p, request.params.id);
    if (!OPEN_STATES.includes(row.state)) throw conflict(`The scorecard is ${row.state}: finished scorecards are kept`, { state: row.state });
    await s.db.transaction().execute(async (trx) => {
      const gone = await trx.deleteFrom('scorecards').where('id', '=', row.id).where('state', 'in', OPEN_STATES).returning('id').executeTakeFirst();
      if (!gone) throw conflict('The scorecard was finished meanwhile: finished scorecards are kept');
      await appendEvents(trx, [{ type: 'scorecard.withdrawn', actor: `user:${p.id}`, userId: row.evaluator_id, data: { scorecard: row.id, task: row.task_id, agent: row.agent_id } }]);
    });
    s.hub.toUser(row.evaluator_id, { type: 'scorecards.changed' });
    return reply.code(204).send();
  });

  r.get('/api/v1/quality/groups', {
    config: { auth: PEOPLE },
    schema: {
      tags,
      summary: "Question group details: each agent's average per group of each questionnaire, over the scorecards finished in the period (default the last 30 days) that the caller may see (an agent: their own)",
      querystring: Type.Object({
        from: Type.Optional(Type.String({ format: 'date-time' })),
        to: Type.Optional(Type.String({ format: 'date-time' })),
        queue: Type.Optional(Type.String({ maxLength: 200 })),
        agent: Type.Optional(Type.String({ maxLength: 200, description: "a user id, or 'me'" })),
      }, strict),
    },
  }, async (request) => {
    const p = requireUser(request);
    const { from, to } = periodOf(request.query, 30);
    let sel = s.db.selectFrom('scorecards').selectAll('scorecards').where(visibleScorecards(s, p))
      .where('state', 'in', DONE_STATES).where('calibration', 'is', null).where('finished_at', '>=', from).where('finished_at', '<', to);
    if (request.query.queue) sel = sel.where('task_id', 'in', (eb) => eb.selectFrom('tasks').select('id').where('queue_id', '=', request.query.queue!));
    if (request.query.agent) sel = sel.where('agent_id', '=', request.query.agent === 'me' ? p.id : request.query.agent);
    const rows = await sel.orderBy('finished_at').limit(GROUP_CARDS).execute();
    const names = new Map((await s.db.selectFrom('users').select(['id', 'name']).where('id', 'in', [...new Set(rows.map((x) => x.agent_id)), '']).execute()).map((u) => [u.id, u.name]));
    const items = summarizeGroups(rows.map((x) => ({ agent: x.agent_id, questionnaire: x.questionnaire, answers: x.answers, percent: x.percent })));
    return {
      from: from.toISOString(), to: to.toISOString(), scorecards: rows.length, complete: rows.length < GROUP_CARDS,
      items: items.map((i) => ({ ...i, agents: i.agents.map((a) => ({ ...a, name: names.get(a.agent) ?? a.agent })).sort((a, b) => a.name.localeCompare(b.name)) })),
    };
  });

  r.get('/api/v1/quality/disputes', {
    config: { auth: OVERSEERS },
    schema: {
      tags,
      summary: "Disputes per evaluator over the scorecards finished in the period (default the last 30 days) that the caller may see: evaluated, disputed, upheld, revised, open",
      querystring: Type.Object({ from: Type.Optional(Type.String({ format: 'date-time' })), to: Type.Optional(Type.String({ format: 'date-time' })) }, strict),
    },
  }, async (request) => {
    const p = requireUser(request);
    const { from, to } = periodOf(request.query, 30);
    const rows = await s.db.selectFrom('scorecards').select(['evaluator_id', 'disputed_at', 'dispute_outcome']).where(visibleScorecards(s, p))
      .where('state', 'in', [...DONE_STATES, 'disputed']).where('calibration', 'is', null).where('finished_at', '>=', from).where('finished_at', '<', to)
      .limit(GROUP_CARDS).execute();
    const items = disputesByEvaluator(rows.map((x) => ({ evaluator: x.evaluator_id, disputed: x.disputed_at !== null, outcome: x.dispute_outcome as DisputeOutcome | null })));
    const names = new Map((await s.db.selectFrom('users').select(['id', 'name']).where('id', 'in', [...items.map((i) => i.evaluator), '']).execute()).map((u) => [u.id, u.name]));
    return { from: from.toISOString(), to: to.toISOString(), complete: rows.length < GROUP_CARDS, items: items.map((i) => ({ ...i, name: names.get(i.evaluator) ?? i.evaluator })) };
  });

  r.get('/api/v1/calibrations/:id', {
    config: { auth: OVERSEERS },
    schema: { tags, summary: 'A calibration: how the evaluators of the same work scored it, where they agree and where not', params: IdParams },
  }, async (request) => {
    const p = requireUser(request);
    const rows = (await s.db.selectFrom('scorecards').selectAll().where('calibration', '=', request.params.id).orderBy('assigned_at').execute()).filter((x) => seesScorecard(s, p, x));
    if (rows.length === 0) throw notFound(`Calibration ${request.params.id}`);
    const done = rows.filter((x) => DONE_STATES.includes(x.state));
    const names = await scorecardDtos(s.db, rows);
    const result = calibrate(rows[0]!.questionnaire, done.map((x) => ({ evaluator: x.evaluator_id, percent: x.percent, answers: x.answers })));
    const nameOf = new Map(names.map((n) => [n.evaluator.id, n.evaluator.name]));
    return {
      id: request.params.id,
      task: names[0]!.task,
      agent: names[0]!.agent,
      questionnaire: rows[0]!.questionnaire,
      pending: rows.filter((x) => !done.includes(x)).map((x) => ({ id: x.id, evaluator: { id: x.evaluator_id, name: nameOf.get(x.evaluator_id) } })),
      ...result,
      evaluators: result.evaluators.map((e) => ({ ...e, name: nameOf.get(e.evaluator) ?? e.evaluator })),
    };
  });
}

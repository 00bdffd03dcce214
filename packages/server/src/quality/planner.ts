import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { sampleForEvaluation, type EvaluationPlan, type MediaType, type Questionnaire } from '@worklane/core';
import { json, type DB } from '../db/schema.js';
import type { StreamHub } from '../stream/hub.js';
import { appendEvents } from '../events/append.js';
import { listPlans, listQuestionnaires } from './config.js';
import { Every } from '../background/every.js';

export interface PlannerOptions {
  pollMs: number;
  /** Leave events younger than this: a transaction that took a lower id may not have committed yet. */
  settleMs: number;
  batch: number;
  /** In [0, 1): which sampled work is drawn. */
  draw: () => number;
}

export const plannerOptionsFromEnv = (env: NodeJS.ProcessEnv = process.env): PlannerOptions => ({
  pollMs: Number(env.WORKLANE_QUALITY_POLL_MS ?? 5_000),
  settleMs: Number(env.WORKLANE_QUALITY_SETTLE_MS ?? 5_000),
  batch: 1_000,
  draw: Math.random,
});

export const PLANNER_ACTOR = 'system:quality';

/**
 * Samples finished work for evaluation in the background (core `sampleForEvaluation`): each batch
 * reads the completions past the watermark, creates their scorecards and moves the watermark, in
 * one transaction with the watermark row locked, so a restart or a second process never samples a
 * piece of work twice. Nothing runs on the completion's own path.
 */
export class QualityPlanner {
  private readonly loop: Every;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly hub: StreamHub,
    log: FastifyBaseLogger,
    private readonly options: PlannerOptions = plannerOptionsFromEnv(),
  ) {
    this.loop = new Every(options.pollMs, () => this.catchUp(), log, 'quality planner: sampling finished work');
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Samples until the settled events are all read; the scorecards made. */
  async catchUp(): Promise<number> {
    let made = 0;
    for (;;) {
      const r = await this.batch();
      made += r.made;
      if (!r.more) return made;
    }
  }

  private async batch(): Promise<{ made: number; more: boolean }> {
    const bound = new Date(Date.now() - this.options.settleMs);
    const out = await this.db.transaction().execute(async (trx) => {
      const last = Number((await sql<{ last_event: string }>`select last_event from quality_planner where id = 1 for update`.execute(trx)).rows[0]!.last_event);
      const forms = new Map((await listQuestionnaires(trx)).filter((q) => q.published !== false).map((q) => [q.id, q]));
      const plans = (await listPlans(trx)).filter((p) => p.enabled !== false && forms.has(p.questionnaire));
      if (plans.length === 0) {
        // Nothing to sample: skip to the newest event in one statement (work finished meanwhile is never sampled).
        await sql`update quality_planner set last_event = greatest(last_event, (select coalesce(max(id), 0) from events)) where id = 1`.execute(trx);
        return { made: [] as { evaluator: string }[], more: false };
      }
      const ids = await trx.selectFrom('events').select('id').where('id', '>', last).where('at', '<', bound).orderBy('id').limit(this.options.batch).execute();
      if (ids.length === 0) return { made: [] as { evaluator: string }[], more: false };
      const hi = Number(ids[ids.length - 1]!.id);
      const made = await this.sample(trx, last, hi, plans, forms);
      await trx.updateTable('quality_planner').set({ last_event: hi }).where('id', '=', 1).execute();
      return { made, more: ids.length === this.options.batch };
    });
    for (const e of new Set(out.made.map((m) => m.evaluator))) this.hub.toUser(e, { type: 'scorecards.changed' });
    return { made: out.made.length, more: out.more };
  }

  private async sample(trx: Kysely<DB>, lo: number, hi: number, plans: EvaluationPlan[], forms: Map<string, Questionnaire>): Promise<{ evaluator: string }[]> {
    // Completions, and ratings when a plan samples low ratings.
    const types = ['task.completed', ...(plans.some((p) => p.ratedAtMost !== undefined) ? ['chat.rated'] : []), ...(plans.some((p) => p.flagged) ? ['conversation.flagged'] : [])];
    const done = await trx
      .selectFrom('events as e')
      .innerJoin('tasks as t', 't.id', 'e.task_id')
      .select(['e.task_id', 'e.user_id', 'e.type', (eb) => eb.ref('e.data', '->>').key('score').as('score'), 't.queue_id', 't.worktype', 't.media_type'])
      .where('e.id', '>', lo).where('e.id', '<=', hi).where('e.type', 'in', types).where('e.user_id', 'is not', null)
      .orderBy('e.id')
      .execute();
    if (done.length === 0) return [];
    // A rated or flagged conversation already being evaluated is not drawn again.
    const rated = done.filter((d) => d.type !== 'task.completed').map((d) => d.task_id!);
    const taken = new Set(rated.length ? (await trx.selectFrom('scorecards').select('task_id').where('task_id', 'in', rated).execute()).map((r) => r.task_id) : []);
    const agents = [...new Set(done.map((d) => d.user_id!))];
    const [weekly, open, memberships] = await Promise.all([
      trx.selectFrom('scorecards').select(['plan_id', 'agent_id', (eb) => eb.fn.countAll<string>().as('n')])
        .where('plan_id', 'is not', null).where('assigned_at', '>=', sql<Date>`date_trunc('week', now())`).groupBy(['plan_id', 'agent_id']).execute(),
      trx.selectFrom('scorecards').select(['evaluator_id', (eb) => eb.fn.countAll<string>().as('n')]).where('state', 'in', ['assigned', 'in-progress']).groupBy('evaluator_id').execute(),
      trx.selectFrom('team_members').select(['user_id', 'team_id']).where('user_id', 'in', agents).execute(),
    ]);
    const teamsOf = new Map<string, string[]>();
    for (const m of memberships) teamsOf.set(m.user_id, [...(teamsOf.get(m.user_id) ?? []), m.team_id]);
    const thisWeek = new Map(weekly.map((w) => [`${w.plan_id}|${w.agent_id}`, Number(w.n)]));
    const openOf = new Map(open.map((o) => [o.evaluator_id, Number(o.n)]));
    const state = { thisWeek: (plan: string, agent: string) => thisWeek.get(`${plan}|${agent}`) ?? 0, open: (e: string) => openOf.get(e) ?? 0 };
    const rows = [];
    for (const d of done) {
      const agent = d.user_id!;
      const rating = d.type === 'chat.rated' ? Number(d.score) : undefined;
      const flagged = d.type === 'conversation.flagged';
      if ((rating !== undefined || flagged) && taken.has(d.task_id!)) continue;
      const s = sampleForEvaluation(plans, { agent, queue: d.queue_id, worktype: d.worktype, mediaType: d.media_type as MediaType, teams: teamsOf.get(agent) ?? [], ...(rating !== undefined ? { rating } : {}), ...(flagged ? { flagged } : {}) }, state, this.options.draw);
      if (!s) continue;
      taken.add(d.task_id!);
      thisWeek.set(`${s.plan.id}|${agent}`, state.thisWeek(s.plan.id, agent) + 1);
      openOf.set(s.evaluator, state.open(s.evaluator) + 1);
      rows.push(scorecardRow(d.task_id!, agent, s.evaluator, forms.get(s.plan.questionnaire)!, { plan: s.plan.id, needsAck: s.plan.acknowledge ?? false, by: PLANNER_ACTOR }));
    }
    if (rows.length === 0) return [];
    await trx.insertInto('scorecards').values(rows).execute();
    await appendEvents(trx, rows.map((r) => assignedEvent(r, PLANNER_ACTOR)));
    return rows.map((r) => ({ evaluator: r.evaluator_id }));
  }
}

/**
 * The audit record of a scorecard given to an evaluator. Not on the task (`taskId` null): the task's
 * history is the agent's to read, and an evaluation is theirs to see once it is finished.
 */
export const assignedEvent = (r: ReturnType<typeof scorecardRow>, actor: string) => ({
  type: 'scorecard.assigned', actor, userId: r.evaluator_id,
  data: { scorecard: r.id, task: r.task_id, agent: r.agent_id, plan: r.plan_id, questionnaire: r.questionnaire_id, calibration: r.calibration },
});

/** A new scorecard, with its own copy of the questionnaire. */
export function scorecardRow(taskId: string, agent: string, evaluator: string, form: Questionnaire, o: { plan?: string; calibration?: string; needsAck: boolean; by: string }) {
  return {
    id: randomUUID(), task_id: taskId, agent_id: agent, evaluator_id: evaluator, questionnaire_id: form.id, questionnaire: json(form),
    plan_id: o.plan ?? null, calibration: o.calibration ?? null, needs_ack: o.needsAck, assigned_by: o.by, answers: json({}),
    comment: null, percent: null, band: null, agent_comment: null, finished_at: null, acknowledged_at: null,
  };
}

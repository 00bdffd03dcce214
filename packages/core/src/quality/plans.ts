import type { MediaType } from '../model.js';

/**
 * Evaluation planning: which finished work gets a scorecard, and who scores it. Evaluating every
 * interaction is not worth it; a plan samples a share of the work it covers, at most so many per
 * agent a week, and spreads scorecards over its evaluators by how many each has open.
 */
export interface EvaluationPlan {
  id: string;
  name: string;
  /** The questionnaire its scorecards use. */
  questionnaire: string;
  /** Who scores (user ids); an agent is never given their own work. */
  evaluators: string[];
  /** Share of the covered work sampled, 0..100. */
  percent: number;
  /** Covered work (none: any). */
  queues?: string[];
  worktypes?: string[];
  mediaTypes?: MediaType[];
  /** Whose work (none: anyone's): these people (user ids), or the members of these teams (new hires, a site). */
  agents?: string[];
  teams?: string[];
  /**
   * Only chats their visitors rated this low or lower (1..5): the plan samples ratings as they come
   * instead of completions, so the conversations customers were unhappy with are looked at.
   */
  ratedAtMost?: number;
  /**
   * Only conversations the analytics flagged (a compliance rule broken, core `findCategories`):
   * the plan samples flags as they come instead of completions.
   */
  flagged?: boolean;
  /** At most this many scorecards per agent per week from this plan (none: no limit). */
  perAgentPerWeek?: number;
  /** The agent must acknowledge (sign off) the finished scorecard. */
  acknowledge?: boolean;
  enabled?: boolean;
}

/** Finished work as the planner sees it. */
export interface FinishedWork {
  agent: string;
  queue: string | null;
  worktype: string;
  mediaType: MediaType;
  /** The agent's teams. */
  teams: readonly string[];
  /** Set when what came is the visitor's rating (1..5), not the completion. */
  rating?: number;
  /** Set when what came is the analytics' flag on the conversation, not the completion. */
  flagged?: boolean;
}

export interface PlanState {
  /** Scorecards this plan has given the agent this week. */
  thisWeek(planId: string, agent: string): number;
  /** Scorecards the evaluator has yet to finish. */
  open(evaluator: string): number;
}

export interface Sampled {
  plan: EvaluationPlan;
  evaluator: string;
}

export const covers = (p: EvaluationPlan, w: FinishedWork): boolean =>
  p.enabled !== false &&
  (!p.queues?.length || (w.queue !== null && p.queues.includes(w.queue))) &&
  (!p.worktypes?.length || p.worktypes.includes(w.worktype)) &&
  (!p.mediaTypes?.length || p.mediaTypes.includes(w.mediaType)) &&
  (!(p.agents?.length || p.teams?.length) || !!p.agents?.includes(w.agent) || !!p.teams?.some((t) => w.teams.includes(t))) &&
  // A plan samples completions, ratings or flags, one kind only: one piece of work is drawn once.
  kindOfPlan(p) === kindOfWork(w) &&
  (p.ratedAtMost === undefined || (w.rating !== undefined && w.rating <= p.ratedAtMost));

const kindOfPlan = (p: EvaluationPlan) => (p.ratedAtMost !== undefined ? 'rating' : p.flagged ? 'flag' : 'completion');
const kindOfWork = (w: FinishedWork) => (w.rating !== undefined ? 'rating' : w.flagged ? 'flag' : 'completion');

/** The evaluator with the fewest open scorecards (plan order breaks ties), never the agent. */
export function pickEvaluator(evaluators: readonly string[], agent: string, open: (evaluator: string) => number): string | null {
  let best: string | null = null;
  let least = Infinity;
  for (const e of evaluators) {
    if (e === agent) continue;
    const n = open(e);
    if (n < least) [best, least] = [e, n];
  }
  return best;
}

/**
 * The scorecard to create for one piece of finished work, if any: the first plan (in order) that
 * covers it, has room under its weekly quota for the agent, draws it (`draw()` in [0, 1) below
 * the plan's share) and has an evaluator other than the agent. One scorecard per piece of work.
 */
export function sampleForEvaluation(plans: readonly EvaluationPlan[], w: FinishedWork, state: PlanState, draw: () => number): Sampled | null {
  for (const plan of plans) {
    if (!covers(plan, w)) continue;
    if (plan.perAgentPerWeek !== undefined && state.thisWeek(plan.id, w.agent) >= plan.perAgentPerWeek) continue;
    if (draw() * 100 >= plan.percent) continue;
    const evaluator = pickEvaluator(plan.evaluators, w.agent, state.open);
    if (evaluator !== null) return { plan, evaluator };
  }
  return null;
}

import { checkAnswers, scoreAnswers, type GivenAnswers, type Score } from './score.js';
import type { Problem, Questionnaire } from './questionnaire.js';

/**
 * Disputes: the agent evaluated contests a finished scorecard once, with their reason, within
 * `DISPUTE_DAYS` of its finishing; someone other than its evaluator decides: upheld (the score
 * stands) or revised (answers changed, scored again). Either way the scorecard is finished again.
 */
export const DISPUTE_DAYS = 14;
export type DisputeOutcome = 'upheld' | 'revised';
export const DISPUTE_OUTCOMES: readonly DisputeOutcome[] = ['upheld', 'revised'];

export interface Disputable {
  state: string;
  finishedAt: number | null;
  disputedAt: number | null;
  calibration: string | null;
}

/** Why this scorecard may not be disputed now (null: it may). */
export function whyNoDispute(r: Disputable, now: number): string | null {
  if (r.calibration !== null) return 'a calibration scorecard aligns the evaluators: it is not disputed';
  if (r.disputedAt !== null) return 'a scorecard is disputed once';
  if (r.state !== 'finished') return r.state === 'acknowledged' ? 'it was acknowledged: signed off' : `it is ${r.state}`;
  if (r.finishedAt !== null && now - r.finishedAt > DISPUTE_DAYS * 86_400_000) return `disputes are raised within ${DISPUTE_DAYS} days of the evaluation`;
  return null;
}

export type DisputeDecision = { ok: true; answers: GivenAnswers; score: Score } | { ok: false; problems: Problem[] };

/**
 * The decision's answers and score: upheld keeps them; revised merges the changed answers over
 * them, which must fit the questionnaire, change something, and leave nothing unanswered.
 */
export function decideDispute(q: Questionnaire, answers: GivenAnswers, outcome: DisputeOutcome, changed: GivenAnswers | undefined): DisputeDecision {
  if (outcome === 'upheld') {
    if (changed && Object.keys(changed).length) return { ok: false, problems: [{ pointer: '/answers', message: 'an upheld score keeps its answers: revise it to change them' }] };
    return { ok: true, answers, score: scoreAnswers(q, answers) };
  }
  if (!changed || !Object.keys(changed).length) return { ok: false, problems: [{ pointer: '/answers', message: 'a revised score changes at least one answer' }] };
  const bad = checkAnswers(q, changed);
  if (bad.length) return { ok: false, problems: bad };
  const merged = { ...answers, ...changed };
  const score = scoreAnswers(q, merged);
  if (score.unanswered.length) return { ok: false, problems: score.unanswered.map((id) => ({ pointer: `/answers/${id}`, message: 'not answered' })) };
  const same = Object.keys(changed).every((id) => JSON.stringify(answers[id] ?? {}) === JSON.stringify(merged[id]));
  if (same) return { ok: false, problems: [{ pointer: '/answers', message: 'these are the answers already given: uphold the score instead' }] };
  return { ok: true, answers: merged, score };
}

export interface DisputedCard {
  evaluator: string;
  /** The agent disputed it. */
  disputed: boolean;
  outcome: DisputeOutcome | null;
}

export interface EvaluatorDisputes {
  evaluator: string;
  /** Scorecards of this evaluator in the period (finished, disputed or decided). */
  evaluated: number;
  disputed: number;
  upheld: number;
  revised: number;
  /** Disputed and not decided yet. */
  open: number;
  /** Share of the evaluations disputed, and of the decided disputes revised (null: none to share). */
  disputedPercent: number | null;
  revisedPercent: number | null;
}

const pct = (n: number, of: number) => (of ? Math.round((n / of) * 1000) / 10 : null);

/**
 * Disputes per evaluator: how often their evaluations are disputed and how often a dispute ends
 * revised (an evaluator whose scores are often revised needs calibrating). Most disputed first.
 */
export function disputesByEvaluator(cards: readonly DisputedCard[]): EvaluatorDisputes[] {
  const by = new Map<string, EvaluatorDisputes>();
  for (const c of cards) {
    const e = by.get(c.evaluator) ?? { evaluator: c.evaluator, evaluated: 0, disputed: 0, upheld: 0, revised: 0, open: 0, disputedPercent: null, revisedPercent: null };
    by.set(c.evaluator, e);
    e.evaluated++;
    if (!c.disputed) continue;
    e.disputed++;
    if (c.outcome === 'upheld') e.upheld++;
    else if (c.outcome === 'revised') e.revised++;
    else e.open++;
  }
  return [...by.values()]
    .map((e) => ({ ...e, disputedPercent: pct(e.disputed, e.evaluated), revisedPercent: pct(e.revised, e.upheld + e.revised) }))
    .sort((a, b) => b.disputed - a.disputed || a.evaluator.localeCompare(b.evaluator));
}

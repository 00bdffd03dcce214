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

import { QUALITY_DEFAULTS, answersOf, questionsOf, type Problem, type Questionnaire } from './questionnaire.js';

/** One answer on a scorecard: the label picked, or not applicable, and what the evaluator wrote. */
export interface GivenAnswer {
  answer?: string;
  na?: boolean;
  comment?: string;
}
export type GivenAnswers = Record<string, GivenAnswer>;

export const BANDS = ['fail', 'pass', 'excellent'] as const;
export type Band = (typeof BANDS)[number];

export interface Score {
  /** 0..100 over the questions answered (not applicable ones left out); null: nothing scored yet. */
  percent: number | null;
  band: Band | null;
  groups: { id: string; name: string; percent: number | null }[];
  /** Critical questions answered with their lowest answer: the scorecard fails at 0 %. */
  criticalFailed: string[];
  /** Questions with neither an answer nor "not applicable": a scorecard is finished only without any. */
  unanswered: string[];
}

/** Answers that do not fit the questionnaire, by question (`/answers/<question id>`). */
export function checkAnswers(q: Questionnaire, given: GivenAnswers): Problem[] {
  const byId = new Map(questionsOf(q).map(({ question }) => [question.id, question]));
  const out: Problem[] = [];
  for (const [id, a] of Object.entries(given)) {
    const p = `/answers/${id}`;
    const question = byId.get(id);
    if (!question) out.push({ pointer: p, message: `the questionnaire has no question "${id}"` });
    else if (a.na && a.answer !== undefined) out.push({ pointer: p, message: 'either an answer or not applicable, not both' });
    else if (a.na && !question.allowNA) out.push({ pointer: `${p}/na`, message: 'this question may not be answered "not applicable"' });
    else if (a.answer !== undefined && !answersOf(question).some((o) => o.label === a.answer))
      out.push({ pointer: `${p}/answer`, message: `not one of ${answersOf(question).map((o) => `"${o.label}"`).join(', ')}` });
  }
  return out;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The band of a percentage under the questionnaire's thresholds. */
export function bandOf(q: Questionnaire, percent: number): Band {
  if (percent >= (q.excellentPercent ?? QUALITY_DEFAULTS.excellentPercent)) return 'excellent';
  return percent >= (q.passPercent ?? QUALITY_DEFAULTS.passPercent) ? 'pass' : 'fail';
}

/**
 * The score of (checked) answers: each question's points over its best answer's, weighted within
 * its group; each group's percentage weighted into the total. Not applicable and unanswered
 * questions are left out of both sides, so a partly filled scorecard shows where it is heading.
 */
export function scoreAnswers(q: Questionnaire, given: GivenAnswers): Score {
  const criticalFailed: string[] = [];
  const unanswered: string[] = [];
  let total = 0;
  let totalWeight = 0;
  const groups = q.groups.map((g) => {
    let sum = 0;
    let weight = 0;
    for (const question of g.questions) {
      const a = given[question.id];
      const options = answersOf(question);
      const picked = a?.answer !== undefined ? options.find((o) => o.label === a.answer) : undefined;
      if (!picked) {
        if (!a?.na) unanswered.push(question.id);
        continue;
      }
      const best = Math.max(...options.map((o) => o.points));
      const worst = Math.min(...options.map((o) => o.points));
      const w = question.weight ?? 1;
      sum += w * (best > 0 ? Math.max(picked.points, 0) / best : 0);
      weight += w;
      if (question.critical && picked.points <= worst) criticalFailed.push(question.id);
    }
    const percent = weight > 0 ? (100 * sum) / weight : null;
    if (percent !== null && weight > 0) {
      total += (g.weight ?? 1) * percent;
      totalWeight += g.weight ?? 1;
    }
    return { id: g.id, name: g.name, percent: percent === null ? null : round1(percent) };
  });
  const raw = totalWeight > 0 ? total / totalWeight : null;
  const percent = raw === null ? null : criticalFailed.length ? 0 : round1(raw);
  return { percent, band: percent === null ? null : bandOf(q, percent), groups, criticalFailed, unanswered };
}

import { questionsOf, type Questionnaire } from './questionnaire.js';
import type { GivenAnswers } from './score.js';

/**
 * Calibration: several evaluators score the same interaction with the same questionnaire, and the
 * quality manager sees where they disagree, per question and per evaluator, to align how the
 * questionnaire is read.
 */
export interface CalibrationCard {
  evaluator: string;
  percent: number | null;
  answers: GivenAnswers;
}

export interface Calibration {
  /** Finished scorecards compared. */
  cards: number;
  mean: number | null;
  /** Highest minus lowest total. */
  spread: number | null;
  evaluators: { evaluator: string; percent: number | null; deviation: number | null }[];
  questions: {
    id: string;
    text: string;
    /** How many picked each answer ("N/A" for not applicable; unanswered left out). */
    answers: Record<string, number>;
    /** Share of evaluators that gave the most common answer, 0..100. */
    agreement: number | null;
  }[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export function calibrate(q: Questionnaire, cards: readonly CalibrationCard[]): Calibration {
  const scored = cards.map((c) => c.percent).filter((p): p is number => p !== null);
  const mean = scored.length ? round1(scored.reduce((a, b) => a + b, 0) / scored.length) : null;
  const questions = questionsOf(q).map(({ question }) => {
    const answers: Record<string, number> = {};
    for (const c of cards) {
      const a = c.answers[question.id];
      const key = a?.na ? 'N/A' : a?.answer;
      if (key !== undefined) answers[key] = (answers[key] ?? 0) + 1;
    }
    const given = Object.values(answers).reduce((a, b) => a + b, 0);
    return { id: question.id, text: question.text, answers, agreement: given ? round1((100 * Math.max(...Object.values(answers))) / given) : null };
  });
  return {
    cards: cards.length,
    mean,
    spread: scored.length ? round1(Math.max(...scored) - Math.min(...scored)) : null,
    evaluators: cards.map((c) => ({ evaluator: c.evaluator, percent: c.percent, deviation: c.percent === null || mean === null ? null : round1(c.percent - mean) })),
    questions,
  };
}

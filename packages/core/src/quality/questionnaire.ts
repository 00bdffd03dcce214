/**
 * Quality management (seed EE09): evaluators score agents' finished interactions with a
 * questionnaire (a scorecard form). Groups of questions, each with answers worth points; weights
 * per question and per group; "not applicable" where allowed; critical questions fail the whole
 * scorecard when answered with their lowest answer.
 */
export const QUESTION_KINDS = ['yes-no', 'scale', 'choice'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export interface AnswerOption {
  label: string;
  points: number;
}

export interface Question {
  id: string;
  text: string;
  /** `yes-no`: Yes (1) / No (0); `scale`: 1 to 5; `choice`: the `answers` given. */
  kind: QuestionKind;
  answers?: AnswerOption[];
  /** Weight within its group (default 1). */
  weight?: number;
  /** May be answered "not applicable" (left out of the score). */
  allowNA?: boolean;
  /** Its lowest answer fails the whole scorecard (0 %). */
  critical?: boolean;
  /** What the evaluator should look for. */
  help?: string;
}

export interface QuestionGroup {
  id: string;
  name: string;
  /** Weight of the group in the total (default 1). */
  weight?: number;
  questions: Question[];
}

export interface Questionnaire {
  id: string;
  name: string;
  description?: string;
  /** A scorecard at or above this is passed (default 70). */
  passPercent?: number;
  /** At or above this it is excellent (default 90). */
  excellentPercent?: number;
  /** Only published questionnaires are assigned (default true): a draft is being written. */
  published?: boolean;
  groups: QuestionGroup[];
}

export const QUALITY_DEFAULTS = { passPercent: 70, excellentPercent: 90 } as const;

const YES_NO: AnswerOption[] = [{ label: 'Yes', points: 1 }, { label: 'No', points: 0 }];
const SCALE: AnswerOption[] = [1, 2, 3, 4, 5].map((n) => ({ label: String(n), points: n - 1 }));

/** The answers an evaluator picks from, best first for yes/no, as written for a choice. */
export function answersOf(q: Question): AnswerOption[] {
  if (q.kind === 'yes-no') return YES_NO;
  if (q.kind === 'scale') return SCALE;
  return q.answers ?? [];
}

export interface Problem {
  pointer: string;
  message: string;
}

/** What the schema cannot say: unique ids, answers to choose from, thresholds in order. */
export function checkQuestionnaire(q: Questionnaire, at = ''): Problem[] {
  const out: Problem[] = [];
  const pass = q.passPercent ?? QUALITY_DEFAULTS.passPercent;
  const excellent = q.excellentPercent ?? QUALITY_DEFAULTS.excellentPercent;
  if (excellent < pass) out.push({ pointer: `${at}/excellentPercent`, message: `must be at least passPercent (${pass})` });
  const groups = new Set<string>();
  const questions = new Set<string>();
  q.groups.forEach((g, i) => {
    if (groups.has(g.id)) out.push({ pointer: `${at}/groups/${i}/id`, message: `group "${g.id}" appears twice` });
    groups.add(g.id);
    g.questions.forEach((x, j) => {
      const p = `${at}/groups/${i}/questions/${j}`;
      if (questions.has(x.id)) out.push({ pointer: `${p}/id`, message: `question "${x.id}" appears twice in the questionnaire` });
      questions.add(x.id);
      if (x.kind === 'choice') {
        const a = x.answers ?? [];
        if (a.length < 2) out.push({ pointer: `${p}/answers`, message: 'a choice needs at least two answers' });
        else if (Math.max(...a.map((o) => o.points)) <= 0) out.push({ pointer: `${p}/answers`, message: 'at least one answer must be worth points' });
        if (new Set(a.map((o) => o.label)).size !== a.length) out.push({ pointer: `${p}/answers`, message: 'answers must have different labels' });
      } else if (x.answers !== undefined) out.push({ pointer: `${p}/answers`, message: `only a choice lists its answers (${x.kind} has its own)` });
    });
  });
  return out;
}

/** Every question of the questionnaire, in order, with its group. */
export function questionsOf(q: Questionnaire): { group: QuestionGroup; question: Question }[] {
  return q.groups.flatMap((group) => group.questions.map((question) => ({ group, question })));
}

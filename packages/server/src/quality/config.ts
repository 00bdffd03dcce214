import type { Kysely, Selectable, Transaction } from 'kysely';
import { checkQuestionnaire, type EvaluationPlan, type Questionnaire } from '@worklane/core';
import { json, type DB, type EvaluationPlansTable, type QuestionnairesTable } from '../db/schema.js';
import type { FieldError } from '../http/problems.js';
import type { EvaluationPlanItem, QuestionnaireItem } from './items.js';

type Trx = Transaction<DB>;

/** What a plan may refer to; sets left out (a document without them) are not checked here. */
export interface QualityKnown {
  queues: ReadonlySet<string>;
  teams: ReadonlySet<string>;
  hasUser(ref: string): boolean;
  questionnaires?: ReadonlySet<string>;
  worktypes?: ReadonlySet<string>;
}

export const checkQuestionnaireItem = (q: QuestionnaireItem, at = ''): FieldError[] => checkQuestionnaire(q, at);

export function checkPlan(p: EvaluationPlanItem, k: QualityKnown, at = ''): FieldError[] {
  const out: FieldError[] = [];
  if (k.questionnaires && !k.questionnaires.has(p.questionnaire)) out.push({ pointer: `${at}/questionnaire`, message: `unknown questionnaire "${p.questionnaire}"` });
  p.evaluators.forEach((e, j) => !k.hasUser(e) && out.push({ pointer: `${at}/evaluators/${j}`, message: `unknown user "${e}"` }));
  p.agents?.forEach((e, j) => !k.hasUser(e) && out.push({ pointer: `${at}/agents/${j}`, message: `unknown user "${e}"` }));
  p.teams?.forEach((t, j) => !k.teams.has(t) && out.push({ pointer: `${at}/teams/${j}`, message: `unknown team "${t}"` }));
  p.queues?.forEach((q, j) => !k.queues.has(q) && out.push({ pointer: `${at}/queues/${j}`, message: `unknown queue "${q}"` }));
  if (p.flagged && p.ratedAtMost !== undefined) out.push({ pointer: `${at}/flagged`, message: 'a plan samples low ratings or flagged conversations, not both' });
  if (k.worktypes) p.worktypes?.forEach((w, j) => !k.worktypes!.has(w) && out.push({ pointer: `${at}/worktypes/${j}`, message: `unknown worktype "${w}"` }));
  return out;
}

export async function writeQuestionnaire(trx: Trx, q: QuestionnaireItem): Promise<void> {
  const { id, name, ...settings } = q;
  const values = { name, settings: json(settings) };
  await trx.insertInto('questionnaires').values({ id, ...values }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
}

/** Evaluators and agents are stored by user id (`userId` resolves an id or an e-mail). */
export async function writePlan(trx: Trx, p: EvaluationPlanItem, userId: (ref: string) => string): Promise<void> {
  const { id, name, position, ...settings } = p;
  const values = { name, position: position ?? 0, settings: json({ ...settings, evaluators: settings.evaluators.map(userId), ...(settings.agents ? { agents: settings.agents.map(userId) } : {}) }) };
  await trx.insertInto('evaluation_plans').values({ id, ...values }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
}

export const questionnaireOf = (r: Selectable<QuestionnairesTable>): Questionnaire => ({ id: r.id, name: r.name, ...r.settings });
/** A stored plan as the API shows it (evaluators by id; `emailOf` for the document). */
export const planOf = (r: Selectable<EvaluationPlansTable>, emailOf: (id: string) => string = (id) => id): EvaluationPlan & { position: number } => ({
  id: r.id, name: r.name, position: r.position, ...r.settings, evaluators: r.settings.evaluators.map(emailOf),
  ...(r.settings.agents ? { agents: r.settings.agents.map(emailOf) } : {}),
});

export const listQuestionnaires = async (db: Kysely<DB>): Promise<Questionnaire[]> =>
  (await db.selectFrom('questionnaires').selectAll().orderBy('id').execute()).map(questionnaireOf);

/** Plans in the order they are tried. */
export const listPlans = async (db: Kysely<DB>, emailOf?: (id: string) => string) =>
  (await db.selectFrom('evaluation_plans').selectAll().orderBy('position').orderBy('id').execute()).map((r) => planOf(r, emailOf));

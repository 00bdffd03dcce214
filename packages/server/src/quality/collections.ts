import type { Collection } from '../admin/crud.js';
import { CONFIG_READ } from '../admin/auth.js';
import { checkPlan, checkQuestionnaireItem, listPlans, listQuestionnaires, planOf, questionnaireOf, writePlan, writeQuestionnaire } from './config.js';
import { EvaluationPlanItem, QuestionnaireItem } from './items.js';

type Questionnaire = ReturnType<typeof questionnaireOf>;
type Plan = ReturnType<typeof planOf>;

/** GET/POST /questionnaires, GET/PATCH/DELETE /questionnaires/{id} (audit `config.questionnaire.*`). */
export const questionnaires: Collection<QuestionnaireItem, Questionnaire> = {
  kind: 'questionnaire',
  path: '/api/v1/questionnaires',
  key: 'id',
  schema: QuestionnaireItem,
  read: CONFIG_READ,
  list: listQuestionnaires,
  get: async (db, id) => {
    const r = await db.selectFrom('questionnaires').selectAll().where('id', '=', id).executeTakeFirst();
    return r && questionnaireOf(r);
  },
  check: (item) => checkQuestionnaireItem(item),
  save: async (trx, item) => (await writeQuestionnaire(trx, item), item.id),
  // Scorecards keep their own copy: only plans hold on to a questionnaire.
  usedBy: async (trx, id) => (await trx.selectFrom('evaluation_plans').select('id').where(({ ref }) => ref('settings', '->>').key('questionnaire'), '=', id).execute()).map((p) => `evaluation plan "${p.id}"`),
  remove: async (trx, id) => void (await trx.deleteFrom('questionnaires').where('id', '=', id).execute()),
};

/** GET/POST /evaluation-plans, GET/PATCH/DELETE /evaluation-plans/{id} (audit `config.evaluation-plan.*`). */
export const evaluationPlans: Collection<EvaluationPlanItem, Plan> = {
  kind: 'evaluation-plan',
  path: '/api/v1/evaluation-plans',
  key: 'id',
  schema: EvaluationPlanItem,
  // Who is sampled how often is for those who plan and report, not for the agents sampled.
  read: { roles: ['supervisor', 'analyst'], scopes: ['config:read'] },
  list: (db) => listPlans(db),
  get: async (db, id) => {
    const r = await db.selectFrom('evaluation_plans').selectAll().where('id', '=', id).executeTakeFirst();
    return r && planOf(r);
  },
  check: (item, known) => checkPlan(item, known),
  save: async (trx, item, known) => (await writePlan(trx, item, (ref) => known.userId(ref)!), item.id),
  remove: async (trx, id) => void (await trx.deleteFrom('evaluation_plans').where('id', '=', id).execute()),
};

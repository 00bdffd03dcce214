import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { registerCollection } from './crud.js';
import { skills } from './skills.js';
import { teams } from './teams.js';
import { users } from './users.js';
import { queues } from './queues.js';
import { worktypes } from './worktypes.js';
import { rules } from './rules.js';
import { presenceReasons, wrapUpCodes } from './codes.js';
import { ruleTestRoutes } from './rules-test.js';
import { routingSettingsRoutes } from './routing-settings.js';
import { auditRoutes } from './audit.js';
import { apiKeyRoutes } from './api-keys.js';
import { configIoRoutes } from './config-io.js';
import { calendarRoutes } from '../calendars/routes.js';
import { responses } from './responses.js';
import { evaluationPlans, questionnaires } from '../quality/collections.js';
import { actionMaps, outcomes, segments } from '../engagement/collections.js';
import { textCategories } from '../analytics/collections.js';

/** The configuration API: one module per collection, all alike (see crud.ts), plus the odd ones. */
export async function adminRoutes(app: FastifyInstance, s: Services): Promise<void> {
  registerCollection(app, s, worktypes);
  registerCollection(app, s, queues);
  registerCollection(app, s, skills);
  registerCollection(app, s, teams);
  registerCollection(app, s, users);
  registerCollection(app, s, rules);
  registerCollection(app, s, wrapUpCodes);
  registerCollection(app, s, presenceReasons);
  registerCollection(app, s, responses);
  registerCollection(app, s, questionnaires);
  registerCollection(app, s, evaluationPlans);
  registerCollection(app, s, segments);
  registerCollection(app, s, outcomes);
  registerCollection(app, s, actionMaps);
  registerCollection(app, s, textCategories);
  await ruleTestRoutes(app, s);
  await routingSettingsRoutes(app, s);
  await auditRoutes(app, s);
  await apiKeyRoutes(app, s);
  await configIoRoutes(app, s);
  await calendarRoutes(app, s);
}

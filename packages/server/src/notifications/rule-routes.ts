import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Services } from '../services.js';
import type { RouteAuth } from '../auth/principal.js';
import { IdParams } from '../http/schemas.js';
import { notFound } from '../http/problems.js';
import { change, refuse } from '../admin/change.js';
import { checkRules, loadNotificationKnown, readRules, writeRules } from './config.js';
import { NotificationRuleT, type NotificationRulesItem } from './items.js';
import { TEMPLATE_READ } from './template-routes.js';

/** Which events notify whom is case type configuration: admins. */
const RULES_EDIT = { roles: ['admin'], scopes: ['admin', 'config:write'] } satisfies RouteAuth;
const tags = ['notifications'];

const Matrix = Type.Object({ rules: Type.Array(NotificationRuleT, { maxItems: 36 }) }, { additionalProperties: false });

/** The source's matrix for one case type: per event and channel, on or off, template, recipients. */
export async function ruleRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const path = '/api/v1/case-types/:id/notifications';

  const current = async (db: Parameters<typeof readRules>[0], id: string): Promise<NotificationRulesItem> => (await readRules(db, id))[0] ?? { caseType: id, rules: [] };

  r.get(path, { config: { auth: TEMPLATE_READ }, schema: { tags, summary: "A case type's notification rules", params: IdParams } }, async (request) => {
    const id = request.params.id;
    const known = await loadNotificationKnown(s.db);
    if (known.caseTypes && !known.caseTypes.has(id)) throw notFound(`Case type "${id}"`);
    return current(s.db, id);
  });

  r.put(path, {
    config: { auth: RULES_EDIT },
    schema: { tags, summary: "Replace a case type's notification rules (each event x channel at most once)", params: IdParams, body: Matrix },
  }, async (request) => {
    const id = request.params.id;
    const item: NotificationRulesItem = { caseType: id, rules: request.body.rules };
    await change(s, request, 'notification-rules', async (trx) => {
      const known = await loadNotificationKnown(trx);
      if (known.caseTypes && !known.caseTypes.has(id)) throw notFound(`Case type "${id}"`);
      refuse(checkRules(item, known).map((e) => ({ ...e, pointer: e.pointer === '/caseType' ? '/' : e.pointer })));
      const before = await current(trx, id);
      await writeRules(trx, item);
      return { id, before, after: await current(trx, id) };
    });
    s.notifications.changed();
    return current(s.db, id);
  });
}

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Attributes } from '../http/schemas.js';
import { classify, type ClassificationRule } from '@worklane/core';
import type { Services } from '../services.js';
import { Problem, badRequest } from '../http/problems.js';
import { ConfigCache } from '../config/cache.js';
import { checkRule } from '../config/checks.js';
import { Id, RuleItem } from '../config/document.js';
import { route } from '../tasks/capture.js';
import { ADMIN } from './auth.js';
import { refuse } from './change.js';
import { loadKnown } from './known.js';

const Body = Type.Object(
  {
    rule: Type.Optional(
      Type.Object(
        { id: Type.Optional(Id), when: RuleItem.properties.when, set: Type.Optional(RuleItem.properties.set), position: RuleItem.properties.position },
        { additionalProperties: false, description: 'a draft rule; with `ruleId`, an edit of that saved rule' },
      ),
    ),
    ruleId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'a saved rule' })),
    task: Type.Object(
      {
        worktype: Type.String({ minLength: 1, maxLength: 200 }),
        title: Type.Optional(Type.String({ maxLength: 500 })),
        source: Type.Optional(Type.String({ maxLength: 200 })),
        externalId: Type.Optional(Type.String({ maxLength: 200 })),
        description: Type.Optional(Type.String({ maxLength: 10_000 })),
        attributes: Type.Optional(Attributes),
        priority: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
        language: Type.Optional(Type.String({ maxLength: 35 })),
        customerId: Type.Optional(Type.String({ maxLength: 200 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** The same problem with its pointers moved under `prefix` (capture's pointers are relative to the task). */
const under = (prefix: string, p: Problem) =>
  new Problem(p.status, p.title, p.detail, p.errors?.map((e) => ({ ...e, pointer: prefix + e.pointer })), p.extra);

/**
 * POST /rules/test: evaluates a rule against a sample task without saving anything. `matched` and
 * `error` are the tested rule's own result; `classification` is what classify() gives with every
 * current rule plus the tested one (replacing the saved rule of the same id); `outcome` is what a
 * capture of the sample would get (input over rules over the worktype's defaults).
 */
export async function ruleTestRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/api/v1/rules/test', {
    config: { auth: ADMIN },
    schema: { tags: ['config'], summary: 'Test a rule (draft or saved) against a sample task', body: Body },
  }, async (request) => {
    const { rule, ruleId, task } = request.body;
    if (!rule && !ruleId) throw badRequest('Give the rule to test or the id of a saved one', [{ pointer: '/rule', message: 'rule or ruleId is required', in: 'body' }]);
    const snap = s.config.snapshot;
    const saved = ruleId !== undefined ? snap.rules.find((r) => r.id === ruleId) : undefined;
    if (ruleId !== undefined && !saved) refuse([{ pointer: '/ruleId', message: `unknown rule "${ruleId}"` }]);
    const id = rule?.id ?? ruleId ?? '(tested rule)';
    if (rule) refuse(checkRule({ id, name: id, when: rule.when, set: rule.set ?? {} }, await loadKnown(s.db), '/rule'));
    const last = Math.max(0, ...snap.rules.map((r) => r.position));
    const tested: ClassificationRule = rule
      ? { id, name: saved?.name ?? 'tested rule', when: rule.when, set: rule.set ?? {}, position: rule.position ?? saved?.position ?? last + 10, enabled: true }
      : { ...saved!, enabled: true };
    const rules = [...snap.rules.filter((r) => r.id !== id), tested];
    // Capture's own path, on a copy of the configuration that has the tested rule.
    const config = new ConfigCache(s.db);
    config.snapshot = { ...snap, rules };
    let routed: ReturnType<typeof route>;
    try {
      routed = route(config, { ...task, title: task.title ?? '' }, new Date());
    } catch (err) {
      throw err instanceof Problem ? under('/task', err) : err;
    }
    const classification = classify(rules, routed.facts);
    const own = classification.trace.find((t) => t.rule === id);
    return {
      matched: own?.matched ?? false,
      ...(own?.error ? { error: own.error } : {}),
      rule: { id, when: tested.when, set: tested.set, position: tested.position },
      classification,
      outcome: { queue: routed.queue, priority: routed.priority, skills: routed.skills, language: routed.language, dueAt: routed.dueAt?.toISOString() ?? null },
    };
  });
}

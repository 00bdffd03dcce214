import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ATTEMPT_OUTCOMES, type AttemptOutcome } from '@worklane/core';
import type { Services } from '../services.js';
import { IdParams } from '../http/schemas.js';
import { requirePrincipal } from '../auth/guard.js';
import { TokenBuckets, rateLimited } from '../cases/rate-limit.js';
import { loadTask } from '../tasks/change.js';
import { loadForWork } from '../tasks/lifecycle.js';
import { afterChange } from '../tasks/after.js';
import { assertVisible, TASK_READERS } from '../tasks/routes.js';
import { callbackStatus, callbackTopics, callbackView, cancelCallback, recordAttempt, requestCallback, visitorCallback } from './service.js';

const PUBLIC = { public: true } as const;
const tags = ['callback'];
const strict = { additionalProperties: false } as const;

/** Digital callback: the visitor's request (public), and the agent's calls on the callback task. */
export async function callbackRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const requests = new TokenBuckets(Number(process.env.WORKLANE_CALLBACK_BURST ?? 5), Number(process.env.WORKLANE_CALLBACK_PER_MINUTE ?? 5));

  r.get('/api/v1/callback/topics', {
    config: { auth: PUBLIC },
    schema: { tags, summary: 'Callback topics, whether "as soon as possible" is offered now, and the time slots to pick from' },
  }, async () => ({ items: await callbackTopics(s) }));

  r.post('/api/v1/callbacks', {
    config: { auth: PUBLIC },
    onRequest: rateLimited(requests, 'callback requests from your address'),
    schema: {
      tags,
      summary: 'Ask to be called back, as soon as possible or in one of the offered slots',
      body: Type.Object({
        topic: Type.String({ minLength: 1, maxLength: 63 }),
        name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
        phone: Type.String({ minLength: 1, maxLength: 40 }),
        when: Type.String({ minLength: 1, maxLength: 40, description: '"asap", or the start of an offered slot' }),
        email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
        note: Type.Optional(Type.String({ maxLength: 2000 })),
      }, strict),
    },
  }, async (request, reply) => reply.code(201).send(await requestCallback(s, request.body)));

  const tokenOf = (request: FastifyRequest): string | undefined => {
    const t = request.headers['x-callback-token'];
    return typeof t === 'string' ? t : undefined;
  };

  r.get('/api/v1/callbacks/:id', {
    config: { auth: PUBLIC },
    schema: { tags, summary: 'Where a callback request stands (X-Callback-Token, given with the request)', params: IdParams },
  }, async (request) => callbackStatus(s, await visitorCallback(s, request.params.id, tokenOf(request))));

  r.post('/api/v1/callbacks/:id/cancel', {
    config: { auth: PUBLIC },
    schema: { tags, summary: 'The visitor withdraws the request (X-Callback-Token); 409 once an advisor is calling', params: IdParams },
  }, async (request) => {
    const t = await visitorCallback(s, request.params.id, tokenOf(request));
    const c = await cancelCallback(s, t);
    if (c) afterChange(s, c);
    return callbackStatus(s, c?.after ?? t);
  });

  r.get('/api/v1/tasks/:id/callback', {
    config: { auth: { roles: [...TASK_READERS.roles], scopes: [...TASK_READERS.scopes] } },
    schema: { tags, summary: "A callback task's number, what was asked and the calls placed so far", params: IdParams },
  }, async (request) => {
    const t = await loadTask(s.db, request.params.id);
    await assertVisible(s, request.principal, t);
    return callbackView(s, t);
  });

  r.post('/api/v1/tasks/:id/callback/attempts', {
    config: { auth: { roles: ['agent', 'supervisor'], scopes: ['tasks:write'] } },
    schema: {
      tags,
      summary: 'A call that did not reach the customer: tried again later, or given up after the last attempt (reached: complete the task)',
      params: IdParams,
      body: Type.Object({
        outcome: Type.Unsafe<AttemptOutcome>({ type: 'string', enum: [...ATTEMPT_OUTCOMES] }),
        note: Type.Optional(Type.String({ maxLength: 2000 })),
      }, strict),
    },
  }, async (request) => {
    const t = await loadForWork(s, requirePrincipal(request), request.params.id, 'call');
    const { change, decision } = await recordAttempt(s, requirePrincipal(request), t, request.body.outcome, request.body.note?.trim() || null);
    afterChange(s, change);
    return { decision: decision.kind === 'retry' ? { kind: 'retry', at: new Date(decision.at).toISOString() } : decision, callback: await callbackView(s, change.after) };
  });
}

import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { deviceOf } from '@worklane/core';
import type { Services } from '../services.js';
import { IdParams } from '../http/schemas.js';
import { badRequest, notFound } from '../http/problems.js';
import { periodOf } from '../http/period.js';
import { TokenBuckets, rateLimited } from '../cases/rate-limit.js';
import { loadTask } from '../tasks/change.js';
import { assertVisible, TASK_READERS } from '../tasks/routes.js';
import { CHAT_SOURCE } from '../chat/store.js';
import { answerOffer, track } from './tracker.js';
import { engagementSummary, liveVisits, sessionById, visitDetail } from './views.js';

const PUBLIC = { public: true } as const;
const tags = ['engagement'];
const strict = { additionalProperties: false } as const;
const Key = Type.String({ minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]{16,64}$', description: 'a key Worklane made' });
const OVERSEERS = { roles: ['supervisor' as const, 'analyst' as const], scopes: ['reports:read' as const] };

const Event = Type.Object(
  {
    kind: Type.Union([Type.Literal('page'), Type.Literal('search'), Type.Literal('event'), Type.Literal('identify')]),
    path: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'page: its path or address' })),
    title: Type.Optional(Type.String({ maxLength: 500 })),
    query: Type.Optional(Type.String({ maxLength: 500, description: 'search: what was searched' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "event: its name; identify: the visitor's name" })),
    value: Type.Optional(Type.Number({ description: 'event: a value (a basket total)' })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 320, description: 'identify' })),
  },
  strict,
);

/** The website's script posts from the organization's own pages: no credentials, so any origin. */
const anyOrigin = (reply: FastifyReply) =>
  reply.header('access-control-allow-origin', '*').header('access-control-allow-methods', 'POST, OPTIONS').header('access-control-allow-headers', 'content-type').header('access-control-max-age', '600');

/** Predictive engagement (seed CE37): the website's script (public), and the views of visits for staff. */
export async function engagementRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const posts = new TokenBuckets(Number(process.env.WORKLANE_JOURNEY_BURST ?? 60), Number(process.env.WORKLANE_JOURNEY_PER_MINUTE ?? 240));

  for (const url of ['/api/v1/journey', '/api/v1/journey/offers/:id'])
    app.options(url, { config: { auth: PUBLIC }, schema: { hide: true } }, async (_request, reply) => anyOrigin(reply).code(204).send());

  r.post('/api/v1/journey', {
    config: { auth: PUBLIC },
    onRequest: rateLimited(posts, 'journey posts from your address'),
    schema: {
      tags,
      summary: "The website's script: what the visitor did (pages, searches, events, who they are); answers their visitor and visit keys and, when an action map fires, the offer to show",
      body: Type.Object(
        {
          visitor: Type.Optional(Key),
          session: Type.Optional(Key),
          url: Type.Optional(Type.String({ maxLength: 2000 })),
          referrer: Type.Optional(Type.String({ maxLength: 2000 })),
          events: Type.Array(Event, { maxItems: 20 }),
        },
        strict,
      ),
    },
  }, async (request, reply) => {
    request.body.events.forEach((e, i) => {
      const need = e.kind === 'page' ? 'path' : e.kind === 'search' ? 'query' : e.kind === 'event' ? 'name' : null;
      if (need && !e[need]) throw badRequest(`events/${i}: a ${e.kind} needs ${need}`, [{ pointer: `/events/${i}/${need}`, message: `a ${e.kind} needs ${need}` }]);
    });
    anyOrigin(reply);
    return track(s, request.body, deviceOf(String(request.headers['user-agent'] ?? '')));
  });

  r.post('/api/v1/journey/offers/:id', {
    config: { auth: PUBLIC },
    onRequest: rateLimited(posts, 'journey posts from your address'),
    schema: {
      tags,
      summary: 'The visitor answers an offer (accepted: a chat offer answers the chat page to open)',
      params: IdParams,
      body: Type.Object({ session: Key, answer: Type.Union([Type.Literal('accepted'), Type.Literal('declined')]) }, strict),
    },
  }, async (request, reply) => {
    anyOrigin(reply);
    return answerOffer(s, request.params.id, request.body.session, request.body.answer);
  });

  r.get('/api/v1/journey/live', {
    config: { auth: OVERSEERS },
    schema: {
      tags,
      summary: 'Visits going on now (active in the last `minutes`, default 10), newest first, at most 200',
      querystring: Type.Object({ minutes: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$', description: '1..1440, default 10' })) }, strict),
    },
  }, async (request) => ({ items: await liveVisits(s, Math.min(1440, Number(request.query.minutes ?? 10))) }));

  r.get('/api/v1/journey/sessions/:id', {
    config: { auth: OVERSEERS },
    schema: { tags, summary: 'One visit: its steps, segments, outcomes, scores (and what moved them), offers', params: IdParams },
  }, async (request) => visitDetail(s, await sessionById(s, request.params.id)));

  r.get('/api/v1/tasks/:id/journey', {
    config: { auth: { roles: [...TASK_READERS.roles], scopes: [...TASK_READERS.scopes] } },
    schema: { tags, summary: "The website visit a chat task's visitor came from (404 when the chat did not start on the website's script)", params: IdParams },
  }, async (request) => {
    const t = await loadTask(s.db, request.params.id);
    await assertVisible(s, request.principal, t);
    const chat = t.source === CHAT_SOURCE && t.external_id ? await s.db.selectFrom('chats').select('session_id').where('id', '=', t.external_id).executeTakeFirst() : undefined;
    if (!chat?.session_id) throw notFound(`A website visit for task ${t.id}`);
    return visitDetail(s, await sessionById(s, chat.session_id));
  });

  r.get('/api/v1/journey/summary', {
    config: { auth: OVERSEERS },
    schema: {
      tags,
      summary: "The period's visits, each action map's funnel, segments and outcomes, and web chats by origin (default the last 7 days)",
      querystring: Type.Object({ from: Type.Optional(Type.String({ format: 'date-time' })), to: Type.Optional(Type.String({ format: 'date-time' })) }, strict),
    },
  }, async (request) => {
    const { from, to } = periodOf(request.query, 7);
    return engagementSummary(s, from, to);
  });

  const modelsDto = () => ({
    trainedAt: s.engagementModels.trainedAt?.toISOString() ?? null,
    items: s.config.snapshot.engagement.outcomes.map((o) => {
      const m = s.engagementModels.models.get(o.id);
      const n = m?.visits ?? 0;
      const k = m?.reached ?? 0;
      // The features that tell most, each with the factor it multiplies the odds by.
      const telling = Object.entries(m?.features ?? {})
        .map(([feature, [a, b]]) => ({ feature, visits: a + b, factor: Math.round(Math.exp(Math.log((a + 1) / (k + 2)) - Math.log((b + 1) / (n - k + 2))) * 100) / 100 }))
        .sort((x, y) => Math.abs(Math.log(y.factor)) - Math.abs(Math.log(x.factor)))
        .slice(0, 10);
      return { outcome: { id: o.id, name: o.name }, visits: n, reached: k, predicts: n >= 30, telling };
    }),
  });

  r.get('/api/v1/journey/models', {
    config: { auth: OVERSEERS },
    schema: { tags, summary: 'The outcome models: visits learned from, how many reached the outcome, and the features that tell most' },
  }, async () => modelsDto());

  r.post('/api/v1/journey/models/train', {
    config: { auth: { roles: ['admin'], scopes: ['config:write'] } },
    schema: { tags, summary: 'Learn the outcome models again now (they are learned every 10 minutes anyway)' },
  }, async () => {
    await s.engagementModels.train();
    return modelsDto();
  });
}

import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.js';
import { IdParams } from '../http/schemas.js';
import { notFound } from '../http/problems.js';
import { periodOf } from '../http/period.js';
import { loadTask } from '../tasks/change.js';
import { assertVisible, TASK_READERS } from '../tasks/routes.js';
import { requireUser } from '../auth/guard.js';
import { analyzeTasks } from './analyzer.js';
import { TEXT_MEDIA } from './conversation.js';
import { analysisDto, analyticsSummary, findConversations } from './views.js';
import { nameIn } from '../config/names.js';

const tags = ['analytics'];
const strict = { additionalProperties: false } as const;
const OVERSEERS = { roles: ['supervisor' as const, 'analyst' as const], scopes: ['reports:read' as const] };
const PeriodQuery = {
  from: Type.Optional(Type.String({ format: 'date-time', description: 'default: 7 days before `to`' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'default: now' })),
  queue: Type.Optional(Type.String({ maxLength: 200 })),
};

/** Conversation analytics: the figures, the conversations behind them, one task's analysis. */
export async function analyticsRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/v1/analytics/summary', {
    config: { auth: OVERSEERS },
    schema: {
      tags,
      summary: "The period's finished conversations: topics (and those rising against the period before), compliance rules checked and broken per agent, customers' sentiment per agent and queue",
      querystring: Type.Object(PeriodQuery, strict),
    },
  }, async (request) => analyticsSummary(s.db, s.config.snapshot.textCategories, { ...periodOf(request.query, 7), ...(request.query.queue ? { queue: request.query.queue } : {}) }));

  r.get('/api/v1/analytics/conversations', {
    config: { auth: OVERSEERS },
    schema: {
      tags,
      summary: 'Analyzed conversations, newest first: about a topic, breaking a compliance rule (or any), by sentiment, agent or queue',
      querystring: Type.Object({
        ...PeriodQuery,
        topic: Type.Optional(Type.String({ maxLength: 63 })),
        failed: Type.Optional(Type.String({ maxLength: 63, description: "a compliance rule's id, or 'any'" })),
        sentiment: Type.Optional(Type.Union([Type.Literal('negative'), Type.Literal('positive')])),
        agent: Type.Optional(Type.String({ maxLength: 200 })),
        limit: Type.Optional(Type.String({ pattern: '^(500|[1-4][0-9]{2}|[1-9][0-9]?)$', description: '1..500, default 100' })),
      }, strict),
    },
  }, async (request) => {
    const q = request.query;
    return {
      items: await findConversations(s.db, {
        ...periodOf(q, 7), limit: Number(q.limit ?? 100),
        ...(q.queue ? { queue: q.queue } : {}), ...(q.topic ? { topic: q.topic } : {}), ...(q.failed ? { failed: q.failed } : {}),
        ...(q.sentiment ? { sentiment: q.sentiment } : {}), ...(q.agent ? { agent: q.agent } : {}),
      }, nameIn(s.config.snapshot.textCategories)),
    };
  });

  r.get('/api/v1/tasks/:id/analysis', {
    config: { auth: { roles: [...TASK_READERS.roles], scopes: [...TASK_READERS.scopes] } },
    schema: { tags, summary: "A finished conversation's analysis: topics and compliance with quotes, the customer's sentiment (404 until analyzed)", params: IdParams },
  }, async (request) => {
    const t = await loadTask(s.db, request.params.id);
    await assertVisible(s, request.principal, t);
    const a = await s.db.selectFrom('conversation_analyses').selectAll().where('task_id', '=', t.id).executeTakeFirst();
    if (!a) throw notFound(`An analysis of task ${t.id}`);
    return analysisDto(a, nameIn(s.config.snapshot.textCategories));
  });

  r.post('/api/v1/analytics/reanalyze', {
    config: { auth: { roles: ['admin'], scopes: ['admin'] } },
    schema: {
      tags,
      summary: "Read the period's finished conversations again with today's categories (after adding one); at most 5,000 a call, newest first",
      body: Type.Object({ from: Type.String({ format: 'date-time' }), to: Type.Optional(Type.String({ format: 'date-time' })) }, strict),
    },
  }, async (request) => {
    requireUser(request);
    const { from, to } = periodOf(request.body, 7, 'body');
    const tasks = await s.db.selectFrom('tasks').selectAll().where('state', '=', 'completed').where('media_type', 'in', [...TEXT_MEDIA])
      .where('completed_at', '>=', from).where('completed_at', '<', to).orderBy('completed_at', 'desc').limit(5_000).execute();
    const analyzed = await s.db.transaction().execute((trx) => analyzeTasks(trx, s.config.snapshot.textCategories, tasks));
    return { analyzed, more: tasks.length === 5_000 };
  });
}

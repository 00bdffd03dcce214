import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { Attributes, HTTP_URL_PATTERN, IdParams } from '../http/schemas.js';
import { badRequest, notFound } from '../http/problems.js';
import { prefersMinimal } from '../http/prefer.js';
import { captureMany, captureTask } from './capture.js';
import { CaptureBatcher } from './batcher.js';
import { loadTask } from './change.js';
import { TASK_STATES, effectivePriority, isFinal, supervisesTask } from '@worklane/core';
import { supervisionFor, taskScope } from '../auth/supervision.js';
import { minimalTaskDto, taskDto } from './dto.js';
import type { TaskRow } from '../db/schema.js';

const Name = Type.String({ minLength: 1, maxLength: 200 });
export const CaptureBody = Type.Object(
  {
    worktype: Name,
    externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    title: Type.String({ minLength: 1, maxLength: 500 }),
    description: Type.Optional(Type.String({ maxLength: 20_000 })),
    attributes: Type.Optional(Attributes),
    priority: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
    dueAt: Type.Optional(Type.String({ format: 'date-time' })),
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
    skills: Type.Optional(
      Type.Array(Type.Object({ skill: Name, minLevel: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })) }, { additionalProperties: false }), { maxItems: 20 }),
    ),
    language: Type.Optional(Type.String({ maxLength: 20 })),
    queue: Type.Optional(Name),
    url: Type.Optional(Type.String({ format: 'uri', pattern: HTTP_URL_PATTERN, maxLength: 2000, description: 'absolute http(s) URL' })),
    customerId: Type.Optional(Name),
    caseId: Type.Optional(Name),
  },
  { additionalProperties: false },
);

export const TASK_READERS = { roles: ['supervisor', 'analyst', 'agent'] as const, scopes: ['tasks:read', 'tasks:write'] as const };

/**
 * Admins, analysts and API keys see every task; supervisors their teams' (auth/supervision.ts);
 * agents the tasks they hold, were offered or transferred, that wait in their queues, or in their teams' bins.
 */
export async function assertVisible(s: Services, p: Principal | undefined, t: TaskRow): Promise<void> {
  if (!p || p.kind === 'api-key' || p.roles.includes('admin') || p.roles.includes('analyst')) return;
  if (p.roles.includes('supervisor') && supervisesTask(supervisionFor(s, p), taskScope(t))) return;
  if (!p.roles.includes('agent')) throw notFound(`Task ${t.id}`);
  if (t.assignee_id === p.id || t.target_agent_id === p.id) return;
  if (t.queue_id && s.config.snapshot.queues.get(t.queue_id)?.members.has(p.id)) return;
  if (t.team_bin && (await s.db.selectFrom('team_members').select('user_id').where('team_id', '=', t.team_bin).where('user_id', '=', p.id).executeTakeFirst())) return;
  const offered = await s.db.selectFrom('offers').select('id').where('task_id', '=', t.id).where('agent_id', '=', p.id).executeTakeFirst();
  if (!offered) throw notFound(`Task ${t.id}`);
}

function decodeCursor(cursor: string | undefined): { at: Date; id: string } | null {
  if (!cursor) return null;
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const d = new Date(at ?? '');
  if (!id || Number.isNaN(d.getTime())) throw badRequest('cursor is not valid', [{ pointer: '/cursor', message: 'not a cursor from this API', in: 'querystring' }]);
  return { at: d, id };
}

function idempotency(request: FastifyRequest): { principal: string; key: string } | null {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || !key) return null;
  if (key.length > 200) throw badRequest('Idempotency-Key is longer than 200 characters', [{ pointer: '/Idempotency-Key', message: 'too long', in: 'headers' }]);
  return { principal: actorOf(request.principal) ?? 'anonymous', key };
}

export async function taskRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const batcher = new CaptureBatcher(s.db, s.config, s.dispatcher);

  r.post('/api/v1/tasks', {
    config: { auth: { roles: ['supervisor', 'agent'], scopes: ['tasks:write'] } },
    schema: {
      tags: ['tasks'],
      summary: 'Capture a task',
      description:
        'With `Prefer: return=minimal` the answer is the id, state, queue and version only. When an eligible agent is free, routing decides before the commit: ' +
        'the task is then answered `offered` (or `assigned`, where the queue answers for its agents), its offer committed with it and already on the agent\'s stream.',
      body: CaptureBody,
    },
  }, async (request, reply) => {
    const idem = idempotency(request);
    const actor = actorOf(request.principal);
    // Idempotency-Key captures need the key row in their transaction: they take the single path.
    const { task, created } = idem ? await captureTask(s.db, s.config, request.body, { actor, idempotency: idem }) : await batcher.capture(request.body, actor);
    s.metrics.tasksCaptured.inc({ created: String(created) });
    if (created) {
      s.dispatcher.track(task);
      s.expiry.arm(task.expires_at);
    }
    return reply.code(created ? 201 : 200).send(prefersMinimal(request, reply) ? minimalTaskDto(task) : taskDto(task));
  });

  r.post('/api/v1/tasks/bulk', {
    config: { auth: { roles: ['supervisor'], scopes: ['tasks:write'] } },
    schema: {
      tags: ['tasks'],
      summary: 'Capture up to 1,000 tasks in one call; one result per item',
      description: 'With `Prefer: return=minimal` each created task is answered as its id, state, queue and version only (Preference-Applied says so). As for one capture, tasks that a free agent can take are committed `offered` (or `assigned`) with their offers.',
      body: Type.Object({ tasks: Type.Array(CaptureBody, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const results = await captureMany(s.db, s.config, request.body.tasks, actorOf(request.principal), { router: s.dispatcher });
    const minimal = prefersMinimal(request, reply);
    let created = 0;
    const items = results.map((r) => {
      if ('task' in r) {
        if (r.status === 201) {
          created++;
          s.dispatcher.track(r.task);
          s.expiry.arm(r.task.expires_at);
        }
        return { index: r.index, status: r.status, task: minimal ? minimalTaskDto(r.task) : taskDto(r.task) };
      }
      const p = r.problem;
      return { index: r.index, status: r.status, problem: { title: p.title, status: p.status, detail: p.detail, ...(p.errors ? { errors: p.errors } : {}) } };
    });
    s.metrics.tasksCaptured.inc({ created: 'true' }, created);
    return { created, items };
  });

  r.get('/api/v1/tasks', {
    config: { auth: { roles: ['supervisor', 'analyst'], scopes: [...TASK_READERS.scopes] } },
    schema: {
      tags: ['tasks'],
      querystring: Type.Object(
        {
          // One state, or `open`: every state but completed and canceled.
          state: Type.Optional(Type.Union([...TASK_STATES, 'open'].map((x) => Type.Literal(x)))),
          queue: Type.Optional(Type.String({ maxLength: 200 })),
          assignee: Type.Optional(Type.String({ maxLength: 200 })),
          worktype: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
          cursor: Type.Optional(Type.String({ maxLength: 500 })),
        },
        { additionalProperties: false },
      ),
    },
  }, async (request) => {
    const q = request.query;
    const limit = Math.min(Math.max(Number(q.limit ?? 50), 1), 500);
    const cursor = decodeCursor(q.cursor);
    let query = s.db.selectFrom('tasks').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1);
    const p = request.principal;
    // Supervisors list their teams' tasks only (analysts, admins and keys: all).
    if (p?.kind === 'user' && !p.roles.includes('admin') && !p.roles.includes('analyst')) {
      const sup = supervisionFor(s, p);
      if (!sup.all) {
        const [queues, people, teams] = [[...sup.queues], [...sup.people], [...sup.teams]];
        if (!queues.length && !people.length && !teams.length) return { items: [], nextCursor: null };
        query = query.where((eb) =>
          eb.or([
            ...(queues.length ? [eb('queue_id', 'in', queues)] : []),
            ...(people.length ? [eb('assignee_id', 'in', people), eb('target_agent_id', 'in', people)] : []),
            ...(teams.length ? [eb('team_bin', 'in', teams)] : []),
          ]),
        );
      }
    }
    if (q.state === 'open') query = query.where('state', 'in', TASK_STATES.filter((x) => !isFinal(x)));
    else if (q.state) query = query.where('state', '=', q.state);
    if (q.queue) query = query.where('queue_id', '=', q.queue);
    if (q.assignee) query = query.where('assignee_id', '=', q.assignee);
    if (q.worktype) query = query.where('worktype', '=', q.worktype);
    if (cursor) query = query.where((eb) => eb.or([eb('created_at', '<', cursor.at), eb.and([eb('created_at', '=', cursor.at), eb('id', '<', cursor.id)])]));
    const rows = await query.execute();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > limit && last ? Buffer.from(`${last.created_at.toISOString()}|${last.id}`).toString('base64url') : null;
    return { items: page.map(taskDto), nextCursor };
  });

  r.get('/api/v1/tasks/:id', {
    config: { auth: { roles: [...TASK_READERS.roles], scopes: [...TASK_READERS.scopes] } },
    schema: { tags: ['tasks'], params: IdParams },
  }, async (request) => {
    const t = await loadTask(s.db, request.params.id);
    await assertVisible(s, request.principal, t);
    return taskDto(t);
  });

  r.get('/api/v1/tasks/:id/events', {
    config: { auth: { roles: [...TASK_READERS.roles], scopes: [...TASK_READERS.scopes] } },
    schema: { tags: ['tasks'], summary: 'History of a task', params: IdParams },
  }, async (request) => {
    const t = await loadTask(s.db, request.params.id);
    await assertVisible(s, request.principal, t);
    const rows = await s.db.selectFrom('events').selectAll().where('task_id', '=', t.id).orderBy('id').execute();
    return { items: rows.map((e) => ({ id: String(e.id), type: e.type, at: e.at.toISOString(), actor: e.actor, data: e.data })) };
  });

  r.get('/api/v1/tasks/:id/explain', {
    config: { auth: { roles: [...TASK_READERS.roles], scopes: [...TASK_READERS.scopes] } },
    schema: { tags: ['tasks'], summary: 'Why the task is where it is: rules, priority, place in line, who is eligible and why not', params: IdParams },
  }, async (request) => {
    const t = await loadTask(s.db, request.params.id);
    await assertVisible(s, request.principal, t);
    const [offers, users] = await Promise.all([
      s.db.selectFrom('offers').selectAll().where('task_id', '=', t.id).orderBy('created_at').execute(),
      s.db.selectFrom('users').select(['id', 'name']).execute(),
    ]);
    const names = new Map(users.map((u) => [u.id, u.name]));
    const waiting = s.dispatcher.explain(t.id);
    return {
      task: { id: t.id, state: t.state, queue: t.queue_id, assignee: t.assignee_id },
      classification: t.classification,
      priority: priorityTerms(s, t),
      waiting: waiting && {
        ...waiting,
        nextStepAt: waiting.nextStepAt === null ? null : new Date(waiting.nextStepAt).toISOString(),
        agents: waiting.agents.map((a) => ({ ...a, name: names.get(a.agent) ?? a.agent })),
      },
      offers: offers.map((o) => ({ id: o.id, agent: o.agent_id, name: names.get(o.agent_id) ?? o.agent_id, state: o.state, step: o.step, reason: o.reason, at: o.created_at.toISOString(), declineReason: o.decline_reason })),
    };
  });

}

/** Effective priority and its terms: base (rules), boost (escalation, exceptions), aging and urgency (queue policy). */
function priorityTerms(s: Services, t: TaskRow) {
  const policy = t.queue_id ? s.config.snapshot.queues.get(t.queue_id)?.priorityPolicy : undefined;
  const entered = (t.entered_queue_at ?? t.created_at).getTime();
  const waiting = t.state === 'queued';
  const terms = effectivePriority(t.priority + t.priority_boost, entered, t.due_at?.getTime() ?? null, Date.now(), waiting ? policy : undefined);
  return { base: t.priority, boost: t.priority_boost, aging: terms.aging, urgency: terms.urgency, effective: terms.effective, policy: policy ?? null };
}

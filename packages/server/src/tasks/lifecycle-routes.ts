import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.js';
import { Attributes, IdParams } from '../http/schemas.js';
import { requirePrincipal } from '../auth/guard.js';
import { taskDto } from './dto.js';
import { afterChange } from './after.js';
import { onTaskFinished } from '../cases/hooks.js';
import type { Change } from './change.js';
import { supervisorsOf } from '../auth/supervision.js';
import {
  assignTask, cancelTask, completeTask, escalateTask, pauseTask, pullBackTask, reclassifyTask, rescheduleTask, resumeTask, transferTask, updateTask,
} from './lifecycle.js';

const WORKERS = { roles: ['agent' as const, 'supervisor' as const], scopes: ['tasks:write' as const] };
const SUPERVISORS = { roles: ['supervisor' as const], scopes: ['tasks:write' as const] };
const Reason = Type.String({ minLength: 1, maxLength: 1000 });
const Id = Type.String({ minLength: 1, maxLength: 200 });
const strict = { additionalProperties: false } as const;
const SkillList = Type.Array(Type.Object({ skill: Id, minLevel: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })) }, strict), { maxItems: 20 });

/** The lifecycle of a task after capture: every action is one checked transition (409 with the state when illegal). */
export async function lifecycleRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const done = (c: Change) => {
    afterChange(s, c);
    return taskDto(c.after);
  };

  r.patch('/api/v1/tasks/:id', {
    config: { auth: WORKERS },
    schema: {
      tags: ['tasks'],
      summary: 'Change a task; it is re-classified and re-prioritized',
      params: IdParams,
      body: Type.Object({
        title: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
        description: Type.Optional(Type.Union([Type.String({ maxLength: 20_000 }), Type.Null()])),
        attributes: Type.Optional(Attributes),
        priority: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
        dueAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
        expiresAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
        skills: Type.Optional(SkillList),
        language: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
        customerId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], { description: "the customer this work is for (a social conversation's author is then known by them next time)" })),
      }, { ...strict, minProperties: 1 }),
    },
  }, async (request) => done(await updateTask(s, requirePrincipal(request), request.params.id, request.body)));

  r.post('/api/v1/tasks/:id/complete', {
    config: { auth: WORKERS },
    schema: { tags: ['tasks'], params: IdParams, body: Type.Optional(Type.Object({ wrapUpCode: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), note: Type.Optional(Type.String({ maxLength: 5000 })) }, strict)) },
  }, async (request) => {
    const p = requirePrincipal(request);
    const c = await completeTask(s, p, request.params.id, request.body ?? {});
    const dto = done(c);
    await onTaskFinished(s, c); // a case's procedure moves on
    const agent = c.before.assignee_id;
    const seconds = c.before.queue_id ? (s.config.snapshot.queues.get(c.before.queue_id)?.afterWorkSeconds ?? 0) : 0;
    // After-work follows the agent's own completion (not a supervisor's or a source system's).
    if (agent && p.kind === 'user' && p.id === agent && seconds > 0) await s.dispatcher.startAfterWork(agent, seconds);
    return dto;
  });

  r.post('/api/v1/tasks/:id/cancel', {
    config: { auth: SUPERVISORS },
    schema: { tags: ['tasks'], params: IdParams, body: Type.Object({ reason: Reason }, strict) },
  }, async (request) => {
    const c = await cancelTask(s, requirePrincipal(request), request.params.id, request.body.reason);
    const dto = done(c);
    await onTaskFinished(s, c); // a case's step is finished at once, not at the next clock tick
    return dto;
  });

  r.post('/api/v1/tasks/:id/reschedule', {
    config: { auth: WORKERS },
    schema: {
      tags: ['tasks'],
      summary: 'Sleep until a time, then re-enter the queue at the original place',
      params: IdParams,
      body: Type.Object({
        until: Type.String({ format: 'date-time' }),
        reason: Type.Optional(Reason),
        keep: Type.Optional(Type.Boolean({ description: 'come back to the agent who holds it now (their personal workbin), not to the queue' })),
      }, strict),
    },
  }, async (request) => done(await rescheduleTask(s, requirePrincipal(request), request.params.id, request.body.until, request.body.reason, request.body.keep)));

  r.post('/api/v1/tasks/:id/pause', {
    config: { auth: WORKERS },
    schema: { tags: ['tasks'], summary: 'Wait on something outside', params: IdParams, body: Type.Object({ reason: Reason }, strict) },
  }, async (request) => done(await pauseTask(s, requirePrincipal(request), request.params.id, request.body.reason)));

  r.post('/api/v1/tasks/:id/resume', {
    config: { auth: WORKERS },
    schema: { tags: ['tasks'], params: IdParams },
  }, async (request) => done(await resumeTask(s, requirePrincipal(request), request.params.id)));

  r.post('/api/v1/tasks/:id/transfer', {
    config: { auth: WORKERS },
    schema: { tags: ['tasks'], summary: 'To another queue, or to one agent (their personal workbin)', params: IdParams, body: Type.Object({ queue: Type.Optional(Id), agent: Type.Optional(Id), reason: Type.Optional(Reason) }, strict) },
  }, async (request) => done(await transferTask(s, requirePrincipal(request), request.params.id, request.body)));

  r.post('/api/v1/tasks/:id/reclassify', {
    config: { auth: WORKERS },
    schema: { tags: ['tasks'], params: IdParams, body: Type.Object({ worktype: Type.Optional(Id), attributes: Type.Optional(Attributes) }, { ...strict, minProperties: 1 }) },
  }, async (request) => done(await reclassifyTask(s, requirePrincipal(request), request.params.id, request.body)));

  r.post('/api/v1/tasks/:id/escalate', {
    config: { auth: WORKERS },
    schema: { tags: ['tasks'], params: IdParams, body: Type.Object({ reason: Reason }, strict) },
  }, async (request) => {
    const c = await escalateTask(s, requirePrincipal(request), request.params.id, request.body.reason);
    s.hub.toSupervisors({ type: 'alert', level: 'warning', message: `Task "${c.after.title}" was escalated: ${request.body.reason}`, taskId: c.after.id }, supervisorsOf(s.config, c.after));
    return done(c);
  });

  r.post('/api/v1/tasks/:id/assign', {
    config: { auth: SUPERVISORS },
    schema: { tags: ['tasks'], summary: 'Supervisor: give the task to a person', params: IdParams, body: Type.Object({ agent: Id }, strict) },
  }, async (request) => taskDto((await assignTask(s, requirePrincipal(request), request.params.id, request.body.agent)).after));

  r.post('/api/v1/tasks/:id/pull-back', {
    config: { auth: SUPERVISORS },
    schema: { tags: ['tasks'], summary: 'Supervisor: take the task back from its agent into the queue', params: IdParams, body: Type.Optional(Type.Object({ reason: Type.Optional(Reason) }, strict)) },
  }, async (request) => done(await pullBackTask(s, requirePrincipal(request), request.params.id, request.body?.reason)));
}

import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.js';
import { requireUser } from '../auth/guard.js';
import { IdParams } from '../http/schemas.js';
import { unprocessable } from '../http/problems.js';
import { readPresence } from './store.js';
import { changePresence } from './change.js';
import { offerDto, taskDto } from '../tasks/dto.js';
import { SUPERVISE_ALL, supervisesPerson } from '@worklane/core';
import { supervisionFor } from '../auth/supervision.js';

const AGENT = { roles: ['agent' as const] };

export async function presenceRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/v1/me/presence', { config: { auth: { roles: 'any' } }, schema: { tags: ['people'] } }, async (request) =>
    readPresence(s.db, requireUser(request).id),
  );

  r.put('/api/v1/me/presence', {
    config: { auth: AGENT },
    schema: {
      tags: ['people'],
      body: Type.Object(
        {
          status: Type.Union([Type.Literal('available'), Type.Literal('not-ready'), Type.Literal('offline')]),
          reason: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        },
        { additionalProperties: false },
      ),
    },
  }, async (request) => {
    const u = requireUser(request);
    const { status } = request.body;
    const reason = status === 'not-ready' ? (request.body.reason ?? null) : null;
    if (status === 'not-ready' && (!reason || !s.config.snapshot.presenceReasons.has(reason)))
      throw unprocessable('/reason', `not-ready needs a reason, one of: ${[...s.config.snapshot.presenceReasons.keys()].join(', ')}`);
    return changePresence(s, u.id, status, reason, `user:${u.id}`);
  });

  r.get('/api/v1/me/offers', { config: { auth: AGENT }, schema: { tags: ['people'] } }, async (request) => {
    const u = requireUser(request);
    const offers = await s.db.selectFrom('offers').selectAll().where('agent_id', '=', u.id).where('state', '=', 'pending').orderBy('created_at').execute();
    const tasks = offers.length ? await s.db.selectFrom('tasks').selectAll().where('id', 'in', offers.map((o) => o.task_id)).execute() : [];
    const byId = new Map(tasks.map((t) => [t.id, t]));
    return { items: offers.map((o) => offerDto(o, byId.get(o.task_id))) };
  });

  r.post('/api/v1/offers/:id/accept', { config: { auth: AGENT }, schema: { tags: ['people'], params: IdParams } }, async (request) => {
    const task = await s.dispatcher.accept(request.params.id, requireUser(request).id);
    return { task: taskDto(task) };
  });

  r.post('/api/v1/offers/:id/decline', {
    config: { auth: AGENT },
    schema: { tags: ['people'], params: IdParams, body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false })) },
  }, async (request) => {
    const offer = await s.dispatcher.decline(request.params.id, requireUser(request).id, request.body?.reason ?? null);
    return { offer };
  });

  r.get('/api/v1/me/tasks', { config: { auth: AGENT }, schema: { tags: ['people'], summary: 'My work' } }, async (request) => {
    const u = requireUser(request);
    const rows = await s.db.selectFrom('tasks').selectAll().where('assignee_id', '=', u.id).where('state', 'in', ['assigned', 'wrap-up', 'paused']).orderBy('updated_at', 'desc').execute();
    return { items: rows.map(taskDto) };
  });

  r.get('/api/v1/me/scheduled', { config: { auth: AGENT }, schema: { tags: ['people'], summary: 'Rescheduled work coming back to me (kept for me), soonest first' } }, async (request) => {
    const u = requireUser(request);
    const rows = await s.db.selectFrom('tasks').selectAll().where('target_agent_id', '=', u.id).where('state', '=', 'scheduled').orderBy('wake_at').limit(200).execute();
    return { items: rows.map(taskDto) };
  });

  r.get('/api/v1/agents', {
    config: { auth: { roles: ['agent', 'supervisor'] } },
    schema: { tags: ['people'], summary: 'Agents to transfer work to: id, name, status (busy when working at an available status); a supervisor (not an agent) sees the people of their teams' },
  }, async (request) => {
    const p = requireUser(request);
    // Agents transfer to anyone; a supervisor who is not an agent oversees (and assigns to) their teams' people.
    const scope = p.roles.includes('agent') ? SUPERVISE_ALL : supervisionFor(s, p);
    const users = await s.db.selectFrom('users').select(['id', 'name']).where('disabled', '=', false).orderBy('name').execute();
    const live = new Map(s.dispatcher.agentSnapshot().filter((a) => supervisesPerson(scope, a.id)).map((a) => [a.id, a]));
    return {
      items: users.flatMap((u) => {
        const a = live.get(u.id);
        return a ? [{ id: u.id, name: u.name, status: a.shown }] : [];
      }),
    };
  });

  r.get('/api/v1/presence-reasons', { config: { auth: { roles: 'any' }, }, schema: { tags: ['people'] } }, async () => ({
    items: [...s.config.snapshot.presenceReasons].map(([code, label]) => ({ code, label })),
  }));
}

import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { FastifyRequest } from 'fastify';
import { SUPERVISE_ALL, supervisesPerson, supervisesQueue, type Supervision } from '@worklane/core';
import type { Services } from '../services.js';
import { supervisionFor } from '../auth/supervision.js';

const READ = { roles: ['supervisor' as const, 'analyst' as const], scopes: ['reports:read' as const] };

/** Supervisors see their teams' queues and people; analysts, admins and keys everything. */
function scopeOf(s: Services, request: FastifyRequest): Supervision {
  const p = request.principal;
  if (!p || p.kind === 'api-key' || p.roles.includes('analyst')) return SUPERVISE_ALL;
  return supervisionFor(s, p);
}

export async function realtimeRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.get('/api/v1/reports/realtime/queues', { config: { auth: READ }, schema: { tags: ['reports'] } }, async (request) => {
    const scope = scopeOf(s, request);
    const rows = await s.db
      .selectFrom('tasks')
      .select(['queue_id', 'state', sql<number>`count(*)::int`.as('n'), sql<Date | null>`min(entered_queue_at)`.as('oldest')])
      .where('state', 'in', ['queued', 'offered', 'assigned', 'wrap-up'])
      .groupBy(['queue_id', 'state'])
      .execute();
    const now = Date.now();
    return {
      items: [...s.config.snapshot.queues.values()].filter((q) => supervisesQueue(scope, q.id)).map((q) => {
        const mine = rows.filter((r) => r.queue_id === q.id);
        const count = (st: string[]) => mine.filter((r) => st.includes(r.state)).reduce((a, r) => a + Number(r.n), 0);
        const oldest = mine.find((r) => r.state === 'queued')?.oldest;
        return {
          queue: q.id,
          name: q.name,
          waiting: count(['queued']),
          offered: count(['offered']),
          assigned: count(['assigned', 'wrap-up']),
          oldestWaitingSeconds: oldest ? Math.round((now - new Date(oldest).getTime()) / 1000) : null,
          agentsAvailable: s.dispatcher.availableMembers(q.id),
        };
      }),
    };
  });

  app.get('/api/v1/reports/realtime/agents', { config: { auth: READ }, schema: { tags: ['reports'] } }, async (request) => {
    const scope = scopeOf(s, request);
    const [users, presence] = await Promise.all([
      s.db.selectFrom('users').select(['id', 'name']).execute(),
      s.db.selectFrom('presence').selectAll().execute(),
    ]);
    const names = new Map(users.map((u) => [u.id, u.name]));
    const pres = new Map(presence.map((p) => [p.user_id, p]));
    return {
      items: s.dispatcher.agentSnapshot().filter((a) => supervisesPerson(scope, a.id)).map((a) => {
        const p = pres.get(a.id);
        return { agent: a.id, name: names.get(a.id) ?? a.id, status: a.shown, reason: p?.reason ?? null, since: p?.since.toISOString() ?? null, load: a.load, capacity: a.capacity };
      }),
    };
  });
}

import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Services } from '../services.js';
import { migrationsApplied } from '../db/migrations.js';

export async function opsRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.get('/healthz', { config: { auth: { public: true } }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { auth: { public: true } }, schema: { hide: true } }, async (_req, reply) => {
    try {
      await sql`select 1`.execute(s.db);
      if (!(await migrationsApplied(s.db as never))) return reply.code(503).send({ status: 'migrations pending' });
      return { status: 'ready' };
    } catch (err) {
      return reply.code(503).send({ status: 'database unreachable', detail: (err as Error).message });
    }
  });
  // What the process does (routes, volumes, failures) is not for everyone: admins, or an API key with
  // `metrics:read` (Prometheus: `authorization: { credentials: <key> }` in the scrape config).
  app.get('/metrics', { config: { auth: { roles: ['admin'], scopes: ['metrics:read'] } }, schema: { hide: true } }, async (_req, reply) =>
    reply.type(s.metrics.registry.contentType).send(await s.metrics.registry.metrics()),
  );
  app.get('/api/openapi.json', { config: { auth: { public: true } }, schema: { hide: true } }, async () => app.swagger());
}

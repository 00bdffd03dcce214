import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import type { Services } from '../services.js';
import { SCOPES, actorOf, type Scope } from '../auth/principal.js';
import { apiKeyPrefix, newApiKey, sha256 } from '../auth/crypto.js';
import { IdParams } from '../http/schemas.js';
import { Problem, badRequest, notFound } from '../http/problems.js';
import { appendEvents } from '../events/append.js';
import { exportConfig } from '../config/export.js';
import { importConfig } from '../config/import.js';

const ADMIN = { roles: ['admin' as const], scopes: ['admin' as const] };
const CONFIG_READ = { roles: ['supervisor' as const, 'agent' as const, 'analyst' as const], scopes: ['config:read' as const, 'tasks:write' as const] };

export async function adminRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  // YAML bodies for config import.
  app.addContentTypeParser(['application/yaml', 'text/yaml', 'application/x-yaml'], { parseAs: 'string', bodyLimit: 5_000_000 }, (_req, body, done) => {
    try {
      done(null, parseYaml(body as string));
    } catch (err) {
      done(Object.assign(new Error(`YAML is not valid: ${(err as Error).message}`), { statusCode: 400 }), undefined);
    }
  });

  r.get('/api/v1/worktypes', { config: { auth: CONFIG_READ }, schema: { tags: ['config'] } }, async () => ({
    items: [...s.config.snapshot.worktypes.values()],
  }));
  r.get('/api/v1/worktypes/:id', { config: { auth: CONFIG_READ }, schema: { tags: ['config'], params: IdParams } }, async (request) => {
    const w = s.config.snapshot.worktypes.get(request.params.id);
    if (!w) throw notFound(`Worktype ${request.params.id}`);
    return w;
  });
  r.get('/api/v1/queues', { config: { auth: CONFIG_READ }, schema: { tags: ['config'] } }, async () => ({
    items: [...s.config.snapshot.queues.values()].map((q) => ({ ...q, members: [...q.members] })),
  }));
  r.get('/api/v1/wrap-up-codes', { config: { auth: CONFIG_READ }, schema: { tags: ['config'] } }, async () => ({
    items: [...s.config.snapshot.wrapUpCodes].map(([code, label]) => ({ code, label })),
  }));
  r.get('/api/v1/skills', { config: { auth: CONFIG_READ }, schema: { tags: ['config'] } }, async () => ({
    items: await s.db.selectFrom('skills').selectAll().orderBy('id').execute(),
  }));
  r.get('/api/v1/teams', { config: { auth: CONFIG_READ }, schema: { tags: ['config'] } }, async () => {
    const [teams, members] = await Promise.all([s.db.selectFrom('teams').selectAll().orderBy('id').execute(), s.db.selectFrom('team_members').selectAll().execute()]);
    return { items: teams.map((t) => ({ ...t, members: members.filter((m) => m.team_id === t.id).map((m) => m.user_id) })) };
  });
  r.get('/api/v1/users', { config: { auth: { roles: ['admin' as const, 'supervisor' as const], scopes: ['admin' as const] } }, schema: { tags: ['config'] } }, async () => {
    const [users, skills] = await Promise.all([
      s.db.selectFrom('users').select(['id', 'email', 'name', 'roles', 'capacity', 'disabled']).orderBy('email').execute(),
      s.db.selectFrom('user_skills').selectAll().execute(),
    ]);
    return { items: users.map((u) => ({ ...u, skills: Object.fromEntries(skills.filter((k) => k.user_id === u.id).map((k) => [k.skill_id, k.level])) })) };
  });

  r.get('/api/v1/api-keys', { config: { auth: ADMIN }, schema: { tags: ['config'] } }, async () => ({
    items: (await s.db.selectFrom('api_keys').select(['id', 'name', 'prefix', 'scopes', 'created_at', 'revoked_at']).orderBy('name').execute()).map((k) => ({
      id: k.id, name: k.name, prefix: k.prefix, scopes: k.scopes, createdAt: k.created_at.toISOString(), revokedAt: k.revoked_at?.toISOString() ?? null,
    })),
  }));
  r.post('/api/v1/api-keys', {
    config: { auth: ADMIN },
    schema: {
      tags: ['config'],
      summary: 'Create an API key; the secret is in this answer only',
      body: Type.Object(
        { name: Type.String({ minLength: 1, maxLength: 100 }), scopes: Type.Array(Type.Unsafe<Scope>({ type: 'string', enum: [...SCOPES] }), { minItems: 1, uniqueItems: true }) },
        { additionalProperties: false },
      ),
    },
  }, async (request, reply) => {
    const exists = await s.db.selectFrom('api_keys').select('id').where('name', '=', request.body.name).executeTakeFirst();
    if (exists) throw new Problem(409, 'Conflict', `An API key named "${request.body.name}" exists`, [{ pointer: '/name', message: 'already used', in: 'body' }]);
    const key = newApiKey();
    const id = randomUUID();
    await s.db.transaction().execute(async (trx) => {
      await trx.insertInto('api_keys').values({ id, name: request.body.name, prefix: apiKeyPrefix(key), key_hash: sha256(key), scopes: request.body.scopes }).execute();
      await appendEvents(trx, [{ type: 'api-key.created', actor: actorOf(request.principal), data: { id, name: request.body.name, scopes: request.body.scopes } }]);
    });
    return reply.code(201).send({ id, name: request.body.name, scopes: request.body.scopes, prefix: apiKeyPrefix(key), key });
  });
  r.delete('/api/v1/api-keys/:id', { config: { auth: ADMIN }, schema: { tags: ['config'], params: IdParams } }, async (request, reply) => {
    const done = await s.db.transaction().execute(async (trx) => {
      const k = await trx.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', request.params.id).where('revoked_at', 'is', null).returning(['id', 'name']).executeTakeFirst();
      if (k) await appendEvents(trx, [{ type: 'api-key.revoked', actor: actorOf(request.principal), data: { id: k.id, name: k.name } }]);
      return k;
    });
    if (!done) throw notFound(`API key ${request.params.id}`);
    return reply.code(204).send();
  });

  r.get('/api/v1/config/export', {
    config: { auth: ADMIN },
    schema: { tags: ['config'], querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('yaml'), Type.Literal('json')])) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const doc = await exportConfig(s.db);
    return request.query.format === 'json' ? doc : reply.type('application/yaml').send(toYaml(doc));
  });
  r.post('/api/v1/config/import', {
    config: { auth: ADMIN },
    schema: { tags: ['config'], summary: 'Import configuration (dry run unless apply=true)', querystring: Type.Object({ apply: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) }, { additionalProperties: false }) },
  }, async (request) => {
    const result = await importConfig(s.db, request.body, { apply: request.query.apply === 'true', actor: actorOf(request.principal) });
    if (result.errors.length) throw badRequest(`The configuration has ${result.errors.length} problem(s)`, result.errors.map((e) => ({ ...e, in: 'body' })));
    if (result.applied) await s.config.reload();
    return result;
  });
}

import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.js';
import { SCOPES, actorOf, type Scope } from '../auth/principal.js';
import { apiKeyPrefix, newApiKey, sha256 } from '../auth/crypto.js';
import { IdParams } from '../http/schemas.js';
import { Problem, notFound } from '../http/problems.js';
import { appendEvents } from '../events/append.js';
import { ADMIN } from './auth.js';
import { forgetCredentials } from '../auth/credential-cache.js';

/** API keys: shown once at creation, stored hashed, revoked (never deleted, for the audit trail). */
export async function apiKeyRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
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
    forgetCredentials(s.db);
    if (!done) throw notFound(`API key ${request.params.id}`);
    return reply.code(204).send();
  });
}

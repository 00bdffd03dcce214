import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Services } from '../services.js';
import { badRequest } from '../http/problems.js';
import { ADMIN } from './auth.js';

/** Event families the audit log shows: configuration, API keys, sign-ins, webhook subscriptions and retries, notification retries. */
const FAMILIES = ['config', 'api-key', 'auth', 'webhook', 'notification'];

const Query = Type.Object(
  {
    kind: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9.-]{0,80}$', description: 'an event type or its prefix: queue (config.queue.*), config, api-key, auth.login-failed...' })),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 320, description: 'user:<id>, api-key:<name>, cli, system:demo, or a user\'s e-mail' })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'exclusive' })),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: '1..500, default 100' })),
    cursor: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

/** GET /audit: who changed what, newest first, read from the events the changes appended. */
export async function auditRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/api/v1/audit', {
    config: { auth: ADMIN },
    schema: { tags: ['config'], summary: 'Audit log of configuration, API key, sign-in and webhook events', querystring: Query },
  }, async (request) => {
    const q = request.query;
    const limit = Math.min(Math.max(Number(q.limit ?? 100), 1), 500);
    let before: number | undefined;
    if (q.cursor) {
      before = Number(Buffer.from(q.cursor, 'base64url').toString('utf8'));
      if (!Number.isSafeInteger(before)) throw badRequest('cursor is not valid', [{ pointer: '/cursor', message: 'not a cursor from this API', in: 'querystring' }]);
    }
    let actor = q.actor;
    if (actor?.includes('@')) {
      const u = await s.db.selectFrom('users').select('id').where('email', '=', actor.toLowerCase()).executeTakeFirst();
      actor = `user:${u?.id ?? '-'}`;
    }
    let query = s.db
      .selectFrom('events')
      .select(['id', 'type', 'at', 'actor', 'data'])
      .where((eb) => eb.or(FAMILIES.map((f) => eb('type', 'like', `${f}.%`))))
      .orderBy('id', 'desc')
      .limit(limit + 1);
    const kind = q.kind;
    if (kind) query = query.where((eb) => eb.or([eb('type', '=', kind), eb('type', 'like', `${kind}.%`), eb('type', 'like', `config.${kind}.%`)]));
    if (actor) query = query.where('actor', '=', actor);
    if (q.from) query = query.where('at', '>=', new Date(q.from));
    if (q.to) query = query.where('at', '<', new Date(q.to));
    if (before !== undefined) query = query.where('id', '<', before);
    const rows = await query.execute();
    const items = rows.slice(0, limit).map((e) => ({ id: String(e.id), type: e.type, at: new Date(e.at).toISOString(), actor: e.actor, data: e.data }));
    const last = rows.length > limit ? items[items.length - 1] : undefined;
    return { items, nextCursor: last ? Buffer.from(last.id).toString('base64url') : null };
  });
}

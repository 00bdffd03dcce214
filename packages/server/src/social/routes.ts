import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { parseSocial } from '@worklane/core';
import type { Services } from '../services.js';
import { actorOf } from '../auth/principal.js';
import { newToken } from '../auth/crypto.js';
import { newId } from '../db/ids.js';
import { appendEvents } from '../events/append.js';
import { IdParams } from '../http/schemas.js';
import { Problem, badRequest, notFound, unauthorized } from '../http/problems.js';
import { CreateAccount, PatchAccount, accountDto, accountWarnings, checkAccount, loadAccount } from './accounts.js';
import { crcResponse, SIGNATURE_HEADER, signatureMatches } from './signature.js';
import { receivePosts } from './receive.js';

const ADMIN = { roles: ['admin' as const], scopes: ['admin' as const] };
const PUBLIC = { public: true } as const;
const tags = ['social'];

/** Social media routing (seed CE19): the administrator's accounts, and each account's webhook the platform calls. */
export async function socialRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/v1/social/accounts', {
    config: { auth: ADMIN },
    schema: { tags, summary: 'Facebook pages and Twitter accounts whose posts and messages become work (without their secrets)' },
  }, async () => ({ items: (await s.db.selectFrom('social_accounts').selectAll().orderBy('name').orderBy('id').execute()).map((a) => accountDto(a, accountWarnings(s, a))) }));

  r.post('/api/v1/social/accounts', {
    config: { auth: ADMIN },
    schema: { tags, summary: 'Add an account: its webhook path and verify token come back; its secrets never do', body: CreateAccount },
  }, async (request, reply) => {
    const b = request.body;
    checkAccount(s, b);
    const taken = await s.db.selectFrom('social_accounts').select('name').where('platform', '=', b.platform).where('external_id', '=', b.externalId).executeTakeFirst();
    if (taken) throw new Problem(422, 'Unprocessable request', `/externalId: "${taken.name}" is this ${b.platform} account already`, [{ pointer: '/externalId', message: `"${taken.name}" is this ${b.platform} account already`, in: 'body' }]);
    const row = await s.db.transaction().execute(async (trx) => {
      const a = await trx.insertInto('social_accounts').values({
        id: newId(), name: b.name.trim(), platform: b.platform, external_id: b.externalId, handle: b.handle?.replace(/^@/, '') ?? null,
        public_worktype: b.publicWorktype, private_worktype: b.privateWorktype, keywords: b.keywords ?? [],
        app_secret: b.appSecret, access_token: b.accessToken, verify_token: newToken(18), api_url: b.apiUrl ?? null, enabled: b.enabled ?? true, updated_at: new Date(),
      }).returningAll().executeTakeFirstOrThrow();
      await appendEvents(trx, [{ type: 'social.account-created', actor: actorOf(request.principal), data: { id: a.id, name: a.name, platform: a.platform } }]);
      return a;
    });
    return reply.code(201).send(accountDto(row));
  });

  r.get('/api/v1/social/accounts/:id', {
    config: { auth: ADMIN },
    schema: { tags, summary: 'One account (without its secrets)', params: IdParams },
  }, async (request) => {
    const a = await loadAccount(s.db, request.params.id);
    return accountDto(a, accountWarnings(s, a));
  });

  r.patch('/api/v1/social/accounts/:id', {
    config: { auth: ADMIN },
    schema: { tags, summary: 'Change an account (a new secret or token replaces the old one)', params: IdParams, body: PatchAccount },
  }, async (request) => {
    const b = request.body;
    checkAccount(s, b);
    const row = await s.db.transaction().execute(async (trx) => {
      const a = await trx.updateTable('social_accounts').set({
        ...(b.name !== undefined ? { name: b.name.trim() } : {}),
        ...(b.handle !== undefined ? { handle: b.handle?.replace(/^@/, '') ?? null } : {}),
        ...(b.publicWorktype !== undefined ? { public_worktype: b.publicWorktype } : {}),
        ...(b.privateWorktype !== undefined ? { private_worktype: b.privateWorktype } : {}),
        ...(b.keywords !== undefined ? { keywords: b.keywords } : {}),
        ...(b.appSecret !== undefined ? { app_secret: b.appSecret } : {}),
        ...(b.accessToken !== undefined ? { access_token: b.accessToken } : {}),
        ...(b.apiUrl !== undefined ? { api_url: b.apiUrl } : {}),
        ...(b.enabled !== undefined ? { enabled: b.enabled } : {}),
        updated_at: new Date(),
      }).where('id', '=', request.params.id).returningAll().executeTakeFirst();
      if (!a) throw notFound(`Social account ${request.params.id}`);
      // What changed, never the secrets themselves.
      const changes = Object.fromEntries(Object.entries(b).map(([k, v]) => [k, k === 'appSecret' || k === 'accessToken' ? '(replaced)' : v]));
      await appendEvents(trx, [{ type: 'social.account-updated', actor: actorOf(request.principal), data: { id: a.id, changes } }]);
      return a;
    });
    return accountDto(row);
  });

  r.delete('/api/v1/social/accounts/:id', {
    config: { auth: ADMIN },
    schema: { tags, summary: 'Remove an account (its conversations stay; answers not yet sent are dead-lettered)', params: IdParams },
  }, async (request, reply) => {
    await s.db.transaction().execute(async (trx) => {
      const a = await trx.deleteFrom('social_accounts').where('id', '=', request.params.id).returning(['id', 'name']).executeTakeFirst();
      if (!a) throw notFound(`Social account ${request.params.id}`);
      await appendEvents(trx, [{ type: 'social.account-deleted', actor: actorOf(request.principal), data: { id: a.id, name: a.name } }]);
    });
    return reply.code(204).send();
  });

  /** An enabled account; a disabled or unknown one answers as absent (the platform stops calling). */
  const live = async (id: string) => {
    const a = await s.db.selectFrom('social_accounts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!a?.enabled) throw notFound(`Social account ${id}`);
    return a;
  };

  // The platform's subscription check: Facebook's verify token handshake, Twitter's CRC.
  r.get('/api/v1/social/accounts/:id/webhook', {
    config: { auth: PUBLIC },
    schema: {
      tags,
      summary: "The platform's check of the webhook: Facebook's hub.challenge (with the account's verify token), Twitter's crc_token",
      params: IdParams,
      querystring: Type.Object({
        'hub.mode': Type.Optional(Type.String({ maxLength: 50 })),
        'hub.verify_token': Type.Optional(Type.String({ maxLength: 500 })),
        'hub.challenge': Type.Optional(Type.String({ maxLength: 500 })),
        crc_token: Type.Optional(Type.String({ maxLength: 500 })),
      }),
    },
  }, async (request, reply) => {
    const a = await live(request.params.id);
    const q = request.query;
    if (a.platform === 'twitter') {
      if (!q.crc_token) throw badRequest('Twitter checks with crc_token', [{ pointer: '/crc_token', message: 'required', in: 'querystring' }]);
      return crcResponse(a.app_secret, q.crc_token);
    }
    if (q['hub.mode'] !== 'subscribe' || !q['hub.challenge']) throw badRequest('Facebook checks with hub.mode=subscribe and hub.challenge', [{ pointer: '/hub.mode', message: 'must be subscribe, with hub.challenge', in: 'querystring' }]);
    if (q['hub.verify_token'] !== a.verify_token) throw new Problem(403, 'Forbidden', 'hub.verify_token is not this account\'s verify token');
    return reply.type('text/plain; charset=utf-8').send(q['hub.challenge']);
  });

  await app.register(async (scope) => {
    // Only here: the body as bytes, since the signature is over exactly what was sent.
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 1_000_000 }, (_req, body, done) => done(null, body));
    scope.withTypeProvider<TypeBoxTypeProvider>().post('/api/v1/social/accounts/:id/webhook', {
      config: { auth: PUBLIC },
      schema: { tags, summary: 'The platform posts what happened on the account (signed with the app secret): actionable posts and every private message become work', params: IdParams },
    }, async (request) => {
      const a = await live(request.params.id);
      const raw = request.body;
      if (!Buffer.isBuffer(raw)) throw badRequest('Send the platform\'s JSON', [{ pointer: '/', message: 'a JSON body', in: 'body' }]);
      const header = request.headers[SIGNATURE_HEADER[a.platform]];
      if (!signatureMatches(a.platform, a.app_secret, raw, typeof header === 'string' ? header : undefined)) throw unauthorized(`${SIGNATURE_HEADER[a.platform]} does not match the body signed with the account's app secret`);
      let payload: unknown;
      try {
        payload = JSON.parse(raw.toString('utf8'));
      } catch {
        throw badRequest('The body is not JSON', [{ pointer: '/', message: 'not JSON', in: 'body' }]);
      }
      const posts = parseSocial(a.platform, payload, a.external_id);
      return { items: await receivePosts(s, a, posts, request.log) };
    });
  });
}

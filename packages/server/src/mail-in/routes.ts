import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.js';
import { badRequest, conflict, notFound } from '../http/problems.js';
import { requirePrincipal } from '../auth/guard.js';
import { loadForWork } from '../tasks/lifecycle.js';
import { repliesOf, replyByMail } from './reply.js';
import { mailThread } from './thread.js';

const STATES = ['new', 'done', 'ignored', 'unrouted', 'failed'] as const;
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/**
 * HTTP intake for mail providers that post messages (raw MIME, `message/rfc822`), and the
 * administrator's view of everything received: what each message became, or why not, and retry.
 */
export async function mailInRoutes(app: FastifyInstance, s: Services): Promise<void> {
  await app.register(async (scope) => {
    // Only here: the raw message as bytes, up to the intake's limit.
    scope.addContentTypeParser('message/rfc822', { parseAs: 'buffer', bodyLimit: s.mailIn.options.maxBytes }, (_req, body, done) => done(null, body));
    scope.withTypeProvider<TypeBoxTypeProvider>().post('/api/v1/inbound/email', {
      config: { auth: { roles: ['admin'], scopes: ['tasks:write'] } },
      schema: {
        tags: ['mail'],
        summary: 'Receive one e-mail (raw MIME, Content-Type message/rfc822); it becomes a task or a case reply as SMTP intake does',
        querystring: Type.Object({ to: Type.Optional(Type.String({ maxLength: 2000, description: 'envelope recipients, comma-separated; default: the To and Cc headers' })) }, { additionalProperties: false }),
      },
    }, async (request, reply) => {
      const raw = request.body;
      if (!Buffer.isBuffer(raw) || raw.length === 0) throw badRequest('Send the message as Content-Type: message/rfc822', [{ pointer: '/', message: 'a raw e-mail message', in: 'body' }]);
      const to = (request.query.to ?? '').split(',').map((a) => a.trim()).filter(Boolean);
      const stored = await s.mailIn.receive(raw, { from: null, to }, 'http');
      return reply.code(202).send(stored);
    });
  });

  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get('/api/v1/inbound-mail', {
    config: { auth: { roles: ['admin'], scopes: ['admin'] } },
    schema: {
      tags: ['mail'],
      summary: 'Messages received, newest first, with what each became',
      querystring: Type.Object({ state: Type.Optional(Type.Union(STATES.map((x) => Type.Literal(x)))), limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: '1 to 500, default 100' })) }, { additionalProperties: false }),
    },
  }, async (request) => {
    let q = s.db
      .selectFrom('inbound_mail')
      .select(['id', 'received_at', 'via', 'envelope_from', 'recipients', 'message_id', 'size', 'state', 'attempts', 'from_address', 'subject', 'outcome', 'error', 'processed_at'])
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.min(Math.max(Number(request.query.limit ?? 100), 1), 500));
    if (request.query.state) q = q.where('state', '=', request.query.state);
    const rows = await q.execute();
    return {
      items: rows.map((m) => ({
        id: m.id,
        receivedAt: m.received_at.toISOString(),
        via: m.via,
        envelopeFrom: m.envelope_from,
        recipients: m.recipients,
        messageId: m.message_id,
        size: m.size,
        state: m.state,
        attempts: m.attempts,
        from: m.from_address,
        subject: m.subject,
        outcome: m.outcome,
        error: m.error,
        processedAt: m.processed_at ? new Date(m.processed_at).toISOString() : null,
      })),
    };
  });

  // Answering mail tasks from Worklane: who may work on the task (its agent, its supervisors, a key).
  const WORKERS = { roles: ['agent' as const, 'supervisor' as const], scopes: ['tasks:write' as const] };
  r.post('/api/v1/tasks/:id/reply', {
    config: { auth: WORKERS },
    schema: {
      tags: ['mail'],
      summary: 'Answer a task that came by e-mail: sent to its sender like a notification (retried, logged); the task history says so',
      params: IdParams,
      body: Type.Object({ body: Type.String({ minLength: 1, maxLength: 20_000 }) }, { additionalProperties: false }),
    },
  }, async (request, reply) => reply.code(202).send(await replyByMail(s, requirePrincipal(request), request.params.id, request.body.body)));

  r.get('/api/v1/tasks/:id/replies', {
    config: { auth: WORKERS },
    schema: { tags: ['mail'], summary: 'The e-mail replies sent for a task, oldest first, with their delivery state', params: IdParams },
  }, async (request) => {
    await loadForWork(s, requirePrincipal(request), request.params.id, 'see the replies of');
    return { items: await repliesOf(s, request.params.id) };
  });

  r.get('/api/v1/tasks/:id/mail', {
    config: { auth: WORKERS },
    schema: { tags: ['mail'], summary: "A mail task's conversation after its first message: the customer's follow-ups and the replies sent, oldest first", params: IdParams },
  }, async (request) => {
    await loadForWork(s, requirePrincipal(request), request.params.id, 'read the mail of');
    return { items: await mailThread(s.db, request.params.id) };
  });

  r.post('/api/v1/inbound-mail/:id/retry', {
    config: { auth: { roles: ['admin'], scopes: ['admin'] } },
    schema: { tags: ['mail'], summary: 'Look at a failed or unrouted message again (after fixing the configuration)', params: IdParams },
  }, async (request) => {
    const row = await s.db.selectFrom('inbound_mail').select(['state']).where('id', '=', request.params.id).executeTakeFirst();
    if (!row) throw notFound(`Message ${request.params.id}`);
    if (row.state !== 'failed' && row.state !== 'unrouted') throw conflict(`This message is ${row.state}; only failed or unrouted ones are retried`, { state: row.state });
    await s.db.updateTable('inbound_mail').set({ state: 'new', next_at: null, attempts: 0, error: null }).where('id', '=', request.params.id).where('state', '=', row.state).execute();
    s.mailIn.kick();
    return { id: request.params.id, state: 'new' };
  });
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CHAT_MESSAGE_MAX, RATING_MAX, RATING_MIN, fillResponse, suggestResponses } from '@worklane/core';
import type { Services } from '../services.js';
import { IdParams } from '../http/schemas.js';
import { badRequest, conflict } from '../http/problems.js';
import { requirePrincipal, requireUser } from '../auth/guard.js';
import { TokenBuckets, rateLimited } from '../cases/rate-limit.js';
import { loadTask } from '../tasks/change.js';
import { loadForWork } from '../tasks/lifecycle.js';
import { assertVisible, TASK_READERS } from '../tasks/routes.js';
import { chatOfTask, endChat, handOver, hasBot, mailTranscript, rateChat, say, startChat, topics, transcriptOf, viewOf, visitorChat } from './service.js';
import { chatById, isConversation, taskOfChat } from './store.js';
import type { TaskRow } from '../db/schema.js';
import { receiveSms } from './sms.js';
import { socialOf } from '../social/accounts.js';

// Visitors are not signed in: each chat has its own token (header X-Chat-Token), given once when
// the chat starts. It is not a cookie, so another site cannot act for a visitor (no CSRF).
const PUBLIC = { public: true } as const;
const tags = ['chat'];
const strict = { additionalProperties: false } as const;
const Body = Type.Object({ body: Type.String({ minLength: 1, maxLength: CHAT_MESSAGE_MAX }) }, strict);
const TimeZoneQuery = Type.Object({ tz: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone for the times (default UTC)' })) }, strict);
const WORKERS = { roles: ['agent' as const, 'supervisor' as const] };

const tokenOf = (request: FastifyRequest): string | undefined => {
  const t = request.headers['x-chat-token'];
  return typeof t === 'string' ? t : undefined;
};

function timeZone(tz: string | undefined): string {
  if (!tz) return 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    throw badRequest(`"${tz}" is not a time zone`, [{ pointer: '/tz', message: 'not an IANA time zone', in: 'querystring' }]);
  }
}

/** Whom the agent answers, as a standard response names them: the chat's visitor, the mail's sender. */
async function customerNameOf(s: Services, t: TaskRow): Promise<string> {
  if (isConversation(t.source) && t.external_id)
    return (await s.db.selectFrom('chats').select('visitor_name').where('id', '=', t.external_id).executeTakeFirst())?.visitor_name ?? '';
  return String((t.attributes as Record<string, unknown> | null)?.fromName ?? '') || 'there';
}

/** Web chat: the visitor's side (public, by token), the agent's side (on the chat's task), and the visitor's live page. */
export async function chatRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const starts = new TokenBuckets(Number(process.env.WORKLANE_CHAT_BURST ?? 5), Number(process.env.WORKLANE_CHAT_PER_MINUTE ?? 5));
  const lines = new TokenBuckets(30, 60);

  r.get('/api/v1/chat/topics', {
    config: { auth: PUBLIC },
    schema: { tags, summary: 'Chat topics and whether each takes a chat now (open hours, somebody signed in)' },
  }, async (_request, reply) => {
    // Read by the website's widget (widget.js) from the organization's own pages: no credentials, so any origin.
    reply.header('access-control-allow-origin', '*');
    return {
      items: await Promise.all(topics(s).map(async (t) => ({
        id: t.id,
        name: t.name,
        open: t.availability.open,
        /** The usual wait of the topic's queue over the last hour (null: nobody was answered). */
        waitSeconds: await s.waits.of(t.queue),
        ...(t.availability.open ? {} : { reason: t.availability.reason, message: t.availability.message, opensAt: t.availability.opensAt ? new Date(t.availability.opensAt).toISOString() : null }),
      }))),
    };
  });

  r.post('/api/v1/chats', {
    config: { auth: PUBLIC },
    onRequest: rateLimited(starts, 'chats started from your address'),
    schema: {
      tags,
      summary: 'Start a chat (answers the conversation and its token, once); 409 when the topic takes no chat now',
      body: Type.Object({
        topic: Type.String({ minLength: 1, maxLength: 63 }),
        name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
        email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
        message: Type.String({ minLength: 1, maxLength: CHAT_MESSAGE_MAX, pattern: '\\S' }),
        session: Type.Optional(Type.String({ minLength: 16, maxLength: 64, description: "the website visit (engage.js) the chat starts from" })),
        offer: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'the chat invitation accepted' })),
      }, strict),
    },
  }, async (request, reply) => {
    const { view, token } = await startChat(s, request.body);
    return reply.code(201).send({ chat: view, token });
  });

  r.get('/api/v1/chats/:id', {
    config: { auth: PUBLIC },
    schema: { tags, summary: 'The conversation (X-Chat-Token): where it stands, who answers, the lines so far', params: IdParams },
  }, async (request) => viewOf(s, await visitorChat(s, request.params.id, tokenOf(request))));

  r.post('/api/v1/chats/:id/messages', {
    config: { auth: PUBLIC },
    onRequest: rateLimited(lines, 'messages', (request) => `${request.ip}|${(request.params as { id: string }).id}`),
    schema: { tags, summary: 'The visitor writes (X-Chat-Token)', params: IdParams, body: Body },
  }, async (request, reply) => {
    const chat = await visitorChat(s, request.params.id, tokenOf(request));
    return reply.code(201).send(await say(s, chat, 'visitor', request.body.body, null));
  });

  r.post('/api/v1/chats/:id/handover', {
    config: { auth: PUBLIC },
    schema: { tags, summary: "The visitor asks the topic's bot for a person (X-Chat-Token): the chat waits for an advisor; 409 once it is not with the bot", params: IdParams },
  }, async (request) => {
    const chat = await visitorChat(s, request.params.id, tokenOf(request));
    const view = await viewOf(s, chat);
    if (view.phase !== 'bot' || !hasBot(s, chat)) throw conflict('This chat is not with the bot', { phase: view.phase });
    return viewOf(s, await chatById(s.db, chat.id), await handOver(s, chat, 'asked'));
  });

  r.post('/api/v1/chats/:id/end', {
    config: { auth: PUBLIC },
    schema: { tags, summary: 'The visitor leaves (X-Chat-Token); a chat still waiting is withdrawn', params: IdParams },
  }, async (request) => endChat(s, await visitorChat(s, request.params.id, tokenOf(request)), 'visitor', null));

  r.get('/api/v1/chats/:id/transcript', {
    config: { auth: PUBLIC },
    schema: { tags, summary: 'The conversation as plain text (X-Chat-Token)', params: IdParams, querystring: TimeZoneQuery },
  }, async (request, reply) => {
    const chat = await visitorChat(s, request.params.id, tokenOf(request));
    const text = await transcriptOf(s, chat, timeZone(request.query.tz));
    return reply.type('text/plain; charset=utf-8').header('content-disposition', `attachment; filename="chat-${chat.id}.txt"`).send(text);
  });

  r.post('/api/v1/chats/:id/transcript/email', {
    config: { auth: PUBLIC },
    schema: { tags, summary: 'Send the transcript to the e-mail given at the start, once the chat is over (once)', params: IdParams, querystring: TimeZoneQuery },
  }, async (request, reply) => {
    const chat = await visitorChat(s, request.params.id, tokenOf(request));
    return reply.code(202).send(await mailTranscript(s, chat, timeZone(request.query.tz)));
  });

  r.post('/api/v1/chats/:id/rating', {
    config: { auth: PUBLIC },
    schema: {
      tags,
      summary: 'The visitor rates the chat once it is over (X-Chat-Token): 1 to 5, and a comment',
      params: IdParams,
      body: Type.Object({ score: Type.Integer({ minimum: RATING_MIN, maximum: RATING_MAX }), comment: Type.Optional(Type.String({ maxLength: 2000 })) }, strict),
    },
  }, async (request, reply) => {
    const chat = await visitorChat(s, request.params.id, tokenOf(request));
    return reply.code(201).send(await rateChat(s, chat, request.body.score, request.body.comment?.trim() || null));
  });

  // The visitor's live page: the first message must be { type: 'hello', token }; then lines and
  // changes are pushed, and the page may say { type: 'typing' } (told to the agent, at most every 2 s).
  app.get('/api/v1/chats/:id/stream', { websocket: true, config: { auth: PUBLIC }, schema: { tags, hide: true } }, (socket, request) => {
    const id = (request.params as { id: string }).id;
    let leave: (() => void) | null = null;
    let lastTyping = 0;
    const hello = setTimeout(() => socket.close(4401, 'say hello with the chat token'), 10_000);
    hello.unref();
    socket.on('message', (raw) => {
      let m: { type?: unknown; token?: unknown };
      try {
        m = JSON.parse(String(raw)) as typeof m;
      } catch {
        return socket.close(4400, 'not JSON');
      }
      if (!leave && m.type === 'hello' && typeof m.token === 'string') {
        const token = m.token;
        visitorChat(s, id, token).then(() => {
          clearTimeout(hello);
          if (socket.readyState !== 1) return;
          leave = s.chats.join(id, socket);
          if (!leave) return socket.close(4429, 'too many pages open for this chat');
          socket.send(JSON.stringify({ type: 'hello' }));
        }, () => socket.close(4404, 'no such chat'));
      } else if (leave && m.type === 'typing' && Date.now() - lastTyping > 2_000) {
        lastTyping = Date.now();
        void taskOfChat(s.db, { id, channel: 'web' }).then((t) => t?.assignee_id && t.state === 'assigned' && s.chats.typing(t.id, t.assignee_id), () => {});
      }
    });
    const ping = setInterval(() => socket.readyState === 1 && socket.ping(), 25_000);
    ping.unref();
    socket.on('close', () => {
      clearInterval(ping);
      clearTimeout(hello);
      leave?.();
    });
  });

  // SMS: the carrier posts each text it receives for our numbers (an admin, or a key with tasks:write).
  r.post('/api/v1/inbound/sms', {
    config: { auth: { roles: ['admin'], scopes: ['tasks:write'] } },
    schema: {
      tags,
      summary: "Receive one SMS: it joins the customer's open conversation on that number, or starts one (a task of media type sms)",
      body: Type.Object({
        from: Type.String({ minLength: 1, maxLength: 40 }),
        to: Type.String({ minLength: 1, maxLength: 40 }),
        text: Type.String({ minLength: 1, maxLength: 4000 }),
        id: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "the carrier's message id: a retry is taken once" })),
      }, strict),
    },
  }, async (request, reply) => {
    const r = await receiveSms(s, request.body);
    return reply.code(r.started ? 201 : 200).send(r);
  });

  // The agent's side: the chat of a task they may see, and, holding it, write and end it.
  r.get('/api/v1/tasks/:id/chat', {
    config: { auth: { roles: [...TASK_READERS.roles], scopes: [...TASK_READERS.scopes] } },
    schema: { tags, summary: "A chat task's conversation, with the visitor's e-mail", params: IdParams },
  }, async (request) => {
    const t = await loadTask(s.db, request.params.id);
    await assertVisible(s, request.principal, t);
    const chat = await chatOfTask(s, t);
    return { ...(await viewOf(s, chat, t)), taskId: t.id, visitorEmail: chat.visitor_email, visitorPhone: chat.visitor_phone, visitorOnline: s.chats.following(chat.id) > 0, social: await socialOf(s.db, chat) };
  });

  r.post('/api/v1/tasks/:id/chat/messages', {
    config: { auth: WORKERS },
    schema: { tags, summary: 'Write in the chat of a task you hold', params: IdParams, body: Body },
  }, async (request, reply) => {
    const u = requireUser(request);
    const t = await loadForWork(s, requirePrincipal(request), request.params.id, 'write in the chat of');
    const chat = await chatOfTask(s, t);
    return reply.code(201).send(await say(s, chat, 'agent', request.body.body, { id: u.id, name: u.name }));
  });

  r.post('/api/v1/tasks/:id/chat/end', {
    config: { auth: WORKERS },
    schema: { tags, summary: 'End the chat of a task you hold (the task stays yours to wrap up)', params: IdParams },
  }, async (request) => {
    const u = requireUser(request);
    const t = await loadForWork(s, requirePrincipal(request), request.params.id, 'end the chat of');
    return endChat(s, await chatOfTask(s, t), 'agent', { id: u.id, name: u.name });
  });

  r.post('/api/v1/tasks/:id/chat/typing', {
    config: { auth: WORKERS },
    schema: { tags, summary: 'The agent is typing in the chat of a task they hold: the visitor sees it for a few seconds (send at most every 2 s)', params: IdParams },
  }, async (request, reply) => {
    const u = requireUser(request);
    const t = await loadForWork(s, requirePrincipal(request), request.params.id, 'write in the chat of');
    const chat = await chatOfTask(s, t);
    if (chat.channel === 'web' && t.assignee_id === u.id && t.state === 'assigned') s.chats.agentTyping(chat.id, u.name);
    return reply.code(204).send();
  });

  r.get('/api/v1/tasks/:id/responses', {
    config: { auth: WORKERS },
    schema: {
      tags,
      summary: "Standard responses for the task's queue that match `q`, names filled in",
      params: IdParams,
      querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })) }, strict),
    },
  }, async (request) => {
    const u = requireUser(request);
    const t = await loadForWork(s, requirePrincipal(request), request.params.id, 'answer');
    const visitor = await customerNameOf(s, t);
    const found = suggestResponses(s.config.snapshot.responses, t.queue_id, request.query.q ?? '');
    return { items: found.map((x) => ({ id: x.id, name: x.name, text: fillResponse(x.text, { visitor, agent: u.name }) })) };
  });
}

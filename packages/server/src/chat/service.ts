import { chatAvailability, chatPhase, DEFAULT_CHAT_WAIT_SECONDS, isSatisfied, transcriptText, type ChatAvailability, type ChatSender, type TaskState } from '@worklane/core';
import type { Services } from '../services.js';
import type { TaskRow } from '../db/schema.js';
import type { Worktype } from '../config/cache.js';
import { newId } from '../db/ids.js';
import { newToken, sha256, tokenMatches } from '../auth/crypto.js';
import { directMessage } from '../notifications/direct.js';
import { appendEvents } from '../events/append.js';
import { Problem, conflict, notFound, unprocessable } from '../http/problems.js';
import { captureTask } from '../tasks/capture.js';
import { changeTask } from '../tasks/change.js';
import { afterChange } from '../tasks/after.js';
import { findByEmail } from '../customers/store.js';
import { CHAT_SOURCE, SMS_SOURCE, asLines, chatById, chatLines, chatView, messageDto, taskOfChat, type ChatMessage, type ChatRow, type ChatView } from './store.js';

export const CHAT_ACTOR = 'chat:visitor';

/** An SMS of a conversation to `to`, through the notifications outbox. */
export const smsOut = (to: string, body: string, caseId: string | null) => directMessage({ channel: 'sms', to, body, eventType: 'chat.sms', caseId });

export interface Topic {
  id: string;
  name: string;
  /** Its default queue (where its chats wait, unless rules say otherwise). */
  queue: string;
  availability: ChatAvailability;
}

/** The chat topics (worktypes with chat settings) and whether each takes a chat now. */
export function topics(s: Services, now = Date.now()): Topic[] {
  return [...s.config.snapshot.worktypes.values()]
    .filter((w) => w.chat)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((w) => ({ id: w.id, name: w.name, queue: w.defaultQueue, availability: availabilityOf(s, w, now) }));
}

// The topic's default queue stands for who could answer (rules may send a chat elsewhere; the
// default queue is what the administrator set the topic up for).
function availabilityOf(s: Services, w: Worktype, now: number): ChatAvailability {
  const chat = w.chat ?? {};
  const cal = chat.calendar ? (s.config.snapshot.calendars.get(chat.calendar) ?? null) : null;
  return chatAvailability(chat, cal, now, s.dispatcher.signedInMembers(w.defaultQueue));
}

/** Who holds the chat's task now (their stream hears the visitor). */
const holderOf = (t: TaskRow | undefined): string | null => (t && (t.state === 'assigned' || t.state === 'paused') ? t.assignee_id : null);

export interface StartChat {
  topic: string;
  name: string;
  email?: string;
  message: string;
}

/**
 * A visitor starts a chat: the conversation (welcome and question) is committed, then its task is
 * captured like any other (media type chat, expiring after the topic's longest wait), so it waits,
 * is offered, times out and is transferred as work does. The token is given once, to the visitor.
 */
export async function startChat(s: Services, input: StartChat, now = Date.now()): Promise<{ view: ChatView; token: string }> {
  const w = s.config.snapshot.worktypes.get(input.topic);
  if (!w?.chat) throw unprocessable('/topic', `there is no chat topic "${input.topic}"`);
  const a = availabilityOf(s, w, now);
  if (!a.open) throw conflict(a.message, { reason: a.reason, opensAt: a.opensAt ? new Date(a.opensAt).toISOString() : null });
  const token = newToken();
  const id = newId();
  const name = input.name.trim();
  const email = input.email?.trim().toLowerCase() || null;
  const welcome = w.chat.welcome ?? `Thank you, ${name.split(/\s+/)[0]}. Someone from our team will be with you shortly.`;
  await s.db.transaction().execute(async (trx) => {
    await trx.insertInto('chats').values({ id, worktype: w.id, visitor_name: name, visitor_email: email, token_hash: sha256(token) }).execute();
    await trx.insertInto('chat_messages').values([
      { chat_id: id, sender: 'visitor', user_id: null, body: input.message.trim() },
      { chat_id: id, sender: 'system', user_id: null, body: welcome },
    ]).execute();
  });
  let task: TaskRow;
  try {
    const customer = email ? await findByEmail(s.db, email) : undefined;
    ({ task } = await captureTask(s.db, s.config, {
      worktype: w.id,
      source: CHAT_SOURCE,
      externalId: id,
      title: `Chat with ${name}`.slice(0, 500),
      description: input.message.trim().slice(0, 20_000),
      attributes: { visitor: name, ...(email ? { email } : {}), topic: w.id },
      expiresAt: new Date(now + (w.chat.maxWaitSeconds ?? DEFAULT_CHAT_WAIT_SECONDS) * 1000).toISOString(),
      ...(customer ? { customerId: customer.id } : {}),
    }, { actor: CHAT_ACTOR, idempotency: null }));
  } catch (err) {
    await s.db.deleteFrom('chats').where('id', '=', id).execute(); // never acknowledged: nothing half-made stays
    throw err;
  }
  s.dispatcher.track(task);
  s.expiry.arm(task.expires_at);
  s.metrics.tasksCaptured.inc({ created: 'true' });
  const chat = await chatById(s.db, id);
  return { view: await viewOf(s, chat, task), token };
}

/** The chat the visitor's token opens; a wrong token answers like a chat that does not exist. */
export async function visitorChat(s: Services, id: string, token: string | undefined): Promise<ChatRow> {
  const chat = await s.db.selectFrom('chats').selectAll().where('id', '=', id).executeTakeFirst();
  // SMS conversations have no token: their "visitor" is a phone.
  if (!chat || chat.channel !== 'web' || !tokenMatches(token, chat.token_hash)) throw notFound(`Chat ${id}`);
  return chat;
}

export async function viewOf(s: Services, chat: ChatRow, task?: TaskRow): Promise<ChatView> {
  const t = task ?? (await taskOfChat(s.db, chat));
  const position = t && (t.state === 'queued' || t.state === 'offered') ? s.dispatcher.placeInLine(t.id) : null;
  return chatView(s.db, chat, t, position, s.config.snapshot.worktypes.get(chat.worktype)?.name ?? chat.worktype);
}

const phaseOf = (chat: ChatRow, t: TaskRow | undefined) => (t ? chatPhase(t.state as TaskState, chat.ended_at !== null) : 'ended');

/** A line from the visitor (any time until the chat ends: also while waiting) or the agent holding it. */
export async function say(s: Services, chat: ChatRow, sender: Exclude<ChatSender, 'system'>, body: string, user: { id: string; name: string } | null): Promise<ChatMessage> {
  const text = body.trim();
  if (!text) throw unprocessable('/body', 'a message needs some text');
  const t = await taskOfChat(s.db, chat);
  const phase = phaseOf(chat, t);
  if (phase === 'ended') throw conflict('This chat has ended', { phase });
  if (sender === 'agent' && phase !== 'connected') throw conflict('Accept the chat before you write in it', { phase });
  // An agent's line in an SMS conversation is also an SMS, through the outbox (retried, logged), committed with it.
  const bySms = chat.channel === 'sms' && sender === 'agent' && chat.visitor_phone;
  const row = await s.db.transaction().execute(async (trx) => {
    const r = await trx.insertInto('chat_messages').values({ chat_id: chat.id, sender, user_id: user?.id ?? null, body: text }).returning(['id', 'created_at']).executeTakeFirstOrThrow();
    if (bySms) await trx.insertInto('notifications').values(smsOut(chat.visitor_phone!, text, t?.case_id ?? null)).execute();
    return r;
  });
  if (bySms) s.notifications.kick();
  const message = messageDto(row.id, sender, sender === 'visitor' ? chat.visitor_name : (user?.name ?? 'Agent'), text, row.created_at);
  s.chats.said(chat.id, t?.id ?? null, holderOf(t), message);
  return message;
}

/**
 * Either side ends the conversation (once; again is a no-op). A chat still waiting is canceled
 * ("visitor left"); one in an agent's hands stays theirs to wrap up with a code.
 */
export async function endChat(s: Services, chat: ChatRow, by: 'visitor' | 'agent', user: { id: string; name: string } | null): Promise<ChatView> {
  const t = await taskOfChat(s.db, chat);
  if (phaseOf(chat, t) === 'ended') return viewOf(s, chat, t);
  const what = chat.channel === 'sms' ? 'conversation' : 'chat';
  const line = by === 'visitor' ? `${chat.visitor_name} left the ${what}.` : `${user?.name ?? 'The agent'} ended the ${what}.`;
  const ended = await s.db.transaction().execute(async (trx) => {
    const c = await trx.updateTable('chats').set({ ended_at: new Date(), ended_by: by }).where('id', '=', chat.id).where('ended_at', 'is', null).returningAll().executeTakeFirst();
    if (!c) return undefined; // the other side was first
    await trx.insertInto('chat_messages').values({ chat_id: chat.id, sender: 'system', user_id: null, body: line }).execute();
    if (t) await appendEvents(trx, [{ type: 'chat.ended', actor: by === 'visitor' ? CHAT_ACTOR : `user:${user?.id}`, taskId: t.id, userId: user?.id ?? null, data: { chatId: chat.id, by } }]);
    return c;
  });
  let task = t;
  if (ended && t && (t.state === 'queued' || t.state === 'offered' || t.state === 'scheduled')) {
    try {
      const c = await changeTask(s.db, t, 'cancel', {
        set: { state: 'canceled', completed_at: new Date(), wake_at: null },
        events: [{ type: 'task.canceled', actor: CHAT_ACTOR, data: { reason: 'visitor left', agent: null } }],
      });
      afterChange(s, c);
      task = c.after;
    } catch (err) {
      if (!(err instanceof Problem)) throw err; // taken meanwhile: it is the agent's to wrap up
      task = await taskOfChat(s.db, chat);
    }
  }
  const after = ended ?? (await chatById(s.db, chat.id));
  s.chats.changed(chat.id, task?.id ?? null, holderOf(task) ?? t?.assignee_id ?? null);
  return viewOf(s, after, task);
}

/** The chat's task as a staff member sees it: it must be a chat. */
export async function chatOfTask(s: Services, t: TaskRow): Promise<ChatRow> {
  if ((t.source !== CHAT_SOURCE && t.source !== SMS_SOURCE) || !t.external_id) throw notFound(`A chat for task ${t.id}`);
  return chatById(s.db, t.external_id);
}

export async function transcriptOf(s: Services, chat: ChatRow, timeZone: string): Promise<string> {
  const topic = s.config.snapshot.worktypes.get(chat.worktype)?.name ?? chat.worktype;
  return transcriptText(topic, new Date(chat.created_at).getTime(), asLines(await chatLines(s.db, chat)), timeZone);
}

/** The transcript to the visitor's e-mail, once the chat is over, through the notifications outbox (retried, logged). */
export async function mailTranscript(s: Services, chat: ChatRow, timeZone: string): Promise<{ to: string }> {
  if (!chat.visitor_email) throw unprocessable('/email', 'no e-mail address was given for this chat');
  const t = await taskOfChat(s.db, chat);
  if (phaseOf(chat, t) !== 'ended') throw conflict('The transcript is sent once the chat is over', { phase: phaseOf(chat, t) });
  const body = await transcriptOf(s, chat, timeZone);
  const topic = s.config.snapshot.worktypes.get(chat.worktype)?.name ?? chat.worktype;
  const sent = await s.db.transaction().execute(async (trx) => {
    const c = await trx.updateTable('chats').set({ transcript_sent_at: new Date() }).where('id', '=', chat.id).where('transcript_sent_at', 'is', null).returning('id').executeTakeFirst();
    if (!c) return false;
    await trx
      .insertInto('notifications')
      .values(directMessage({ channel: 'email', to: chat.visitor_email!, subject: `Your chat about ${topic}`, body, eventType: 'chat.transcript', caseId: t?.case_id ?? null }))
      .execute();
    return true;
  });
  if (!sent) throw conflict('The transcript of this chat was sent already');
  s.notifications.kick();
  return { to: chat.visitor_email };
}

/**
 * The visitor rates the chat once it is over and an agent talked in it: stored with the chat, and a
 * `chat.rated` event (score, agent, queue) for the satisfaction report.
 */
export async function rateChat(s: Services, chat: ChatRow, score: number, comment: string | null): Promise<{ score: number }> {
  const t = await taskOfChat(s.db, chat);
  if (phaseOf(chat, t) !== 'ended') throw conflict('A chat is rated once it is over', { phase: phaseOf(chat, t) });
  if (!t?.assignee_id) throw conflict('Nobody answered this chat: there is nothing to rate');
  const done = await s.db.transaction().execute(async (trx) => {
    const c = await trx.updateTable('chats').set({ rating: score, rating_comment: comment, rated_at: new Date() }).where('id', '=', chat.id).where('rated_at', 'is', null).returning('id').executeTakeFirst();
    if (!c) return false;
    await appendEvents(trx, [{ type: 'chat.rated', actor: CHAT_ACTOR, taskId: t.id, userId: t.assignee_id, data: { chatId: chat.id, score, satisfied: isSatisfied(score), comment, agent: t.assignee_id, queue: t.queue_id } }]);
    return true;
  });
  if (!done) throw conflict('This chat was rated already');
  return { score };
}

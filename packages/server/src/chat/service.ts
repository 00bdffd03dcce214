import { BOT_DEFAULTS, botTurn, chatAvailability, chatPhase, DEFAULT_CHAT_WAIT_SECONDS, isSatisfied, transcriptText, type BotSettings, type ChatAvailability, type ChatSender, type TaskState } from '@worklane/core';
import type { Services } from '../services.js';
import type { TaskRow } from '../db/schema.js';
import type { Worktype } from '../config/cache.js';
import { newId } from '../db/ids.js';
import { newToken, sha256, tokenMatches } from '../auth/crypto.js';
import { directMessage } from '../notifications/direct.js';
import { socialOut } from '../social/send.js';
import { appendEvents } from '../events/append.js';
import { Problem, conflict, notFound, unprocessable } from '../http/problems.js';
import { captureTask } from '../tasks/capture.js';
import { changeTask } from '../tasks/change.js';
import { afterChange } from '../tasks/after.js';
import { findByEmail } from '../customers/store.js';
import { CHAT_SOURCE, asLines, isConversation, chatById, chatLines, chatView, messageDto, taskOfChat, type ChatMessage, type ChatRow, type ChatView } from './store.js';

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
    .map((w) => ({ id: w.id, name: w.name, queue: w.defaultQueue, availability: takesChats(s, w, now) }));
}

/** Whether the topic takes a chat now: with a bot at any time (people are asked at the hand-over). */
const takesChats = (s: Services, w: Worktype, now: number): ChatAvailability => (w.chat?.bot ? { open: true } : availabilityOf(s, w, now));

/** Whether a chat topic takes a chat now, and its queue's usual wait (predictive engagement asks before it invites). */
export async function topicNow(s: Services, id: string, now = Date.now()): Promise<{ open: boolean; waitSeconds: number | null }> {
  const w = s.config.snapshot.worktypes.get(id);
  if (!w?.chat) return { open: false, waitSeconds: null };
  if (w.chat.bot) return { open: true, waitSeconds: 0 };
  return { open: takesChats(s, w, now).open, waitSeconds: await s.waits.of(w.defaultQueue) };
}

/** The bot of a web chat's topic, if it has one (SMS conversations go to people at once). */
const botOf = (s: Services, chat: Pick<ChatRow, 'worktype' | 'channel'>): BotSettings | undefined =>
  chat.channel === 'web' ? s.config.snapshot.worktypes.get(chat.worktype)?.chat?.bot : undefined;
export const botNameOf = (s: Services, chat: Pick<ChatRow, 'worktype' | 'channel'>) => botOf(s, chat)?.name ?? BOT_DEFAULTS.name;
export const hasBot = (s: Services, chat: Pick<ChatRow, 'worktype' | 'channel'>) => botOf(s, chat) !== undefined;

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
  /** The website visit (predictive engagement's script) the chat starts from, and the offer accepted. */
  session?: string;
  offer?: string;
}

/**
 * A visitor starts a chat: the conversation (welcome and question) is committed, then its task is
 * captured like any other (media type chat, expiring after the topic's longest wait), so it waits,
 * is offered, times out and is transferred as work does. The token is given once, to the visitor.
 */
export async function startChat(s: Services, input: StartChat, now = Date.now()): Promise<{ view: ChatView; token: string }> {
  const w = s.config.snapshot.worktypes.get(input.topic);
  if (!w?.chat) throw unprocessable('/topic', `there is no chat topic "${input.topic}"`);
  const a = takesChats(s, w, now);
  if (!a.open) throw conflict(a.message, { reason: a.reason, opensAt: a.opensAt ? new Date(a.opensAt).toISOString() : null });
  const journey = await journeyOfChat(s, input);
  const token = newToken();
  const id = newId();
  const name = input.name.trim();
  const email = input.email?.trim().toLowerCase() || null;
  const welcome = w.chat.welcome ?? `Thank you, ${name.split(/\s+/)[0]}. Someone from our team will be with you shortly.`;
  await s.db.transaction().execute(async (trx) => {
    await trx.insertInto('chats').values({ id, worktype: w.id, visitor_name: name, visitor_email: email, token_hash: sha256(token), session_id: journey?.session ?? null, offer_id: journey?.offer ?? null }).execute();
    if (journey) await trx.updateTable('web_sessions').set({ chat_id: id }).where('id', '=', journey.session).execute();
    await trx.insertInto('chat_messages').values([
      { chat_id: id, sender: 'visitor', user_id: null, body: input.message.trim() },
      ...(w.chat!.bot ? [] : [{ chat_id: id, sender: 'system', user_id: null, body: welcome }]),
    ]).execute();
  });
  if (w.chat.bot) {
    const task = await botAnswers(s, await chatById(s.db, id), input.message.trim(), now);
    return { view: await viewOf(s, await chatById(s.db, id), task), token };
  }
  let task: TaskRow;
  try {
    task = await captureChatTask(s, { id, name, email, topic: w.id, session: journey?.session ?? null, invitedBy: journey?.invitedBy ?? null }, input.message.trim(), {}, now);
  } catch (err) {
    await s.db.deleteFrom('chats').where('id', '=', id).execute(); // never acknowledged: nothing half-made stays
    throw err;
  }
  const chat = await chatById(s.db, id);
  return { view: await viewOf(s, chat, task), token };
}

/**
 * The website visit a chat starts from: the visit must exist; an offer, if named, must be this
 * visit's chat offer on this topic, accepted (a chat started from the invitation).
 */
async function journeyOfChat(s: Services, input: StartChat): Promise<{ session: string; offer: string | null; invitedBy: string | null } | undefined> {
  if (!input.session) {
    if (input.offer) throw unprocessable('/session', 'an offer is answered within its visit: give the session');
    return undefined;
  }
  const visit = await s.db.selectFrom('web_sessions').select('id').where('id', '=', input.session).executeTakeFirst();
  if (!visit) throw unprocessable('/session', 'there is no such website visit');
  if (!input.offer) return { session: visit.id, offer: null, invitedBy: null };
  const o = await s.db.selectFrom('engagement_offers').select(['state', 'action_map']).where('id', '=', input.offer).where('session_id', '=', visit.id).executeTakeFirst();
  const map = o && s.config.snapshot.engagement.actionMaps.find((m) => m.id === o.action_map);
  if (!o || o.state !== 'accepted' || map?.action.kind !== 'chat' || map.action.topic !== input.topic) throw unprocessable('/offer', 'not an accepted chat invitation of this visit on this topic');
  // One chat per invitation: the funnel counts what an invitation led to.
  if (await s.db.selectFrom('chats').select('id').where('offer_id', '=', input.offer).executeTakeFirst()) throw unprocessable('/offer', 'this invitation has started a chat already');
  return { session: visit.id, offer: input.offer, invitedBy: o.action_map };
}

/**
 * What routing rules and the agent learn of the visit: its segments, scores and the invitation (as
 * attributes). `invitedBy`: the action map that invited, when the caller knows it (undefined: read
 * from the chat's offer, as for a bot's hand-over).
 */
async function journeyAttributes(s: Services, session: string, chatId: string, invitedBy: string | null | undefined): Promise<Record<string, unknown> | undefined> {
  const v = await s.db.selectFrom('web_sessions').select(['visit', 'segments', 'scores', 'reached']).where('id', '=', session).executeTakeFirst();
  if (!v) return undefined;
  const map =
    invitedBy !== undefined
      ? invitedBy
      : ((await s.db.selectFrom('chats').innerJoin('engagement_offers as o', 'o.id', 'chats.offer_id').select('o.action_map').where('chats.id', '=', chatId).executeTakeFirst())?.action_map ?? null);
  return { session, visit: v.visit, segments: v.segments, scores: v.scores, reached: v.reached, ...(map ? { invitedBy: map } : {}) };
}

/** The chat's task, captured like any other (media type chat, expiring after the topic's longest wait). */
async function captureChatTask(s: Services, c: { id: string; name: string; email: string | null; topic: string; session: string | null; invitedBy?: string | null }, description: string, more: Record<string, unknown>, now: number): Promise<TaskRow> {
  const w = s.config.snapshot.worktypes.get(c.topic)!;
  const journey = c.session ? await journeyAttributes(s, c.session, c.id, c.invitedBy) : undefined;
  const customer = c.email ? await findByEmail(s.db, c.email) : undefined;
  const { task } = await captureTask(s.db, s.config, {
    worktype: w.id,
    source: CHAT_SOURCE,
    externalId: c.id,
    title: `Chat with ${c.name}`.slice(0, 500),
    description: description.slice(0, 20_000),
    attributes: { visitor: c.name, ...(c.email ? { email: c.email } : {}), topic: w.id, ...(journey ? { journey } : {}), ...more },
    expiresAt: new Date(now + (w.chat?.maxWaitSeconds ?? DEFAULT_CHAT_WAIT_SECONDS) * 1000).toISOString(),
    ...(customer ? { customerId: customer.id } : {}),
  }, { actor: CHAT_ACTOR, idempotency: null });
  s.dispatcher.track(task);
  s.expiry.arm(task.expires_at);
  s.metrics.tasksCaptured.inc({ created: 'true' });
  return task;
}

/** A line of the bot, committed, then pushed to the visitor's page. */
async function botSays(s: Services, chat: ChatRow, body: string, misses?: number): Promise<void> {
  const row = await s.db.transaction().execute(async (trx) => {
    if (misses !== undefined) await trx.updateTable('chats').set({ bot_misses: misses }).where('id', '=', chat.id).execute();
    return trx.insertInto('chat_messages').values({ chat_id: chat.id, sender: 'bot', user_id: null, body }).returning(['id', 'created_at']).executeTakeFirstOrThrow();
  });
  s.chats.said(chat.id, null, null, messageDto(row.id, 'bot', botNameOf(s, chat), body, row.created_at));
}

/** The bot's turn after a visitor's line (core `botTurn`): an answer, "say it another way", or the hand-over. */
async function botAnswers(s: Services, chat: ChatRow, line: string, now = Date.now()): Promise<TaskRow | undefined> {
  const turn = botTurn(botOf(s, chat)!, line, chat.bot_misses);
  await botSays(s, chat, turn.text, turn.kind === 'retry' ? chat.bot_misses + 1 : undefined);
  return turn.kind === 'handover' ? handOver(s, chat, turn.reason, now) : undefined;
}

/**
 * The bot hands the chat to a person: its task is captured now (what the visitor wrote as its
 * description, why in its attributes) and waits like any chat. With nobody to take it (closed,
 * nobody signed in) the bot says so and stays.
 */
export async function handOver(s: Services, chat: ChatRow, reason: 'asked' | 'not-understood', now = Date.now()): Promise<TaskRow | undefined> {
  const w = s.config.snapshot.worktypes.get(chat.worktype);
  if (!w) throw notFound(`Chat topic ${chat.worktype}`);
  const a = availabilityOf(s, w, now);
  if (!a.open) {
    await botSays(s, chat, a.message);
    return undefined;
  }
  // Once: two lines at once must not both hand over.
  const mine = await s.db.updateTable('chats').set({ handed_over_at: new Date(now) }).where('id', '=', chat.id).where('handed_over_at', 'is', null).where('ended_at', 'is', null).returning('id').executeTakeFirst();
  if (!mine) return taskOfChat(s.db, chat);
  const asked = (await chatLines(s.db, chat)).filter((m) => m.sender === 'visitor').map((m) => m.body).join('\n');
  try {
    const task = await captureChatTask(s, { id: chat.id, name: chat.visitor_name, email: chat.visitor_email, topic: w.id, session: chat.session_id }, asked, { bot: reason }, now);
    await appendEvents(s.db, [{ type: 'chat.handed-over', actor: CHAT_ACTOR, taskId: task.id, data: { chatId: chat.id, reason, queue: task.queue_id } }]);
    s.chats.changed(chat.id, task.id, null);
    return task;
  } catch (err) {
    await s.db.updateTable('chats').set({ handed_over_at: null }).where('id', '=', chat.id).execute(); // the bot stays; a later line may try again
    throw err;
  }
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
  return chatView(s.db, chat, t, position, s.config.snapshot.worktypes.get(chat.worktype)?.name ?? chat.worktype, botNameOf(s, chat));
}

const phaseOf = (chat: ChatRow, t: TaskRow | undefined) => (t ? chatPhase(t.state as TaskState, chat.ended_at !== null) : chat.ended_at ? 'ended' : 'bot');

/** A line from the visitor (any time until the chat ends: also while waiting) or the agent holding it. */
export async function say(s: Services, chat: ChatRow, sender: Exclude<ChatSender, 'system'>, body: string, user: { id: string; name: string } | null): Promise<ChatMessage> {
  const text = body.trim();
  if (!text) throw unprocessable('/body', 'a message needs some text');
  const t = await taskOfChat(s.db, chat);
  const phase = phaseOf(chat, t);
  if (phase === 'ended') throw conflict('This chat has ended', { phase });
  if (sender === 'agent' && phase !== 'connected') throw conflict('Accept the chat before you write in it', { phase });
  // An agent's line in an SMS or social conversation is also sent there, through the outbox (retried, logged), committed with it.
  const out = sender !== 'agent' ? null : chat.channel === 'sms' && chat.visitor_phone ? smsOut(chat.visitor_phone, text, t?.case_id ?? null) : chat.channel === 'social' ? socialOut(chat, text, t?.case_id ?? null) : null;
  const row = await s.db.transaction().execute(async (trx) => {
    const r = await trx.insertInto('chat_messages').values({ chat_id: chat.id, sender, user_id: user?.id ?? null, body: text }).returning(['id', 'created_at']).executeTakeFirstOrThrow();
    if (out) await trx.insertInto('notifications').values(out).execute();
    return r;
  });
  if (out) s.notifications.kick();
  const message = messageDto(row.id, sender, sender === 'visitor' ? chat.visitor_name : (user?.name ?? 'Agent'), text, row.created_at);
  s.chats.said(chat.id, t?.id ?? null, holderOf(t), message);
  // Only a topic's bot talks (a chat of another topic has no task just for the moment its task is captured).
  if (phase === 'bot' && sender === 'visitor' && hasBot(s, chat)) await botAnswers(s, await chatById(s.db, chat.id), text);
  return message;
}

/**
 * Either side ends the conversation (once; again is a no-op). A chat still waiting is canceled
 * ("visitor left"); one in an agent's hands stays theirs to wrap up with a code.
 */
export async function endChat(s: Services, chat: ChatRow, by: 'visitor' | 'agent', user: { id: string; name: string } | null): Promise<ChatView> {
  const t = await taskOfChat(s.db, chat);
  if (phaseOf(chat, t) === 'ended') return viewOf(s, chat, t);
  const what = chat.channel === 'web' ? 'chat' : 'conversation';
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
  if (!isConversation(t.source) || !t.external_id) throw notFound(`A chat for task ${t.id}`);
  return chatById(s.db, t.external_id);
}

export async function transcriptOf(s: Services, chat: ChatRow, timeZone: string): Promise<string> {
  const topic = s.config.snapshot.worktypes.get(chat.worktype)?.name ?? chat.worktype;
  return transcriptText(topic, new Date(chat.created_at).getTime(), asLines(await chatLines(s.db, chat, botNameOf(s, chat))), timeZone);
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

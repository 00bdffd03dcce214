import { sql, type Kysely, type Selectable } from 'kysely';
import { chatPhase, type ChatLine, type ChatPhase, type ChatSender, type TaskState } from '@worklane/core';
import type { ChatsTable, DB, TaskRow } from '../db/schema.js';
import { notFound } from '../http/problems.js';

export type ChatRow = Selectable<ChatsTable>;

/** Source of the tasks chats wait as (web chat, SMS): the chat's id is the task's external id. */
export const CHAT_SOURCE = 'chat';
export const SMS_SOURCE = 'sms';
export const SOCIAL_SOURCE = 'social';
/** Each channel's conversations wait as tasks of this source (web chats as 'chat'). */
export const sourceOf = (chat: Pick<ChatRow, 'channel'>) => (chat.channel === 'sms' ? SMS_SOURCE : chat.channel === 'social' ? SOCIAL_SOURCE : CHAT_SOURCE);
/** Whether a task's source is a conversation (a chat, an SMS or a social media conversation). */
export const isConversation = (source: string | null | undefined): boolean => source === CHAT_SOURCE || source === SMS_SOURCE || source === SOCIAL_SOURCE;
export type ChatChannel = 'web' | 'sms' | 'social';

export interface ChatMessage {
  id: string;
  sender: ChatSender;
  /** The agent's or the visitor's name; empty for lines from Worklane. */
  name: string;
  body: string;
  at: string;
}

/** How the conversation ended, as the visitor is told. */
export type ChatEnd = 'visitor' | 'agent' | 'expired' | 'idle' | 'canceled' | null;

/** The conversation as either side sees it (the staff's view adds the visitor's e-mail and the task). */
export interface ChatView {
  id: string;
  /** web: the visitor's page; sms: text messages to and from `visitor.phone`; social: a social media account's posts or private messages. */
  channel: ChatChannel;
  topic: { id: string; name: string };
  phase: ChatPhase;
  endedBy: ChatEnd;
  visitor: { name: string };
  agent: { name: string } | null;
  /** 1-based place in line while waiting (null otherwise). */
  position: number | null;
  startedAt: string;
  /** The visitor's rating once given (1 to 5). */
  rating: number | null;
  messages: ChatMessage[];
}

export async function chatById(db: Kysely<DB>, id: string): Promise<ChatRow> {
  const c = await db.selectFrom('chats').selectAll().where('id', '=', id).executeTakeFirst();
  if (!c) throw notFound(`Chat ${id}`);
  return c;
}

/** The task a chat waits or is talked in as (by the unique source + external id index). */
export async function taskOfChat(db: Kysely<DB>, chat: Pick<ChatRow, 'id' | 'channel'>): Promise<TaskRow | undefined> {
  return db.selectFrom('tasks').selectAll().where(sql<string>`coalesce(source, '')`, '=', sourceOf(chat)).where('external_id', '=', chat.id).executeTakeFirst();
}

/** The conversation's lines; the bot's signed `botName`. */
export async function chatLines(db: Kysely<DB>, chat: ChatRow, botName = 'Assistant'): Promise<ChatMessage[]> {
  const rows = await db
    .selectFrom('chat_messages as m')
    .leftJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.id', 'm.sender', 'm.body', 'm.created_at', 'u.name as user_name'])
    .where('m.chat_id', '=', chat.id)
    .orderBy('m.id')
    .limit(5000)
    .execute();
  return rows.map((r) => messageDto(r.id, r.sender as ChatSender, r.sender === 'visitor' ? chat.visitor_name : r.sender === 'agent' ? (r.user_name ?? 'Agent') : r.sender === 'bot' ? botName : '', r.body, r.created_at));
}

export const messageDto = (id: string | number, sender: ChatSender, name: string, body: string, at: Date): ChatMessage => ({
  id: String(id),
  sender,
  name,
  body,
  at: new Date(at).toISOString(),
});

/** The lines as core's transcript takes them. */
export const asLines = (ms: readonly ChatMessage[]): ChatLine[] => ms.map((m) => ({ sender: m.sender, name: m.name, body: m.body, at: Date.parse(m.at) }));

/** Why a chat is over, from who ended it or how its task finished. */
export function endOf(chat: ChatRow, task: TaskRow | undefined): ChatEnd {
  if (chat.ended_by === 'visitor' || chat.ended_by === 'agent' || chat.ended_by === 'idle') return chat.ended_by;
  if (!task) return 'canceled';
  if (task.state === 'canceled') return task.expires_at && task.completed_at && task.completed_at >= task.expires_at ? 'expired' : 'canceled';
  return chatPhase(task.state as TaskState, false) === 'ended' ? 'agent' : null;
}

export async function chatView(db: Kysely<DB>, chat: ChatRow, task: TaskRow | undefined, position: number | null, topicName: string, botName?: string): Promise<ChatView> {
  // No task: the topic's bot is talking (a chat of a topic without a bot always has one).
  const phase: ChatPhase = task ? chatPhase(task.state as TaskState, chat.ended_at !== null) : chat.ended_at ? 'ended' : 'bot';
  const agent = task?.assignee_id && phase !== 'waiting' ? await db.selectFrom('users').select('name').where('id', '=', task.assignee_id).executeTakeFirst() : undefined;
  return {
    id: chat.id,
    channel: chat.channel as ChatChannel,
    topic: { id: chat.worktype, name: topicName },
    phase,
    endedBy: phase === 'ended' ? endOf(chat, task) : null,
    visitor: { name: chat.visitor_name },
    agent: agent ? { name: agent.name } : null,
    position: phase === 'waiting' ? position : null,
    startedAt: new Date(chat.created_at).toISOString(),
    rating: chat.rating,
    messages: await chatLines(db, chat, botName),
  };
}

import type { Kysely } from 'kysely';
import type { ConversationLine } from '@worklane/core';
import type { DB, TaskRow } from '../db/schema.js';
import { CHAT_SOURCE, SMS_SOURCE, chatLines } from '../chat/store.js';
import { mailThread } from '../mail-in/thread.js';

/** Media types whose work is a conversation in text, read by the analyzer. */
export const TEXT_MEDIA = ['chat', 'sms', 'email'] as const;

/**
 * What the customer and the agent wrote in a task's conversation, in order: a chat's or SMS
 * conversation's lines (the bot's and Worklane's own left out), or an e-mail's first message, the
 * customer's follow-ups and the replies sent. Null for work that is not a conversation.
 */
export async function conversationOf(db: Kysely<DB>, t: Pick<TaskRow, 'id' | 'source' | 'external_id' | 'media_type' | 'description'>): Promise<ConversationLine[] | null> {
  if ((t.source === CHAT_SOURCE || t.source === SMS_SOURCE) && t.external_id) {
    const chat = await db.selectFrom('chats').selectAll().where('id', '=', t.external_id).executeTakeFirst();
    if (!chat) return null;
    return (await chatLines(db, chat)).flatMap((m): ConversationLine[] => (m.sender === 'visitor' ? [{ speaker: 'customer', text: m.body }] : m.sender === 'agent' ? [{ speaker: 'agent', text: m.body }] : []));
  }
  if (t.media_type === 'email') {
    const thread = await mailThread(db, t.id);
    const first: ConversationLine[] = t.description ? [{ speaker: 'customer', text: t.description }] : [];
    return [...first, ...thread.map((m): ConversationLine => ({ speaker: m.direction === 'in' ? 'customer' : 'agent', text: m.text }))];
  }
  return null;
}

import type { Kysely } from 'kysely';
import type { ConversationLine } from '@worklane/core';
import type { DB, TaskRow } from '../db/schema.js';
import { isConversation } from '../chat/store.js';
import { mailThread } from '../mail-in/thread.js';

/** Media types whose work is a conversation in text, read by the analyzer. */
export const TEXT_MEDIA = ['chat', 'sms', 'social', 'email'] as const;

type TaskPart = Pick<TaskRow, 'id' | 'source' | 'external_id' | 'media_type' | 'description'>;

/**
 * What the customer and the agent wrote in each task's conversation, in order: a chat's or SMS
 * conversation's lines (the bot's and Worklane's own left out), or an e-mail's first message, the
 * customer's follow-ups and the replies sent; null for work that is not a conversation. Every
 * chat's lines come in one query; e-mail threads one by one.
 */
export async function conversationsOf(db: Kysely<DB>, tasks: readonly TaskPart[]): Promise<Map<string, ConversationLine[] | null>> {
  const out = new Map<string, ConversationLine[] | null>(tasks.map((t) => [t.id, null]));
  const chatTask = new Map(tasks.filter((t) => isConversation(t.source) && t.external_id).map((t) => [t.external_id!, t.id]));
  if (chatTask.size) {
    const rows = await db
      .selectFrom('chat_messages')
      .select(['chat_id', 'sender', 'body'])
      .where('chat_id', 'in', [...chatTask.keys()])
      .where('sender', 'in', ['visitor', 'agent'])
      .orderBy('chat_id')
      .orderBy('id')
      .execute();
    for (const r of rows) {
      const id = chatTask.get(r.chat_id)!;
      const lines = out.get(id) ?? [];
      lines.push({ speaker: r.sender === 'visitor' ? 'customer' : 'agent', text: r.body });
      out.set(id, lines);
    }
  }
  for (const t of tasks) {
    if (t.media_type !== 'email' || chatTask.has(t.external_id ?? '')) continue;
    const thread = await mailThread(db, t.id);
    const first: ConversationLine[] = t.description ? [{ speaker: 'customer', text: t.description }] : [];
    out.set(t.id, [...first, ...thread.map((m): ConversationLine => ({ speaker: m.direction === 'in' ? 'customer' : 'agent', text: m.text }))]);
  }
  return out;
}

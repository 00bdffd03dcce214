import type { Kysely, Transaction } from 'kysely';
import { isFinal, type TaskState } from '@worklane/core';
import type { Services } from '../services.js';
import type { DB, TaskRow } from '../db/schema.js';
import { messageDto, taskOfChat, type ChatRow } from './store.js';

// What the channels that receive customers' messages from a provider (SMS carriers, social media
// platforms) share: a provider's message id is taken once, and a message joins the customer's
// conversation that is still going.

export interface Going {
  chat: ChatRow;
  task: TaskRow;
}

/** The conversation and task a provider's message id went into (null: not taken yet). */
export async function takenInto(db: Kysely<DB>, externalId: string): Promise<{ chatId: string; taskId: string | null } | null> {
  const seen = await db.selectFrom('chat_messages as m').innerJoin('chats as c', 'c.id', 'm.chat_id').select(['c.id', 'c.channel']).where('m.external_id', '=', externalId).executeTakeFirst();
  if (!seen) return null;
  return { chatId: seen.id, taskId: (await taskOfChat(db, seen))?.id ?? null };
}

/**
 * Takes a provider's message once: `take` runs unless the id was taken; the same message posted
 * twice at once lets one in (the unique message id) and the other answers with it.
 */
export async function takeOnce<T>(db: Kysely<DB>, externalId: string | null, taken: (t: { chatId: string; taskId: string | null }) => T, take: () => Promise<T>): Promise<T> {
  const seen = externalId ? await takenInto(db, externalId) : null;
  if (seen) return taken(seen);
  try {
    return await take();
  } catch (err) {
    const first = externalId && (err as { code?: string }).code === '23505' ? await takenInto(db, externalId) : null;
    if (first) return taken(first);
    throw err;
  }
}

/** The newest of these conversations whose task is still going: not finished, not in wrap-up. */
export async function stillGoing(db: Kysely<DB>, chats: readonly ChatRow[]): Promise<Going | null> {
  for (const chat of chats) {
    const task = await taskOfChat(db, chat);
    if (task && !isFinal(task.state as TaskState) && task.state !== 'wrap-up') return { chat, task };
  }
  return null;
}

/** The customer's message joins their conversation: committed (with `also`), then pushed to the agent holding it. */
export async function customerSays(s: Services, open: Going, body: string, externalId: string | null, also?: (trx: Transaction<DB>) => Promise<unknown>): Promise<void> {
  const row = await s.db.transaction().execute(async (trx) => {
    await also?.(trx);
    return trx.insertInto('chat_messages').values({ chat_id: open.chat.id, sender: 'visitor', user_id: null, body, external_id: externalId }).returning(['id', 'created_at']).executeTakeFirstOrThrow();
  });
  const holder = open.task.state === 'assigned' || open.task.state === 'paused' ? open.task.assignee_id : null;
  s.chats.said(open.chat.id, open.task.id, holder, messageDto(row.id, 'visitor', open.chat.visitor_name, body, row.created_at));
}

import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';

// Who a social author is: once an agent links a conversation to a customer, the author's id on
// that account (Facebook ids are per page, Twitter's per platform: per account covers both) finds
// the customer for their next conversations (`customer_identities`).

const channelOf = (account: string) => `social:${account}`;

/** The conversation (a chat of channel social) is the customer's: its author is remembered as them, or moved to them. */
export async function rememberAuthor(trx: Transaction<DB>, chatId: string, customerId: string, actor: string | null): Promise<void> {
  const chat = await trx.selectFrom('chats').select(['social_account', 'social_user']).where('id', '=', chatId).executeTakeFirst();
  if (!chat?.social_account || !chat.social_user) return;
  await trx.insertInto('customer_identities')
    .values({ channel: channelOf(chat.social_account), identity: chat.social_user, customer_id: customerId, linked_by: actor })
    .onConflict((oc) => oc.columns(['channel', 'identity']).doUpdateSet({ customer_id: customerId, linked_by: actor, linked_at: new Date() }))
    .execute();
}

/** The customer an author on this account was linked to, if any. */
export async function customerOfAuthor(db: Kysely<DB>, account: string, author: string): Promise<string | null> {
  const row = await db.selectFrom('customer_identities').select('customer_id').where('channel', '=', channelOf(account)).where('identity', '=', author).executeTakeFirst();
  return row?.customer_id ?? null;
}

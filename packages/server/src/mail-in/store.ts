import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { newId } from '../db/ids.js';

export interface Envelope {
  /** MAIL FROM (empty string: a bounce); null when the transport has no envelope (HTTP). */
  from: string | null;
  /** RCPT TO; empty when the transport has none (then the To and Cc headers count). */
  to: string[];
}

/** The Message-ID header of a raw message, without its angle brackets (null: none). */
export function messageIdOf(raw: Buffer): string | null {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end >= 0 ? end : Math.min(raw.length, 64 * 1024)).toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const m = /^message-id:\s*<?([^<>\s]{1,900})>?/im.exec(head);
  return m ? m[1]! : null;
}

/**
 * Stores a received message, committed before the sender hears "accepted" (the SMTP 250, the HTTP
 * 202). A message already received (same Message-ID) is not stored twice: `duplicate`.
 */
export async function receiveMail(db: Kysely<DB>, raw: Buffer, envelope: Envelope, via: 'smtp' | 'http'): Promise<{ id: string; duplicate: boolean }> {
  const messageId = messageIdOf(raw);
  const row = await db
    .insertInto('inbound_mail')
    .values({ id: newId(), via, envelope_from: envelope.from, recipients: envelope.to.map((a) => a.toLowerCase()), message_id: messageId, raw, size: raw.length })
    .onConflict((oc) => oc.column('message_id').where('message_id', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (row) return { id: row.id, duplicate: false };
  const first = await db.selectFrom('inbound_mail').select('id').where('message_id', '=', messageId).executeTakeFirstOrThrow();
  return { id: first.id, duplicate: true };
}

import { sql } from 'kysely';
import { normalizePhone } from '@worklane/core';
import type { Services } from '../services.js';
import type { TaskRow } from '../db/schema.js';
import type { Worktype } from '../config/cache.js';
import { newId } from '../db/ids.js';
import { unprocessable } from '../http/problems.js';
import { captureTask } from '../tasks/capture.js';
import { SMS_SOURCE } from './store.js';
import { customerSays, stillGoing, takeOnce, type Going } from './inbound.js';
import { smsOut } from './service.js';

export interface InboundSms {
  from: string;
  to: string;
  text: string;
  /** The carrier's message id: a retried webhook is taken once. */
  id?: string;
}

export interface SmsReceived {
  chatId: string;
  taskId: string;
  /** A new conversation (and task) started; otherwise the text joined the customer's open one. */
  started: boolean;
  duplicate: boolean;
}

const ACTOR = 'sms:customer';

/** The customer with this number, compared as dialled (profiles keep numbers as people typed them). */
async function customerByPhone(s: Services, phone: string) {
  return s.db.selectFrom('customers').select(['id', 'name']).where(sql<string>`regexp_replace(coalesce(phone, ''), '[^0-9+]', '', 'g')`, '=', phone).orderBy('created_at').executeTakeFirst();
}

/**
 * A text message from a customer to one of the worktypes' SMS numbers. While the customer has a
 * conversation open on that number (not ended, its task not finished), the text joins it, pushed
 * to the agent holding it; otherwise a new conversation starts as a task of media type sms (with
 * the worktype's acknowledgement sent back, if any). Committed before it is acknowledged; a
 * carrier's retry (same message id) is taken once.
 */
export async function receiveSms(s: Services, m: InboundSms): Promise<SmsReceived> {
  const to = normalizePhone(m.to);
  const w = to ? [...s.config.snapshot.worktypes.values()].find((x) => x.sms && normalizePhone(x.sms.number) === to) : undefined;
  if (!w?.sms) throw unprocessable('/to', `no worktype takes SMS to ${m.to}`);
  const from = normalizePhone(m.from);
  if (!from) throw unprocessable('/from', 'is not a phone number');
  const text = m.text.replace(/\0/g, '').trim();
  if (!text) throw unprocessable('/text', 'an SMS needs some text');

  return takeOnce(s.db, m.id ?? null, (t) => ({ ...t, taskId: t.taskId ?? '', started: false, duplicate: true }), () => take(s, m, { ...w, sms: w.sms! }, from, text));
}

async function take(s: Services, m: InboundSms, w: Worktype & { sms: NonNullable<Worktype['sms']> }, from: string, text: string): Promise<SmsReceived> {
  const open = await openConversation(s, from, w.id);
  if (open) {
    await customerSays(s, open, text, m.id ?? null);
    return { chatId: open.chat.id, taskId: open.task.id, started: false, duplicate: false };
  }

  const customer = await customerByPhone(s, from);
  const id = newId();
  const name = customer?.name ?? from;
  await s.db.transaction().execute(async (trx) => {
    await trx.insertInto('chats').values({ id, worktype: w.id, visitor_name: name, visitor_email: null, token_hash: '', channel: 'sms', visitor_phone: from }).execute();
    await trx.insertInto('chat_messages').values({ chat_id: id, sender: 'visitor', user_id: null, body: text, external_id: m.id ?? null }).execute();
  });
  let task: TaskRow;
  try {
    ({ task } = await captureTask(s.db, s.config, {
      worktype: w.id,
      source: SMS_SOURCE,
      externalId: id,
      title: `SMS from ${name}`.slice(0, 500),
      description: text.slice(0, 20_000),
      attributes: { phone: from, to: w.sms.number },
      ...(customer ? { customerId: customer.id } : {}),
    }, { actor: ACTOR, idempotency: null }));
  } catch (err) {
    await s.db.deleteFrom('chats').where('id', '=', id).execute(); // not acknowledged: the carrier retries
    throw err;
  }
  const ack = w.sms.acknowledgement;
  if (ack) {
    // Once the conversation is sure to exist: never a receipt for a message that was not taken.
    await s.db.transaction().execute(async (trx) => {
      await trx.insertInto('chat_messages').values({ chat_id: id, sender: 'system', user_id: null, body: ack }).execute();
      await trx.insertInto('notifications').values(smsOut(from, ack, null)).execute();
    });
    s.notifications.kick();
  }
  s.dispatcher.track(task);
  s.metrics.tasksCaptured.inc({ created: 'true' });
  return { chatId: id, taskId: task.id, started: true, duplicate: false };
}

/** The customer's conversation on this worktype that is still going: not ended, its task not finished. */
async function openConversation(s: Services, phone: string, worktype: string): Promise<Going | null> {
  return stillGoing(s.db, await s.db.selectFrom('chats').selectAll().where('channel', '=', 'sms').where('visitor_phone', '=', phone).where('worktype', '=', worktype).where('ended_at', 'is', null).orderBy('created_at', 'desc').limit(5).execute());
}

import type { Kysely, Transaction } from 'kysely';
import type { PresenceStatus } from '@worklane/core';
import type { DB } from '../db/schema.js';
import { appendEvents } from '../events/append.js';

export interface Presence {
  status: PresenceStatus;
  reason: string | null;
  since: string;
}

/** Writes a presence change and its event (with time spent in the previous status) in `trx`. */
export async function writePresence(
  trx: Transaction<DB>,
  userId: string,
  status: PresenceStatus,
  reason: string | null,
  actor: string | null,
): Promise<Presence> {
  const now = new Date();
  const prev = await trx.selectFrom('presence').selectAll().where('user_id', '=', userId).forUpdate().executeTakeFirst();
  if (prev && prev.status === status && prev.reason === reason) return { status, reason, since: prev.since.toISOString() };
  await trx
    .insertInto('presence')
    .values({ user_id: userId, status, reason, since: now, idle_since: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ status, reason, since: now }))
    .execute();
  await appendEvents(trx, [
    {
      type: 'presence.changed',
      actor,
      userId,
      data: {
        from: prev?.status ?? 'offline',
        fromReason: prev?.reason ?? null,
        to: status,
        reason,
        secondsInPrevious: prev ? Math.round((now.getTime() - prev.since.getTime()) / 1000) : null,
      },
    },
  ]);
  return { status, reason, since: now.toISOString() };
}

export async function readPresence(db: Kysely<DB>, userId: string): Promise<Presence> {
  const p = await db.selectFrom('presence').selectAll().where('user_id', '=', userId).executeTakeFirst();
  if (p) return { status: p.status as PresenceStatus, reason: p.reason, since: p.since.toISOString() };
  // Never signed in to work: offline since the account exists.
  const u = await db.selectFrom('users').select('created_at').where('id', '=', userId).executeTakeFirst();
  return { status: 'offline', reason: null, since: (u?.created_at ?? new Date()).toISOString() };
}

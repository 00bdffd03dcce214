import type { Kysely, Transaction } from 'kysely';
import { json, type DB } from '../db/schema.js';

export interface EventInput {
  type: string;
  actor?: string | null;
  taskId?: string | null;
  userId?: string | null;
  data?: Record<string, unknown>;
}

/** Appends events inside the caller's transaction: the state change and its record commit together. */
export async function appendEvents(trx: Transaction<DB> | Kysely<DB>, events: EventInput[]): Promise<void> {
  if (events.length === 0) return;
  await trx
    .insertInto('events')
    .values(
      events.map((e) => ({
        type: e.type,
        actor: e.actor ?? null,
        task_id: e.taskId ?? null,
        user_id: e.userId ?? null,
        data: json(e.data ?? {}),
      })),
    )
    .execute();
}

import type { Kysely } from 'kysely';
import { REFUSAL_EVENTS, refusalsInForce, type RefusalInForce } from '@worklane/core';
import type { DB } from '../db/schema.js';
import type { ConfigSnapshot } from '../config/cache.js';

const CHUNK = 5_000;

/**
 * The refusals of waiting tasks still in force, from their events (core `refusalsInForce`): read at
 * start, since routing keeps refusals in memory only. Cheap: refusal events of the last refusal
 * time (index on type and time), then those tasks' events from the first of them on.
 */
export async function readRefusals(db: Kysely<DB>, config: ConfigSnapshot, defaultSeconds: number, now = Date.now()): Promise<RefusalInForce[]> {
  const secondsOf = (queue: string | null) => (queue ? config.queues.get(queue)?.refusalSeconds : undefined) ?? defaultSeconds;
  const longest = Math.max(defaultSeconds, ...[...config.queues.values()].map((q) => q.refusalSeconds ?? 0));
  const refusals = await db
    .selectFrom('events as e')
    .innerJoin('tasks as t', 't.id', 'e.task_id')
    .select(['e.task_id', 'e.id', 't.queue_id'])
    .where('e.type', 'in', REFUSAL_EVENTS)
    .where('e.at', '>', new Date(now - longest * 1000))
    .where('t.state', '=', 'queued')
    .execute();
  if (!refusals.length) return [];
  const queueOf = new Map<string, string | null>();
  const firstOf = new Map<string, number>();
  for (const r of refusals) {
    queueOf.set(r.task_id!, r.queue_id);
    firstOf.set(r.task_id!, Math.min(firstOf.get(r.task_id!) ?? Infinity, Number(r.id)));
  }
  const ids = [...queueOf.keys()];
  const from = Math.min(...firstOf.values());
  const events = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .selectFrom('events')
      .select(['task_id', 'id', 'type', 'at', 'user_id'])
      .where('task_id', 'in', ids.slice(i, i + CHUNK))
      .where('id', '>=', from)
      .execute();
    for (const e of rows) events.push({ taskId: e.task_id!, id: Number(e.id), type: e.type, at: new Date(e.at).getTime(), agent: e.user_id });
  }
  return refusalsInForce(events, (taskId) => secondsOf(queueOf.get(taskId) ?? null), now);
}

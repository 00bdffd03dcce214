// GET /api/v1/me/stats: an agent's own day, read from the event log (nothing extra is stored).
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DB } from '../db/schema.js';
import type { Services } from '../services.js';
import { requireUser } from '../auth/guard.js';
import { Problem } from '../http/problems.js';
import { readPresence } from './store.js';

export interface StatusTime {
  status: string;
  /** not-ready reason code; null for the other statuses. */
  reason: string | null;
  seconds: number;
}

export interface MyStats {
  since: string;
  until: string;
  /** Tasks I completed in the window. */
  handled: number;
  /** Mean of (completed - assigned to me) over those tasks; null when none. */
  averageHandleSeconds: number | null;
  totalHandleSeconds: number;
  /** Time in each status (and not-ready reason) inside the window, longest first. */
  timeInStatus: StatusTime[];
  current: { status: string; reason: string | null; since: string };
}

/** Local midnight of the server's time zone: "today" for a person at work. */
export function startOfToday(now = new Date()): Date {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d;
}

const secondsBetween = (from: Date, to: Date) => Math.max(0, (to.getTime() - from.getTime()) / 1000);

export async function myStats(db: Kysely<DB>, userId: string, since: Date, now = new Date()): Promise<MyStats> {
  const [completed, changes, presence] = await Promise.all([
    db.selectFrom('events').select(['task_id', 'at']).where('type', '=', 'task.completed').where('user_id', '=', userId).where('at', '>=', since).execute(),
    db.selectFrom('events').select(['at', 'data']).where('type', '=', 'presence.changed').where('user_id', '=', userId).where('at', '>=', since).orderBy('id').execute(),
    readPresence(db, userId),
  ]);

  // Handle time: from the last time the task was assigned to me (possibly before `since`) to its completion.
  const taskIds = [...new Set(completed.map((c) => c.task_id).filter((id): id is string => id !== null))];
  const assigned = taskIds.length
    ? await db.selectFrom('events').select(['task_id', 'at']).where('type', '=', 'task.assigned').where('user_id', '=', userId).where('task_id', 'in', taskIds).execute()
    : [];
  const handleTimes: number[] = [];
  for (const c of completed) {
    const start = assigned
      .filter((a) => a.task_id === c.task_id && a.at.getTime() <= c.at.getTime())
      .reduce<Date | null>((latest, a) => (latest === null || a.at > latest ? a.at : latest), null);
    if (start) handleTimes.push(secondsBetween(start, c.at));
  }
  const totalHandleSeconds = handleTimes.reduce((a, b) => a + b, 0);

  // Time in status: each change closes the previous status (clipped to the window); the current one runs until now.
  const totals = new Map<string, StatusTime>();
  const add = (status: string, reason: string | null, seconds: number) => {
    if (seconds <= 0) return;
    const r = status === 'not-ready' ? reason : null;
    const key = `${status}\u0000${r ?? ''}`;
    const t = totals.get(key) ?? { status, reason: r, seconds: 0 };
    t.seconds += seconds;
    totals.set(key, t);
  };
  for (const e of changes) {
    const d = e.data as { from?: string; fromReason?: string | null; secondsInPrevious?: number | null };
    if (!d.from) continue;
    // Unknown length (the very first change): the previous status lasted at least since the window began.
    const began = typeof d.secondsInPrevious === 'number' ? new Date(e.at.getTime() - d.secondsInPrevious * 1000) : since;
    add(d.from, d.fromReason ?? null, secondsBetween(began > since ? began : since, e.at));
  }
  const currentSince = new Date(presence.since);
  add(presence.status, presence.reason, secondsBetween(currentSince > since ? currentSince : since, now));

  const round = (s: number) => Math.round(s);
  return {
    since: since.toISOString(),
    until: now.toISOString(),
    handled: completed.length,
    averageHandleSeconds: handleTimes.length ? round(totalHandleSeconds / handleTimes.length) : null,
    totalHandleSeconds: round(totalHandleSeconds),
    timeInStatus: [...totals.values()].map((t) => ({ ...t, seconds: round(t.seconds) })).sort((a, b) => b.seconds - a.seconds),
    current: presence,
  };
}

export async function meStatsRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get('/api/v1/me/stats', {
    config: { auth: { roles: ['agent'] } },
    schema: {
      tags: ['people'],
      summary: 'My statistics: handled tasks, handle time, time in each presence status (default: since local midnight)',
      querystring: Type.Object({ since: Type.Optional(Type.String({ format: 'date-time' })) }, { additionalProperties: false }),
    },
  }, async (request) => {
    const now = new Date();
    const since = request.query.since ? new Date(request.query.since) : startOfToday(now);
    if (since.getTime() > now.getTime())
      throw new Problem(422, 'Unprocessable request', '/since: must not be in the future', [{ pointer: '/since', message: 'must not be in the future', in: 'querystring' }]);
    return myStats(s.db, requireUser(request).id, since, now);
  });
}

import type { Kysely, Transaction } from 'kysely';
import { weekRange } from '@worklane/core';
import type { DB } from '../db/schema.js';
import { newId } from '../db/ids.js';
import { appendEvents } from '../events/append.js';
import { conflict, notFound } from '../http/problems.js';

export interface TimeOffView {
  id: string;
  user: string;
  name: string;
  start: string;
  end: string;
  note: string;
  status: 'requested' | 'approved' | 'declined' | 'canceled';
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
}

const iso = (d: Date) => d.toISOString();

export async function listTimeOff(db: Kysely<DB>, f: { user?: string; status?: string; from?: Date }): Promise<TimeOffView[]> {
  let q = db.selectFrom('time_off as t').innerJoin('users as u', 'u.id', 't.user_id').select(['t.id', 't.user_id', 'u.name', 't.starts_at', 't.ends_at', 't.note', 't.status', 't.decided_by', 't.decided_at', 't.created_at']);
  if (f.user) q = q.where('t.user_id', '=', f.user);
  if (f.status) q = q.where('t.status', '=', f.status);
  if (f.from) q = q.where('t.ends_at', '>', f.from);
  const rows = await q.orderBy('t.starts_at').limit(1000).execute();
  return rows.map((r) => ({
    id: r.id,
    user: r.user_id,
    name: r.name,
    start: iso(r.starts_at),
    end: iso(r.ends_at),
    note: r.note,
    status: r.status as TimeOffView['status'],
    decidedBy: r.decided_by,
    decidedAt: r.decided_at ? iso(r.decided_at) : null,
    createdAt: iso(r.created_at),
  }));
}

export async function requestTimeOff(db: Kysely<DB>, user: string, start: Date, end: Date, note: string): Promise<TimeOffView> {
  const id = newId();
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('time_off').values({ id, user_id: user, starts_at: start, ends_at: end, note }).execute();
    await appendEvents(trx, [{ type: 'time-off.requested', actor: `user:${user}`, userId: user, data: { id, start: iso(start), end: iso(end) } }]);
  });
  return (await listTimeOff(db, { user })).find((t) => t.id === id)!;
}

/**
 * Approve, decline or (the person themself) cancel. Approved time off is cut out of the person's
 * scheduled work in every week already scheduled, and shown there as time off.
 */
export async function decideTimeOff(db: Kysely<DB>, id: string, to: 'approved' | 'declined' | 'canceled', actor: string, onlyUser?: string): Promise<TimeOffView> {
  const row = await db.transaction().execute(async (trx) => {
    const t = await trx.selectFrom('time_off').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!t || (onlyUser && t.user_id !== onlyUser)) throw notFound(`time off ${id}`);
    if (t.status === to) return t;
    if (t.status !== 'requested' && !(to === 'canceled' && t.status === 'approved')) throw conflict(`time off ${id} is ${t.status}`);
    // Time off that has begun is a fact of the past weeks' adherence: it is not taken back.
    if (to === 'canceled' && t.status === 'approved' && t.starts_at.getTime() <= Date.now()) throw conflict(`time off ${id} has begun: it can no longer be taken back`);
    await trx.updateTable('time_off').set({ status: to, decided_by: actor, decided_at: new Date() }).where('id', '=', id).execute();
    if (to === 'approved') await cutIntoSchedules(trx, t.user_id, t.starts_at, t.ends_at);
    await appendEvents(trx, [{ type: `time-off.${to}`, actor, userId: t.user_id, data: { id, start: iso(t.starts_at), end: iso(t.ends_at) } }]);
    return t;
  });
  return (await listTimeOff(db, { user: row.user_id })).find((t) => t.id === id)!;
}

/**
 * The person's activities overlapping [start, end) are trimmed around it; a time-off activity fills
 * it in each scheduled week the person is in (whether or not a shift fell on those days).
 */
async function cutIntoSchedules(trx: Transaction<DB>, user: string, start: Date, end: Date): Promise<void> {
  const hit = await trx.selectFrom('schedule_activities').selectAll().where('user_id', '=', user).where('starts_at', '<', end).where('ends_at', '>', start).execute();
  // Weeks are Mondays: those from a week before the start to the end's date may overlap.
  const weeks = await trx
    .selectFrom('schedule_activities as a')
    .innerJoin('schedules as s', 's.week', 'a.week')
    .select(['a.week', 's.zone'])
    .distinct()
    .where('a.user_id', '=', user)
    .where('a.week', '>=', new Date(start.getTime() - 7 * 86_400_000).toISOString().slice(0, 10))
    .where('a.week', '<=', end.toISOString().slice(0, 10))
    .execute();
  if (hit.length) await trx.deleteFrom('schedule_activities').where('id', 'in', hit.map((a) => a.id)).execute();
  const keep = hit.flatMap((a) => [
    ...(a.starts_at < start ? [{ week: a.week, user_id: user, kind: a.kind, starts_at: a.starts_at, ends_at: start }] : []),
    ...(a.ends_at > end ? [{ week: a.week, user_id: user, kind: a.kind, starts_at: end, ends_at: a.ends_at }] : []),
  ]);
  for (const w of weeks) {
    const week = weekRange(w.week, w.zone);
    const from = Math.max(start.getTime(), week.from);
    const to = Math.min(end.getTime(), week.to);
    if (from < to) keep.push({ week: w.week, user_id: user, kind: 'time-off', starts_at: new Date(from), ends_at: new Date(to) });
  }
  if (keep.length) await trx.insertInto('schedule_activities').values(keep).execute();
}

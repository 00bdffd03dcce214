import type { Kysely, Transaction } from 'kysely';
import { buildSchedule, coverageOf, type Activity, type ActivityKind } from '@worklane/core';
import { json, type DB } from '../db/schema.js';
import { appendEvents } from '../events/append.js';
import { conflict, notFound } from '../http/problems.js';
import { planWeek } from './planning.js';
import type { WorkforceSettings } from './settings.js';

export interface ScheduleView {
  week: string;
  zone: string;
  status: 'draft' | 'bidding' | 'published';
  /** While open for bids: how many people have bid. */
  bids?: number;
  generatedAt: string;
  publishedAt: string | null;
  activities: (Omit<Activity, 'start' | 'end'> & { start: string; end: string })[];
  /** Who the activities are of, by name. */
  people: { id: string; name: string }[];
  /** Per hour of the week: people needed (when generated) and scheduled to work. */
  hours: { start: string; need: number; scheduled: number }[];
}

const iso = (t: number | Date) => new Date(t).toISOString();

/** The week's activities as core reads them (`published`: only of a published week; `user`: only theirs). */
export async function activitiesOf(db: Kysely<DB>, week: string, only: { published?: boolean; user?: string } = {}): Promise<Activity[]> {
  let q = db.selectFrom('schedule_activities as a').innerJoin('schedules as s', 's.week', 'a.week').select(['a.user_id', 'a.kind', 'a.starts_at', 'a.ends_at']).where('a.week', '=', week);
  if (only.published) q = q.where('s.status', '=', 'published');
  if (only.user) q = q.where('a.user_id', '=', only.user);
  const rows = await q.orderBy('a.starts_at').execute();
  return rows.map((r) => ({ user: r.user_id, kind: r.kind as ActivityKind, start: r.starts_at.getTime(), end: r.ends_at.getTime() }));
}

export async function readSchedule(db: Kysely<DB>, week: string): Promise<ScheduleView> {
  const s = await db.selectFrom('schedules').selectAll().where('week', '=', week).executeTakeFirst();
  if (!s) throw notFound(`the schedule of the week of ${week}`);
  const activities = await activitiesOf(db, week);
  const cover = coverageOf(activities);
  const need = new Map(Object.entries(s.need).map(([h, n]) => [Date.parse(h), n]));
  const starts = [...new Set([...need.keys(), ...cover.keys()])].sort((a, b) => a - b);
  const ids = [...new Set(activities.map((a) => a.user))];
  const people = ids.length ? await db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).orderBy('name').execute() : [];
  return {
    week,
    zone: s.zone,
    status: s.status as ScheduleView['status'],
    generatedAt: iso(s.generated_at),
    publishedAt: s.published_at ? iso(s.published_at) : null,
    ...(s.status === 'bidding' ? { bids: Number((await db.selectFrom('schedule_bids').select((eb) => eb.fn.countAll().as('n')).where('week', '=', week).executeTakeFirst())?.n ?? 0) } : {}),
    activities: activities.map((a) => ({ ...a, start: iso(a.start), end: iso(a.end) })),
    people,
    hours: starts.map((h) => ({ start: iso(h), need: need.get(h) ?? 0, scheduled: Math.round((cover.get(h) ?? 0) * 100) / 100 })),
  };
}

async function writeActivities(trx: Transaction<DB>, week: string, activities: readonly Activity[]): Promise<void> {
  for (let i = 0; i < activities.length; i += 1000)
    await trx
      .insertInto('schedule_activities')
      .values(activities.slice(i, i + 1000).map((a) => ({ week, user_id: a.user, kind: a.kind, starts_at: new Date(a.start), ends_at: new Date(a.end) })))
      .execute();
}

/**
 * A draft of the week from the forecast: the people each hour needs, covered by shifts within the
 * contracts, around approved time off. A published week is not replaced (unpublish it first).
 */
export async function generateSchedule(db: Kysely<DB>, week: string, zone: string, settings: WorkforceSettings, actor: string | null): Promise<ScheduleView> {
  const plan = await planWeek(db, week, zone, settings);
  const from = new Date(plan.hours[0]!);
  const to = new Date(plan.hours.at(-1)! + 3_600_000);
  const active = new Set((await db.selectFrom('users').select('id').where('disabled', '=', false).execute()).map((u) => u.id));
  const absences = (await db.selectFrom('time_off').select(['user_id', 'starts_at', 'ends_at']).where('status', '=', 'approved').where('starts_at', '<', to).where('ends_at', '>', from).execute()).map((t) => ({
    user: t.user_id,
    start: t.starts_at.getTime(),
    end: t.ends_at.getTime(),
  }));
  const contracts = settings.contracts.filter((c) => active.has(c.user));
  const { activities } = buildSchedule({ monday: week, zone, need: plan.need, contracts, shifts: settings.shifts, absences: absences.filter((a) => contracts.some((c) => c.user === a.user)) });
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('schedules').select('status').where('week', '=', week).forUpdate().executeTakeFirst();
    if (before?.status === 'published') throw conflict(`the week of ${week} is published: unpublish it before generating it again`);
    if (before?.status === 'bidding') throw conflict(`the week of ${week} is open for bids: close the bidding first`);
    await trx.deleteFrom('schedules').where('week', '=', week).execute();
    const need = json(Object.fromEntries([...plan.need].map(([h, n]) => [iso(h), n])));
    await trx.insertInto('schedules').values({ week, zone, generated_by: actor, need }).execute();
    await writeActivities(trx, week, activities);
    await appendEvents(trx, [{ type: 'schedule.generated', actor, data: { week, activities: activities.length } }]);
  });
  return readSchedule(db, week);
}

/** Publish (people see it, adherence counts it) or take it back to a draft. */
export async function setPublished(db: Kysely<DB>, week: string, published: boolean, actor: string | null): Promise<ScheduleView> {
  await db.transaction().execute(async (trx) => {
    const s = await trx.selectFrom('schedules').select('status').where('week', '=', week).forUpdate().executeTakeFirst();
    if (!s) throw notFound(`the schedule of the week of ${week}`);
    if (s.status === 'bidding') throw conflict(`the week of ${week} is open for bids: close the bidding first`);
    if ((s.status === 'published') === published) return;
    await trx
      .updateTable('schedules')
      .set(published ? { status: 'published', published_at: new Date(), published_by: actor } : { status: 'draft', published_at: null, published_by: null })
      .where('week', '=', week)
      .execute();
    await appendEvents(trx, [{ type: published ? 'schedule.published' : 'schedule.unpublished', actor, data: { week } }]);
  });
  return readSchedule(db, week);
}

/** One person's week replaced by hand (a supervisor's edit), in a draft or a published week. */
export async function replacePersonWeek(db: Kysely<DB>, week: string, user: string, activities: readonly Activity[], actor: string | null): Promise<ScheduleView> {
  await db.transaction().execute(async (trx) => {
    const s = await trx.selectFrom('schedules').select('status').where('week', '=', week).forUpdate().executeTakeFirst();
    if (!s) throw notFound(`the schedule of the week of ${week}`);
    if (s.status === 'bidding') throw conflict(`the week of ${week} is open for bids: close the bidding first`);
    await trx.deleteFrom('schedule_activities').where('week', '=', week).where('user_id', '=', user).execute();
    await writeActivities(trx, week, activities);
    await appendEvents(trx, [{ type: 'schedule.changed', actor, userId: user, data: { week, activities: activities.length } }]);
  });
  return readSchedule(db, week);
}

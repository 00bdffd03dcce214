import { sql, type Kysely } from 'kysely';
import { adherenceOf, localDate, localDayStart, keepsTo, shrinkageOf, type Activity, type ActivityKind, type Adherence, type PresenceStatus, type Shrinkage, type StatusSpan } from '@worklane/core';
import type { DB } from '../db/schema.js';

/** Activity kinds as people read them in messages. */
export const ACTIVITY_LABEL: Record<ActivityKind, string> = { work: 'work', break: 'a break', lunch: 'lunch', meeting: 'a meeting', training: 'training', 'time-off': 'time off' };

// Statuses older than this are not looked for: a period is at most a month and a status is not held longer.
const LOOK_BACK_DAYS = 31;

/**
 * What each person's status was in [from, to): every presence change says how long the status before
 * it lasted; the status now (the presence row) runs until `to`.
 */
export async function statusSpans(db: Kysely<DB>, users: readonly string[], from: Date, to: Date): Promise<Map<string, StatusSpan[]>> {
  const out = new Map<string, StatusSpan[]>(users.map((u) => [u, []]));
  if (!users.length) return out;
  const rows = await db
    .selectFrom('events')
    .select(['user_id', 'at', sql<string | null>`data->>'from'`.as('status'), sql<string | null>`data->>'fromReason'`.as('reason'), sql<number | null>`(data->>'secondsInPrevious')::float8`.as('secs')])
    .where('type', '=', 'presence.changed')
    .where('user_id', 'in', users)
    .where('at', '>=', from)
    .where('at', '<', new Date(to.getTime() + LOOK_BACK_DAYS * 86_400_000))
    .orderBy('id')
    .execute();
  const clip = (u: string, start: number, end: number, status: PresenceStatus, reason: string | null) => {
    const s = Math.max(start, from.getTime());
    const e = Math.min(end, to.getTime());
    if (s < e && status !== 'offline') out.get(u)!.push({ start: s, end: e, status, reason });
  };
  for (const r of rows) if (r.user_id && r.secs !== null) clip(r.user_id, r.at.getTime() - r.secs * 1000, r.at.getTime(), (r.status ?? 'offline') as PresenceStatus, r.reason);
  const now = await db.selectFrom('presence').select(['user_id', 'status', 'reason', 'since']).where('user_id', 'in', users).execute();
  for (const p of now) clip(p.user_id, p.since.getTime(), Math.min(Date.now(), to.getTime()), p.status as PresenceStatus, p.reason);
  for (const list of out.values()) list.sort((a, b) => a.start - b.start);
  return out;
}

/** Published activities of [from, to), per person. */
export async function publishedActivities(db: Kysely<DB>, from: Date, to: Date, users?: readonly string[]): Promise<Map<string, Activity[]>> {
  let q = db
    .selectFrom('schedule_activities as a')
    .innerJoin('schedules as s', 's.week', 'a.week')
    .select(['a.user_id', 'a.kind', 'a.starts_at', 'a.ends_at'])
    .where('s.status', '=', 'published')
    .where('a.starts_at', '<', to)
    .where('a.ends_at', '>', from);
  if (users) q = q.where('a.user_id', 'in', users.length ? users : ['']);
  const out = new Map<string, Activity[]>();
  for (const r of await q.orderBy('a.starts_at').execute()) {
    let list = out.get(r.user_id);
    if (!list) out.set(r.user_id, (list = []));
    list.push({ user: r.user_id, kind: r.kind as ActivityKind, start: r.starts_at.getTime(), end: r.ends_at.getTime() });
  }
  return out;
}

export interface PersonAdherence extends Omit<Adherence, 'exceptions'> {
  user: string;
  name: string;
  exceptions: { start: string; end: string; scheduled: ActivityKind | null; status: PresenceStatus; reason: string | null }[];
}

const iso = (t: number) => new Date(t).toISOString();

/** Adherence of everyone scheduled in [from, to) (and of anyone working off schedule), and the shrinkage of them all. */
export async function adherenceReport(db: Kysely<DB>, from: Date, to: Date): Promise<{ people: PersonAdherence[]; shrinkage: Shrinkage }> {
  const plans = await publishedActivities(db, from, to);
  const agents = await db.selectFrom('users').select(['id', 'name']).where(sql<boolean>`'agent' = any(roles)`).where('disabled', '=', false).execute();
  const names = new Map(agents.map((a) => [a.id, a.name]));
  const users = [...new Set([...plans.keys(), ...agents.map((a) => a.id)])];
  const spans = await statusSpans(db, users, from, to);
  const people: PersonAdherence[] = [];
  for (const u of users) {
    const acts = plans.get(u) ?? [];
    const mine = spans.get(u) ?? [];
    if (!acts.length && !mine.length) continue;
    const a = adherenceOf(acts, mine, from.getTime(), to.getTime());
    people.push({ ...a, user: u, name: names.get(u) ?? u, exceptions: a.exceptions.map((x) => ({ ...x, start: iso(x.start), end: iso(x.end) })) });
  }
  people.sort((x, y) => (x.adherence ?? 2) - (y.adherence ?? 2) || x.name.localeCompare(y.name));
  // One person's statuses against their own schedule, then summed: spans of different people never mix.
  const shrinkage = sumShrinkage([...plans].map(([u, acts]) => shrinkageOf(acts, spans.get(u) ?? [], from.getTime(), to.getTime())));
  return { people, shrinkage };
}

function sumShrinkage(list: readonly Shrinkage[]): Shrinkage {
  const out: Shrinkage = { paidSeconds: 0, planned: {}, unplanned: {}, plannedShare: 0, unplannedShare: 0 };
  for (const s of list) {
    out.paidSeconds += s.paidSeconds;
    for (const [k, v] of Object.entries(s.planned)) out.planned[k as ActivityKind] = (out.planned[k as ActivityKind] ?? 0) + v;
    for (const [k, v] of Object.entries(s.unplanned)) out.unplanned[k] = (out.unplanned[k] ?? 0) + v;
  }
  const sum = (o: Record<string, number | undefined>) => Object.values(o).reduce<number>((a, b) => a + (b ?? 0), 0);
  out.plannedShare = out.paidSeconds ? sum(out.planned) / out.paidSeconds : 0;
  out.unplannedShare = out.paidSeconds ? sum(out.unplanned) / out.paidSeconds : 0;
  return out;
}

export interface LiveAdherence {
  user: string;
  name: string;
  scheduled: ActivityKind | null;
  /** When the scheduled activity ends (null: nothing scheduled now). */
  until: string | null;
  status: PresenceStatus;
  reason: string | null;
  inAdherence: boolean;
  /** Out of adherence since (the later of the activity's start and the status's). */
  since: string;
  /** Today so far (local day in `zone`). */
  today: number | null;
}

/** Everyone scheduled today or signed in now: what they should do, what they do, and today's adherence. */
export async function liveAdherence(db: Kysely<DB>, zone: string, now = Date.now()): Promise<LiveAdherence[]> {
  const dayStart = localDayStart(zone, localDate(zone, now));
  const plans = await publishedActivities(db, new Date(dayStart), new Date(dayStart + 36 * 3_600_000));
  const presence = await db.selectFrom('presence').select(['user_id', 'status', 'reason', 'since']).execute();
  const byUser = new Map(presence.map((p) => [p.user_id, p]));
  const users = [...new Set([...plans.keys(), ...presence.filter((p) => p.status !== 'offline').map((p) => p.user_id)])];
  const names = new Map((await db.selectFrom('users').select(['id', 'name']).where('id', 'in', users.length ? users : ['']).execute()).map((u) => [u.id, u.name]));
  const spans = await statusSpans(db, users, new Date(dayStart), new Date(now));
  return users
    .map((u) => {
      const acts = plans.get(u) ?? [];
      const act = acts.find((a) => a.start <= now && now < a.end) ?? null;
      const p = byUser.get(u);
      const status = (p?.status ?? 'offline') as PresenceStatus;
      const kept = keepsTo(act?.kind ?? null, status);
      const since = Math.max(act?.start ?? 0, p?.since.getTime() ?? 0, dayStart);
      return {
        user: u,
        name: names.get(u) ?? u,
        scheduled: act?.kind ?? null,
        until: act ? iso(act.end) : null,
        status,
        reason: p?.reason ?? null,
        inAdherence: kept,
        since: iso(since),
        today: adherenceOf(acts, spans.get(u) ?? [], dayStart, now).adherence,
      };
    })
    .filter((x) => x.scheduled !== null || x.status !== 'offline' || (plans.get(x.user)?.some((a) => a.start < now) ?? false))
    .sort((a, b) => Number(a.inAdherence) - Number(b.inAdherence) || a.name.localeCompare(b.name));
}

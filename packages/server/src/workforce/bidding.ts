import type { Kysely } from 'kysely';
import { awardLines, lineFits, localDate, type ActivityKind, type Contract, type ScheduleLine } from '@worklane/core';
import { json, type DB } from '../db/schema.js';
import { appendEvents } from '../events/append.js';
import { conflict, notFound, unprocessable } from '../http/problems.js';
import type { WorkforceSettings } from './settings.js';

// Shift bidding (seed EE11): a draft week's lines (each person's week, without their name) are
// opened for bids; people rank the lines that fit their contract; closing awards them by seniority.

async function lockWeek(db: Kysely<DB>, week: string) {
  const s = await db.selectFrom('schedules').select(['status', 'zone']).where('week', '=', week).forUpdate().executeTakeFirst();
  if (!s) throw notFound(`the schedule of the week of ${week}`);
  return s;
}

/** The week's lines with the draft's owner of each, and everyone's time off in the week. */
async function linesOf(db: Kysely<DB>, week: string): Promise<{ lines: ScheduleLine[]; owner: Map<number, string>; timeOff: Map<string, { start: number; end: number }[]> }> {
  const rows = await db.selectFrom('schedule_activities').select(['user_id', 'kind', 'starts_at', 'ends_at', 'line']).where('week', '=', week).orderBy('starts_at').execute();
  const byLine = new Map<number, ScheduleLine>();
  const owner = new Map<number, string>();
  const timeOff = new Map<string, { start: number; end: number }[]>();
  for (const r of rows) {
    const a = { user: r.user_id, kind: r.kind as ActivityKind, start: r.starts_at.getTime(), end: r.ends_at.getTime() };
    if (r.kind === 'time-off') timeOff.set(r.user_id, [...(timeOff.get(r.user_id) ?? []), a]);
    if (r.line === null) continue;
    const l = byLine.get(r.line) ?? { line: r.line, activities: [] };
    (l.activities as typeof a[]).push(a);
    byLine.set(r.line, l);
    owner.set(r.line, r.user_id);
  }
  return { lines: [...byLine.values()].sort((a, b) => a.line - b.line), owner, timeOff };
}

/** Contracts in bidding order: by seniority (lower first), then those without one, in their order. */
export function bidOrder(contracts: readonly Contract[]): Contract[] {
  return contracts.map((c, i) => ({ c, i })).sort((a, b) => (a.c.seniority ?? Infinity) - (b.c.seniority ?? Infinity) || a.i - b.i).map((x) => x.c);
}

/** Open a draft for bids: each person's week (time off aside) becomes a numbered line. */
export async function openBidding(db: Kysely<DB>, week: string, actor: string | null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const s = await lockWeek(trx, week);
    if (s.status !== 'draft') throw conflict(`the week of ${week} is ${s.status}: only a draft is opened for bids`);
    const firsts = await trx.selectFrom('schedule_activities').select(['user_id']).select((eb) => eb.fn.min('starts_at').as('first')).where('week', '=', week).where('kind', '<>', 'time-off').groupBy('user_id').execute();
    if (!firsts.length) throw unprocessable('/week', 'nobody is scheduled in this draft: nothing to bid for');
    firsts.sort((a, b) => new Date(a.first).getTime() - new Date(b.first).getTime() || a.user_id.localeCompare(b.user_id));
    for (const [i, f] of firsts.entries()) await trx.updateTable('schedule_activities').set({ line: i + 1 }).where('week', '=', week).where('user_id', '=', f.user_id).where('kind', '<>', 'time-off').execute();
    await trx.deleteFrom('schedule_bids').where('week', '=', week).execute();
    await trx.updateTable('schedules').set({ status: 'bidding' }).where('week', '=', week).execute();
    await appendEvents(trx, [{ type: 'schedule.bidding-opened', actor, data: { week, lines: firsts.length } }]);
  });
}

export interface LineView {
  line: number;
  hours: number;
  shifts: { start: string; end: string }[];
  fits: boolean;
}

/** What one person sees of the bidding: every line (with whether it fits them) and their ranking. */
export async function bidView(db: Kysely<DB>, week: string, user: string, settings: WorkforceSettings): Promise<{ week: string; zone: string; open: boolean; lines: LineView[]; ranking: number[]; contract: boolean }> {
  const s = await db.selectFrom('schedules').select(['status', 'zone']).where('week', '=', week).executeTakeFirst();
  if (!s || s.status !== 'bidding') return { week, zone: s?.zone ?? 'UTC', open: false, lines: [], ranking: [], contract: false };
  const contract = settings.contracts.find((c) => c.user === user);
  const { lines, timeOff } = await linesOf(db, week);
  const bid = await db.selectFrom('schedule_bids').select('ranking').where('week', '=', week).where('user_id', '=', user).executeTakeFirst();
  return {
    week,
    zone: s.zone,
    open: true,
    contract: !!contract,
    ranking: bid?.ranking ?? [],
    lines: lines.map((l) => {
      // A line's shifts: its activities from the first start to the last end of each day.
      const days = new Map<string, { start: number; end: number }>();
      for (const a of l.activities) {
        const d = localDate(s.zone, a.start);
        const x = days.get(d);
        days.set(d, { start: Math.min(x?.start ?? a.start, a.start), end: Math.max(x?.end ?? a.end, a.end) });
      }
      return {
        line: l.line,
        hours: Math.round((l.activities.reduce((t, a) => t + a.end - a.start, 0) / 3_600_000) * 100) / 100,
        shifts: [...days.values()].map((d) => ({ start: new Date(d.start).toISOString(), end: new Date(d.end).toISOString() })),
        fits: !!contract && lineFits(l, contract, timeOff.get(user) ?? [], s.zone),
      };
    }),
  };
}

/** Keep one person's ranking: every line named must exist and fit them. */
export async function saveBid(db: Kysely<DB>, week: string, user: string, ranking: readonly number[], settings: WorkforceSettings): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const s = await lockWeek(trx, week);
    if (s.status !== 'bidding') throw conflict(`the week of ${week} is not open for bids`);
    const contract = settings.contracts.find((c) => c.user === user);
    if (!contract) throw unprocessable('/ranking', 'you have no contract in the workforce settings: ask your supervisor');
    const { lines, timeOff } = await linesOf(trx, week);
    const byNo = new Map(lines.map((l) => [l.line, l]));
    ranking.forEach((n, i) => {
      const l = byNo.get(n);
      if (!l) throw unprocessable(`/ranking/${i}`, `there is no line ${n}`);
      if (!lineFits(l, contract, timeOff.get(user) ?? [], s.zone)) throw unprocessable(`/ranking/${i}`, `line ${n} does not fit your contract`);
    });
    const value = json(ranking);
    await trx.insertInto('schedule_bids').values({ week, user_id: user, ranking: value }).onConflict((oc) => oc.columns(['week', 'user_id']).doUpdateSet({ ranking: value, at: new Date() })).execute();
  });
}

/** Close the bidding: lines awarded by seniority and ranking, the week a draft again (with who got what). */
export async function closeBidding(db: Kysely<DB>, week: string, settings: WorkforceSettings, actor: string | null): Promise<{ unawarded: number[]; without: string[]; moved: number }> {
  return db.transaction().execute(async (trx) => {
    const s = await lockWeek(trx, week);
    if (s.status !== 'bidding') throw conflict(`the week of ${week} is not open for bids`);
    const { lines, owner, timeOff } = await linesOf(trx, week);
    const bids = new Map((await trx.selectFrom('schedule_bids').select(['user_id', 'ranking']).where('week', '=', week).execute()).map((b) => [b.user_id, b.ranking]));
    const had = new Map([...owner].map(([n, u]) => [u, n]));
    const active = new Set((await trx.selectFrom('users').select('id').where('disabled', '=', false).execute()).map((u) => u.id));
    const bidders = bidOrder(settings.contracts.filter((c) => active.has(c.user))).map((c) => ({
      user: c.user,
      fits: (l: ScheduleLine) => lineFits(l, c, timeOff.get(c.user) ?? [], s.zone),
      ranking: bids.get(c.user) ?? [],
      had: had.get(c.user) ?? null,
    }));
    const r = awardLines(lines, bidders);
    let moved = 0;
    const awarded = new Set(r.award.values());
    for (const l of lines) {
      const from = owner.get(l.line)!;
      // A line nobody could take stays with its owner if they got nothing else; else it is dropped (reported).
      const to = r.award.get(l.line) ?? (awarded.has(from) ? null : from);
      if (to === null) await trx.deleteFrom('schedule_activities').where('week', '=', week).where('line', '=', l.line).execute();
      else await trx.updateTable('schedule_activities').set({ user_id: to, line: null }).where('week', '=', week).where('line', '=', l.line).execute();
      if (to !== from) moved++;
    }
    await trx.updateTable('schedules').set({ status: 'draft' }).where('week', '=', week).execute();
    await appendEvents(trx, [{ type: 'schedule.bidding-closed', actor, data: { week, bids: bids.size, moved, unawarded: r.unawarded, without: r.without } }]);
    return { unawarded: r.unawarded, without: r.without, moved };
  });
}

import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { buildReport, bucketStarts, checkRange, FILTERS, INTERVALS, isValidZone, parseReportTime, REPORTS, reportNamed, toCsv, type Dimension, type Filter, type Interval } from '@worklane/core';
import { Problem, notFound } from '../http/problems.js';
import type { Services } from '../services.js';
import { readFacts, reportZone } from './query.js';
import { isTeamSupervisor, supervisionFor } from '../auth/supervision.js';
import type { Principal } from '../auth/principal.js';

export const READ = { roles: ['supervisor' as const, 'analyst' as const], scopes: ['reports:read' as const] };
const DAY = 86_400_000;

const bad = (param: string, message: string) => new Problem(400, 'Invalid request', `${param}: ${message}`, [{ pointer: `/${param}`, message, in: 'querystring' }]);

export const Query = Type.Object(
  {
    from: Type.Optional(Type.String({ maxLength: 40, description: 'ISO date or date-time (default: 7 days before `to`)' })),
    to: Type.Optional(Type.String({ maxLength: 40, description: 'ISO date or date-time, exclusive (default: now)' })),
    interval: Type.Optional(Type.Union(INTERVALS.map((i) => Type.Literal(i)), { description: 'default day' })),
    tz: Type.Optional(Type.String({ maxLength: 64, description: 'IANA time zone of dates and day/week/month buckets (default UTC)' })),
    queue: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    team: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    agent: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    caseType: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);
export type QueryT = { from?: string; to?: string; interval?: Interval; tz?: string; format?: 'json' | 'csv' } & Partial<Record<Filter, string>>;

export async function historicalRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.get('/api/v1/reports', { config: { auth: READ }, schema: { tags: ['reports'] } }, async () => ({
    items: REPORTS.map((r) => ({ name: r.name, title: r.title, description: r.description, filters: r.filters, intervals: r.intervals, columns: r.columns })),
    // What each filter can be: a report reader may not list users or teams elsewhere.
    filterValues: await filterValues(s),
    // Days in this zone are pre-aggregated: the fastest choice for day, week and month reports.
    timeZone: await reportZone(s.db),
  }));

  app.get<{ Params: { name: string }; Querystring: QueryT }>(
    '/api/v1/reports/:name',
    { config: { auth: READ }, schema: { tags: ['reports'], params: Type.Object({ name: Type.String({ maxLength: 100 }) }), querystring: Query } },
    async (request, reply) => {
      const def = reportNamed(request.params.name);
      if (!def) throw notFound(`Report ${request.params.name}`);
      const q = request.query;
      const { zone, interval, range } = readPeriod(q, def.intervals, `report ${def.name}`, 7);
      const filters = await checkFilters(s, def.filters, q);
      const scope = reportScope(s, request.principal);
      const { facts, durations } = await readFacts(s.db, { def, from: new Date(range.from), to: new Date(range.to), interval, zone, filters, ...(scope ? { scope } : {}) });
      const names = await nameLookup(s, def.groupBy);
      const built = buildReport(def, facts, durations, (d, id) => names.get(`${d}:${id}`) ?? id);
      if (q.format === 'csv') {
        const day = (t: number) => new Date(t).toISOString().slice(0, 10);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${def.name}_${day(range.from)}_${day(range.to)}.csv"`)
          .send(toCsv(built.columns, built.rows));
      }
      return {
        report: def.name,
        title: def.title,
        from: new Date(range.from).toISOString(),
        to: new Date(range.to).toISOString(),
        interval,
        timeZone: zone,
        filters,
        buckets: bucketStarts(range.from, range.to, interval, zone).map((b) => new Date(b).toISOString()),
        ...built,
      };
    },
  );
}

/** Time zone, interval and range of a report query, each checked: a bad one is a 400 naming it. */
export function readPeriod(q: { from?: string; to?: string; interval?: Interval; tz?: string }, intervals: readonly Interval[], what: string, defaultDays: number): { zone: string; interval: Interval; range: { from: number; to: number } } {
  const zone = q.tz ?? 'UTC';
  if (!isValidZone(zone)) throw bad('tz', 'unknown time zone');
  const interval = q.interval ?? 'day';
  if (!intervals.includes(interval)) throw bad('interval', `not offered by ${what}`);
  const to = q.to === undefined ? Date.now() : parseReportTime(q.to, zone);
  if (to === null) throw bad('to', 'not an ISO date or date-time');
  const from = q.from === undefined ? to - defaultDays * DAY : parseReportTime(q.from, zone);
  if (from === null) throw bad('from', 'not an ISO date or date-time');
  if (from > to) throw bad('from', 'must not be after `to`');
  const range = checkRange(from, to, interval);
  if ('param' in range) throw bad(range.param, range.detail);
  return { zone, interval, range };
}

/** Supervisors see their teams' queues and people only (admins, analysts and keys everything). */
export function reportScope(s: Services, p: Principal | undefined): { queues: string[]; people: string[] } | undefined {
  const reach = isTeamSupervisor(p) ? supervisionFor(s, p!) : null;
  return reach && !reach.all ? { queues: [...reach.queues], people: [...reach.people] } : undefined;
}

/** Filters must apply to the report and name something that exists: a typo is a 400, not an empty report. */
export async function checkFilters(s: Services, allowed: readonly Filter[], q: QueryT): Promise<Partial<Record<Filter, string>>> {
  const out: Partial<Record<Filter, string>> = {};
  for (const f of FILTERS) {
    const v = q[f];
    if (v === undefined) continue;
    if (!allowed.includes(f)) throw bad(f, `does not apply to this report (filters: ${allowed.join(', ')})`);
    const known =
      f === 'queue' ? s.config.snapshot.queues.has(v)
      : f === 'caseType' ? s.config.snapshot.caseTypes.has(v)
      : f === 'agent' ? !!(await s.db.selectFrom('users').select('id').where('id', '=', v).executeTakeFirst())
      : !!(await s.db.selectFrom('teams').select('id').where('id', '=', v).executeTakeFirst());
    if (!known) throw bad(f, `unknown ${f === 'caseType' ? 'case type' : f}`);
    out[f] = v;
  }
  return out;
}

export async function nameLookup(s: Services, dims: readonly Dimension[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const q of s.config.snapshot.queues.values()) out.set(`queue:${q.id}`, q.name);
  for (const c of s.config.snapshot.caseTypes.values()) out.set(`caseType:${c.id}`, c.name);
  if (dims.includes('agent')) for (const u of await s.db.selectFrom('users').select(['id', 'name']).execute()) out.set(`agent:${u.id}`, u.name);
  return out;
}

async function filterValues(s: Services): Promise<Record<Filter, { id: string; name: string }[]>> {
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  const [users, teams] = await Promise.all([
    s.db.selectFrom('users').select(['id', 'name', 'roles']).execute(),
    s.db.selectFrom('teams').select(['id', 'name']).execute(),
  ]);
  return {
    queue: [...s.config.snapshot.queues.values()].map((q) => ({ id: q.id, name: q.name })).sort(byName),
    team: teams.sort(byName),
    agent: users.filter((u) => u.roles.includes('agent')).map((u) => ({ id: u.id, name: u.name })).sort(byName),
    caseType: [...s.config.snapshot.caseTypes.values()].map((c) => ({ id: c.id, name: c.name })).sort(byName),
  };
}

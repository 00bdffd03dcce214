import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ACTIVITY_KINDS, isValidZone, supervisesPerson, localDayStart, mondayOf, weekRange, type Activity, type ActivityKind } from '@worklane/core';
import type { Services } from '../services.js';
import { actorOf } from '../auth/principal.js';
import { requirePrincipal, requireUser } from '../auth/guard.js';
import { change, refuse } from '../admin/change.js';
import { badRequest, forbidden, notFound, unprocessable } from '../http/problems.js';
import { supervisionFor } from '../auth/supervision.js';
import type { Principal } from '../auth/principal.js';
import { periodOf } from '../http/period.js';
import { checkWorkforceSettings, mapContractUsers, readWorkforceSettings, Time, writeWorkforceSettings, WORKFORCE_KEY, WorkforceSettingsBody, type WorkforceSettings } from './settings.js';
import { planWeek } from './planning.js';
import { reportZone } from '../reports/query.js';
import { activitiesOf, generateSchedule, readSchedule, replacePersonWeek, setPublished } from './schedules.js';
import { adherenceReport, liveAdherence } from './adherence.js';
import { bidView, closeBidding, openBidding, saveBid } from './bidding.js';
import { decideTimeOff, listTimeOff, requestTimeOff } from './time-off.js';

const tags = ['workforce'];
const strict = { additionalProperties: false } as const;
/** Who plans: supervisors (and admins); analysts read the plans and the adherence. */
const PLANNERS = { roles: ['supervisor' as const], scopes: ['admin' as const] };
const READERS = { roles: ['supervisor' as const, 'analyst' as const], scopes: ['reports:read' as const] };
const ANYONE = { roles: 'any' as const };
const DAY = 86_400_000;

const DateParam = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD: any day of the week; the week starts on its Monday' });
const WeekParams = Type.Object({ week: DateParam }, strict);
const Tz = Type.Optional(Type.String({ maxLength: 64, description: 'IANA time zone (default: the reports\' zone)' }));
const Instant = Type.String({ format: 'date-time' });

/** The Monday of a week given by any of its days, checked: a bad date is a 400 naming `week`. */
function mondayFrom(day: string, zone: string, where: 'params' | 'querystring' = 'params'): string {
  if (Number.isNaN(localDayStart(zone, day))) throw badRequest('week: not a date', [{ pointer: '/week', message: 'not a date', in: where }]);
  return mondayOf(day, zone);
}

async function zoneOf(s: Services, tz: string | undefined): Promise<string> {
  if (tz === undefined) return reportZone(s.db);
  if (!isValidZone(tz)) throw badRequest('tz: unknown time zone', [{ pointer: '/tz', message: 'unknown time zone', in: 'querystring' }]);
  return tz;
}

const hourOut = (t: number) => new Date(t).toISOString();

function preferencesOf(settings: WorkforceSettings, user: string) {
  const c = settings.contracts.find((x) => x.user === user);
  return c
    ? { contract: true, hoursPerWeek: c.hoursPerWeek, days: c.days ?? null, earliest: c.earliest ?? null, latest: c.latest ?? null, preferredStart: c.preferredStart ?? null, preferredDaysOff: c.preferredDaysOff ?? [] }
    : { contract: false };
}

/**
 * Whose weeks and time off a caller decides: administrators and API keys everyone's, a supervisor
 * the people of their teams (the centre's week, settings and bidding stay every planner's).
 */
function decidesFor(s: Services, p: Principal): (userId: string) => boolean {
  if (p.kind === 'api-key' || p.roles.includes('admin')) return () => true;
  const sup = supervisionFor(s, p);
  return (userId) => supervisesPerson(sup, userId);
}

/** Whose adherence and time off a caller reads: analysts everyone's too; a supervisor their people's. */
function readsFor(s: Services, p: Principal): (userId: string) => boolean {
  return p.kind === 'user' && p.roles.includes('analyst') ? () => true : decidesFor(s, p);
}

/** Workforce management (seeds EE02, EE03, EE10): forecast, staffing, schedules, adherence, shrinkage, time off. */
export async function workforceRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/v1/workforce/settings', { config: { auth: READERS }, schema: { tags, summary: 'Planning settings: goals, shrinkage, shifts, contracts' } }, async () => readWorkforceSettings(s.db));

  r.put('/api/v1/workforce/settings', { config: { auth: PLANNERS }, schema: { tags, summary: 'Replace the planning settings', body: WorkforceSettingsBody } }, async (request) => {
    const next = structuredClone(request.body) as WorkforceSettings;
    const done = await change(s, request, 'workforce', async (trx, known) => {
      refuse(checkWorkforceSettings(next, known));
      const after = mapContractUsers(next, known.userId);
      const before = await readWorkforceSettings(trx);
      await writeWorkforceSettings(trx, after);
      return { id: WORKFORCE_KEY, before, after };
    });
    return done.after;
  });

  r.get('/api/v1/workforce/forecast', {
    config: { auth: READERS },
    schema: { tags, summary: "A week's forecast per queue and hour, and the people it needs (Erlang C, shrinkage)", querystring: Type.Object({ week: Type.Optional(DateParam), tz: Tz }, strict) },
  }, async (request) => {
    const zone = await zoneOf(s, request.query.tz);
    const monday = mondayFrom(request.query.week ?? new Date().toISOString().slice(0, 10), zone, 'querystring');
    const settings = await readWorkforceSettings(s.db);
    const plan = await planWeek(s.db, monday, zone, settings);
    return {
      week: monday,
      zone,
      shrinkage: settings.shrinkage,
      queues: plan.queues.map((q) => ({
        queue: q.queue,
        name: q.name,
        goal: q.goal,
        error: q.error,
        hours: q.hours.map((h) => ({
          start: hourOut(h.start), contacts: Math.round(h.contacts * 10) / 10, handleSeconds: Math.round(h.handleSeconds), agents: h.agents, scheduled: h.scheduled,
          serviceLevel: h.serviceLevel, occupancy: h.occupancy, method: h.method, basis: h.basis, ...(h.actual !== undefined ? { actual: h.actual } : {}),
        })),
      })),
      need: plan.hours.map((h) => ({ start: hourOut(h), scheduled: plan.need.get(h) ?? 0 })),
    };
  });

  r.get('/api/v1/workforce/schedules/:week', { config: { auth: READERS }, schema: { tags, summary: "A week's schedule: activities and cover against need", params: WeekParams } }, async (request) => {
    const zone = await reportZone(s.db);
    return readSchedule(s.db, mondayFrom(request.params.week, zone));
  });

  r.post('/api/v1/workforce/schedules/:week/generate', {
    config: { auth: PLANNERS },
    schema: { tags, summary: 'Build a draft from the forecast, the shifts and the contracts (replaces a draft)', params: WeekParams, querystring: Type.Object({ tz: Tz }, strict) },
  }, async (request) => {
    const zone = await zoneOf(s, request.query.tz);
    const settings = await readWorkforceSettings(s.db);
    if (!settings.shifts.length) throw unprocessable('/shifts', 'no shift templates in the workforce settings: add some first');
    if (!settings.contracts.length) throw unprocessable('/contracts', 'no contracts in the workforce settings: add some first');
    return generateSchedule(s.db, mondayFrom(request.params.week, zone), zone, settings, actorOf(request.principal));
  });

  for (const [verb, published] of [['publish', true], ['unpublish', false]] as const)
    r.post(`/api/v1/workforce/schedules/:week/${verb}`, { config: { auth: PLANNERS }, schema: { tags, summary: published ? 'Publish: people see it, adherence counts it' : 'Back to a draft', params: WeekParams } }, async (request) =>
      setPublished(s.db, mondayFrom(request.params.week, await reportZone(s.db)), published, actorOf(request.principal)),
    );

  // Shift bidding (seed EE11).
  r.post('/api/v1/workforce/schedules/:week/bidding', { config: { auth: PLANNERS }, schema: { tags, summary: "Open a draft for bids: each person's week becomes a numbered line people rank", params: WeekParams } }, async (request) => {
    const week = mondayFrom(request.params.week, await reportZone(s.db));
    await openBidding(s.db, week, actorOf(request.principal));
    return readSchedule(s.db, week);
  });

  r.post('/api/v1/workforce/schedules/:week/bidding/close', { config: { auth: PLANNERS }, schema: { tags, summary: 'Close the bidding: lines awarded by seniority and ranking; the week is a draft again', params: WeekParams } }, async (request) => {
    const week = mondayFrom(request.params.week, await reportZone(s.db));
    const result = await closeBidding(s.db, week, await readWorkforceSettings(s.db), actorOf(request.principal));
    return { ...result, schedule: await readSchedule(s.db, week) };
  });

  r.get('/api/v1/me/bids/:week', { config: { auth: ANYONE }, schema: { tags, summary: 'The lines of a week open for bids (whether each fits me) and my ranking', params: WeekParams } }, async (request) => {
    const week = mondayFrom(request.params.week, await reportZone(s.db));
    return bidView(s.db, week, requireUser(request).id, await readWorkforceSettings(s.db));
  });

  r.put('/api/v1/me/bids/:week', {
    config: { auth: ANYONE },
    schema: { tags, summary: 'Rank the lines I want, most wanted first', params: WeekParams, body: Type.Object({ ranking: Type.Array(Type.Integer({ minimum: 1, maximum: 100_000 }), { maxItems: 200, uniqueItems: true }) }, strict) },
  }, async (request) => {
    const me = requireUser(request);
    const week = mondayFrom(request.params.week, await reportZone(s.db));
    const settings = await readWorkforceSettings(s.db);
    await saveBid(s.db, week, me.id, request.body.ranking, settings);
    return bidView(s.db, week, me.id, settings);
  });

  r.put('/api/v1/workforce/schedules/:week/people/:user', {
    config: { auth: PLANNERS },
    schema: {
      tags,
      summary: "Replace one person's activities in the week",
      params: Type.Object({ week: DateParam, user: Type.String({ minLength: 1, maxLength: 320 }) }, strict),
      body: Type.Object({ activities: Type.Array(Type.Object({ kind: Type.Union(ACTIVITY_KINDS.map((k) => Type.Literal(k))), start: Instant, end: Instant }, strict), { maxItems: 200 }) }, strict),
    },
  }, async (request) => {
    const week = mondayFrom(request.params.week, await reportZone(s.db));
    const sched = await s.db.selectFrom('schedules').select('zone').where('week', '=', week).executeTakeFirst();
    if (!sched) throw notFound(`the schedule of the week of ${week}`);
    const user = await s.db.selectFrom('users').select(['id', 'name']).where((eb) => eb.or([eb('id', '=', request.params.user), eb('email', '=', request.params.user.toLowerCase())])).executeTakeFirst();
    if (!user) throw notFound(`user ${request.params.user}`);
    if (!decidesFor(s, requirePrincipal(request))(user.id)) throw forbidden(`${user.name} is not one of the people you supervise`);
    const { from, to } = weekRange(week, sched.zone);
    const acts: Activity[] = request.body.activities.map((a) => ({ user: user.id, kind: a.kind as ActivityKind, start: Date.parse(a.start), end: Date.parse(a.end) })).sort((a, b) => a.start - b.start);
    request.body.activities.forEach((a, i) => {
      const [st, en] = [Date.parse(a.start), Date.parse(a.end)];
      if (en <= st) refuse([{ pointer: `/activities/${i}/end`, message: 'must be after start' }]);
      if (st < from || en > to) refuse([{ pointer: `/activities/${i}/start`, message: `must lie within the week (${new Date(from).toISOString()} to ${new Date(to).toISOString()})` }]);
    });
    for (let i = 1; i < acts.length; i++) if (acts[i]!.start < acts[i - 1]!.end) refuse([{ pointer: '/activities', message: `activities overlap at ${new Date(acts[i]!.start).toISOString()}` }]);
    return replacePersonWeek(s.db, week, user.id, acts, actorOf(request.principal));
  });

  r.get('/api/v1/workforce/adherence/live', { config: { auth: READERS }, schema: { tags, summary: 'Who should be doing what now, what they do, and adherence today (a supervisor: their people)' } }, async (request) => {
    const sees = readsFor(s, requirePrincipal(request));
    return { at: new Date().toISOString(), people: (await liveAdherence(s.db, await reportZone(s.db))).filter((p) => sees(p.user)) };
  });

  r.get('/api/v1/workforce/adherence', {
    config: { auth: READERS },
    schema: { tags, summary: 'Adherence, conformance and exceptions per person over a period, and shrinkage', querystring: Type.Object({ from: Type.Optional(Instant), to: Type.Optional(Instant) }, strict) },
  }, async (request) => {
    const { from, to } = periodOf(request.query, 1);
    if (to.getTime() - from.getTime() > 31 * DAY) throw badRequest('from: at most 31 days before to', [{ pointer: '/from', message: 'at most 31 days before to', in: 'querystring' }]);
    const sees = readsFor(s, requirePrincipal(request));
    const report = await adherenceReport(s.db, from, to);
    // Shrinkage stays the centre's: it is what the whole week's plan allows for.
    return { from: from.toISOString(), to: to.toISOString(), ...report, people: report.people.filter((p) => sees(p.user)) };
  });

  // People's own side: their published schedule, their time off.
  r.get('/api/v1/me/schedule', { config: { auth: ANYONE }, schema: { tags, summary: 'My published schedule of a week and my time off', querystring: Type.Object({ week: Type.Optional(DateParam) }, strict) } }, async (request) => {
    const me = requireUser(request);
    const zone = await reportZone(s.db);
    const week = mondayFrom(request.query.week ?? new Date().toISOString().slice(0, 10), zone, 'querystring');
    const sched = await s.db.selectFrom('schedules').select(['status', 'zone', 'published_at']).where('week', '=', week).executeTakeFirst();
    const published = sched?.status === 'published';
    const activities = published ? await activitiesOf(s.db, week, { published: true, user: me.id }) : [];
    return {
      week,
      zone: sched?.zone ?? zone,
      published,
      activities: activities.map((a) => ({ kind: a.kind, start: hourOut(a.start), end: hourOut(a.end) })),
      timeOff: await listTimeOff(s.db, { user: me.id, from: new Date(Date.now() - 30 * DAY) }),
    };
  });

  // Employee schedule preferences (seed EE10): people keep their own wishes; the next draft weighs them.
  r.get('/api/v1/me/schedule-preferences', { config: { auth: ANYONE }, schema: { tags, summary: 'My contract and wishes' } }, async (request) => {
    return preferencesOf(await readWorkforceSettings(s.db), requireUser(request).id);
  });

  r.put('/api/v1/me/schedule-preferences', {
    config: { auth: ANYONE },
    schema: {
      tags,
      summary: 'Set my wishes: the start I prefer and the days I would rather have off',
      body: Type.Object({ preferredStart: Type.Union([Time, Type.Null()]), preferredDaysOff: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { maxItems: 7, uniqueItems: true }) }, strict),
    },
  }, async (request) => {
    const me = requireUser(request);
    await change(s, request, 'workforce', async (trx) => {
      const before = await readWorkforceSettings(trx);
      const i = before.contracts.findIndex((x) => x.user === me.id);
      if (i < 0) throw unprocessable('/preferredStart', 'you have no contract in the workforce settings: ask your supervisor');
      const { preferredStart, preferredDaysOff } = request.body;
      const mine = { ...before.contracts[i]!, preferredDaysOff };
      if (preferredStart) mine.preferredStart = preferredStart;
      else delete mine.preferredStart;
      const after = { ...before, contracts: before.contracts.map((c, j) => (j === i ? mine : c)) };
      await writeWorkforceSettings(trx, after);
      return { id: WORKFORCE_KEY, before, after };
    });
    return preferencesOf(await readWorkforceSettings(s.db), me.id);
  });

  r.post('/api/v1/me/time-off', {
    config: { auth: ANYONE },
    schema: { tags, summary: 'Ask for time off', body: Type.Object({ start: Instant, end: Instant, note: Type.Optional(Type.String({ maxLength: 500 })) }, strict) },
  }, async (request, reply) => {
    const me = requireUser(request);
    const [start, end] = [new Date(request.body.start), new Date(request.body.end)];
    if (end <= start) throw badRequest('end: must be after start', [{ pointer: '/end', message: 'must be after start', in: 'body' }]);
    if (end.getTime() - start.getTime() > 62 * DAY) throw badRequest('end: at most 62 days after start', [{ pointer: '/end', message: 'at most 62 days after start', in: 'body' }]);
    if (end.getTime() < Date.now()) throw badRequest('end: time off is asked for ahead, not afterwards', [{ pointer: '/end', message: 'is in the past', in: 'body' }]);
    reply.code(201);
    return requestTimeOff(s.db, me.id, start, end, request.body.note ?? '');
  });

  r.post('/api/v1/me/time-off/:id/cancel', { config: { auth: ANYONE }, schema: { tags, summary: 'Take back my time off (asked for or approved)', params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, strict) } }, async (request) => {
    const me = requireUser(request);
    return decideTimeOff(s.db, request.params.id, 'canceled', `user:${me.id}`, me.id);
  });

  r.get('/api/v1/workforce/time-off', {
    config: { auth: READERS },
    schema: { tags, summary: 'Time off asked for and decided', querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('requested'), Type.Literal('approved'), Type.Literal('declined'), Type.Literal('canceled')])) }, strict) },
  }, async (request) => {
    const sees = readsFor(s, requirePrincipal(request));
    return { items: (await listTimeOff(s.db, { ...(request.query.status ? { status: request.query.status } : {}), from: new Date(Date.now() - 7 * DAY) })).filter((t) => sees(t.user)) };
  });

  r.post('/api/v1/workforce/time-off/:id/decision', {
    config: { auth: PLANNERS },
    schema: { tags, summary: 'Approve or decline time off (approved time off is cut out of scheduled work)', params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, strict), body: Type.Object({ approve: Type.Boolean() }, strict) },
  }, async (request) => {
    const asked = await s.db.selectFrom('time_off as t').innerJoin('users as u', 'u.id', 't.user_id').select(['t.user_id', 'u.name']).where('t.id', '=', request.params.id).executeTakeFirst();
    if (!asked) throw notFound(`time off ${request.params.id}`);
    if (!decidesFor(s, requirePrincipal(request))(asked.user_id)) throw forbidden(`${asked.name} is not one of the people you supervise`);
    return decideTimeOff(s.db, request.params.id, request.body.approve ? 'approved' : 'declined', actorOf(request.principal) ?? 'system');
  });
}

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { clockStatus, localDayStart, localIso, nextClockEvent, openPeriods, WEEKDAYS, type Calendar, type ClockPolicy, type Holiday, type Pause } from '@worklane/core';
import type { Services } from '../services.js';
import { IdParams } from '../http/schemas.js';
import { Problem, badRequest, notFound, type FieldError } from '../http/problems.js';
import { registerCollection } from '../admin/crud.js';
import { ADMIN, CONFIG_READ } from '../admin/auth.js';
import { change, refuse } from '../admin/change.js';
import { checkCalendar } from './check.js';
import { calendars } from './collection.js';
import { publicHolidays } from './holidays.js';
import { ClockPolicyBody } from './item.js';
import { getCalendar, writeCalendar } from './store.js';

const strict = { additionalProperties: false } as const;
const tags = ['config'];
const DateTimeT = Type.String({ format: 'date-time' });
const MAX_PREVIEW_MS = 366 * 86_400_000;

const SeedBody = Type.Object(
  {
    country: Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2, e.g. BE' }),
    region: Type.Optional(Type.String({ minLength: 1, maxLength: 10, description: 'subdivision code as date-holidays names it (e.g. BY for Bavaria)' })),
    years: Type.Array(Type.Integer({ minimum: 1970, maximum: 2200 }), { minItems: 1, maxItems: 20, uniqueItems: true }),
    language: Type.Optional(Type.String({ pattern: '^[a-z]{2}$', description: 'holiday names in this language when known (ISO 639-1)' })),
  },
  strict,
);

const PreviewQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ maxLength: 40, description: 'YYYY-MM-DD (local midnight) or a date-time with offset; default today' })),
    to: Type.Optional(Type.String({ maxLength: 40, description: 'exclusive; default from + 7 days; at most 366 days after from' })),
  },
  strict,
);

const DeadlineBody = Type.Object(
  {
    start: DateTimeT,
    policy: ClockPolicyBody,
    pauses: Type.Optional(Type.Array(Type.Object({ from: DateTimeT, to: Type.Optional(Type.Union([DateTimeT, Type.Null()])) }, strict), { maxItems: 100 })),
    now: Type.Optional(Type.String({ format: 'date-time', description: 'the clock as of this instant; default the start or the end of the last pause' })),
  },
  strict,
);

/** A query instant: a local date (midnight in the calendar's zone) or a date-time with an offset. */
function instantOf(cal: Calendar, value: string, name: string): number {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? localDayStart(cal.timeZone, value)
    : /T.*(Z|[+-]\d{2}:?\d{2})$/i.test(value)
      ? Date.parse(value)
      : NaN;
  if (Number.isNaN(t)) throw badRequest(`${name}: not a date or a date-time with an offset`, [{ pointer: `/${name}`, message: 'YYYY-MM-DD or an ISO date-time with offset', in: 'querystring' }]);
  return t;
}

export async function calendarRoutes(app: FastifyInstance, s: Services): Promise<void> {
  registerCollection(app, s, calendars);
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const known = (id: string): Calendar => {
    const cal = s.config.snapshot.calendars.get(id);
    if (!cal) throw notFound(`calendar "${id}"`);
    return cal;
  };

  r.post('/api/v1/calendars/:id/holidays/seed', {
    config: { auth: ADMIN },
    schema: { tags, summary: 'Add public holidays from date-holidays (dates already listed keep their entry; edit freely afterwards)', params: IdParams, body: SeedBody },
  }, async (request) => {
    const found = await publicHolidays(request.body);
    if ('errors' in found) throw new Problem(422, 'Unprocessable request', found.errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), found.errors);
    let added: Holiday[] = [];
    const done = await change<Calendar>(s, request, 'calendar', async (trx) => {
      const id = request.params.id;
      const before = await getCalendar(trx, id);
      if (!before) throw notFound(`calendar "${id}"`);
      const have = new Set(before.holidays.map((h) => h.date));
      added = found.holidays.filter((h) => !have.has(h.date));
      const item = { ...before, holidays: [...before.holidays, ...added] };
      refuse(checkCalendar(item));
      await writeCalendar(trx, item);
      const { country, region, years } = request.body;
      return { id, before, after: (await getCalendar(trx, id))!, extra: { via: 'holidays-seed', country, region, years, added: added.length } };
    });
    return { calendar: done.after, added };
  });

  r.get('/api/v1/calendars/:id/preview', {
    config: { auth: CONFIG_READ },
    schema: { tags, summary: 'Open periods, holidays and overrides per local day in [from, to)', params: IdParams, querystring: PreviewQuery },
  }, async (request) => {
    const cal = known(request.params.id);
    const q = request.query;
    const from = q.from !== undefined ? instantOf(cal, q.from, 'from') : localDayStart(cal.timeZone, localIso(cal.timeZone, Date.now()).slice(0, 10));
    const to = q.to !== undefined ? instantOf(cal, q.to, 'to') : from + 7 * 86_400_000;
    if (!(to > from) || to - from > MAX_PREVIEW_MS)
      throw badRequest('to must be after from, at most 366 days later', [{ pointer: '/to', message: 'after from, at most 366 days later', in: 'querystring' }]);
    const periods = openPeriods(cal, from, to);
    const holidays = new Map(cal.holidays.map((h) => [h.date, h.name]));
    const overrides = new Map(cal.overrides.map((o) => [o.date, o]));
    const days: { date: string; weekday: string; open: { from: string; to: string }[]; holiday?: string; override?: string }[] = [];
    const firstDate = localIso(cal.timeZone, from).slice(0, 10);
    const lastDate = localIso(cal.timeZone, to - 1).slice(0, 10);
    for (let d = Date.parse(`${firstDate}T00:00:00Z`); ; d += 86_400_000) {
      const date = new Date(d).toISOString().slice(0, 10);
      if (date > lastDate) break;
      const o = overrides.get(date);
      days.push({
        date,
        weekday: WEEKDAYS[(new Date(d).getUTCDay() + 6) % 7]!,
        open: periods.filter((p) => p.date === date).map((p) => ({ from: localIso(cal.timeZone, p.from), to: localIso(cal.timeZone, p.to) })),
        ...(holidays.has(date) ? { holiday: holidays.get(date)! } : {}),
        ...(o ? { override: o.note ?? '' } : {}),
      });
    }
    return {
      calendar: cal.id,
      timeZone: cal.timeZone,
      from: localIso(cal.timeZone, from),
      to: localIso(cal.timeZone, to),
      openMs: periods.reduce((n, p) => n + p.to - p.from, 0),
      days,
    };
  });

  r.post('/api/v1/calendars/:id/deadline', {
    config: { auth: ADMIN },
    schema: { tags, summary: 'What the deadline of a clock on this calendar would be (nothing is stored)', params: IdParams, body: DeadlineBody },
  }, async (request) => {
    const cal = known(request.params.id);
    const b = request.body;
    const start = Date.parse(b.start);
    const errors: FieldError[] = [];
    const pauses: Pause[] = (b.pauses ?? []).map((p, i) => {
      const from = Date.parse(p.from);
      const to = p.to == null ? null : Date.parse(p.to);
      if (to !== null && to <= from) errors.push({ pointer: `/pauses/${i}/to`, message: 'must be after from', in: 'body' });
      return { from, to };
    });
    refuse(errors);
    const policy: ClockPolicy = { ...b.policy, mode: b.policy.mode ?? 'business', calendar: cal.id };
    const at = b.now !== undefined ? Date.parse(b.now) : Math.max(start, ...pauses.map((p) => p.to ?? p.from));
    const st = clockStatus(policy, cal, start, pauses, at);
    const next = nextClockEvent(policy, cal, start, pauses, at);
    const iso = (t: number | null | undefined) => (t === null || t === undefined ? null : localIso(cal.timeZone, t));
    return {
      calendar: cal.id,
      timeZone: cal.timeZone,
      policy,
      start: iso(start),
      at: iso(at),
      dueAt: iso(st.dueAt),
      warnAt: iso(st.warnAt),
      targetMs: st.targetMs,
      elapsedMs: st.elapsedMs,
      remainingMs: st.remainingMs,
      percent: Math.round(st.percent * 100) / 100,
      state: st.state,
      /** Wall time from start to the deadline (pauses and closed hours included). */
      wallMs: st.dueAt === null ? null : st.dueAt - start,
      next: next && { at: iso(next.at), kind: next.kind },
    };
  });
}

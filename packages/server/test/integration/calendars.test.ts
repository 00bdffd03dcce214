import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, Client, startHarness, type Harness } from './harness.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const p = (from: string, to: string) => ({ from, to });
const NIGHT = {
  id: 'night',
  name: 'Night desk',
  timeZone: 'America/New_York',
  week: { mon: [p('22:00', '24:00')], tue: [p('00:00', '06:00'), p('22:00', '24:00')], wed: [p('00:00', '06:00')] },
};
const H = 3_600_000;
const pointers = (r: { json: Json }) => (r.json.errors ?? []).map((e: { pointer: string }) => e.pointer);

describe.each(BACKENDS)('calendars on $backend', ({ backend, skip }) => {
  let h: Harness;
  let admin: Client;
  let alice: Client;
  const exportDoc = async () => (await admin.req('GET', '/api/v1/config/export?format=json')).json;
  const audit = async () => (await admin.req('GET', '/api/v1/audit?kind=calendar')).json.items as Json[];

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    admin = await Client.login(h.base, 'admin@worklane.local', 'admin123');
    alice = await Client.login(h.base, 'alice@worklane.local', 'alice123');
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('the demo has the office split shift with Belgian holidays and a 24x7 calendar, in memory too', async () => {
    const list = await alice.req('GET', '/api/v1/calendars');
    expect(list.status).toBe(200);
    expect(list.json.items.map((c: Json) => c.id)).toEqual(['24x7', 'office']);
    const office = (await alice.req('GET', '/api/v1/calendars/office')).json;
    expect(office).toMatchObject({ timeZone: 'Europe/Brussels', week: { mon: [p('08:30', '12:30'), p('13:30', '17:30')], sat: [] } });
    expect(office.holidays).toHaveLength(20);
    expect(office.holidays).toContainEqual({ date: '2027-03-29', name: 'Easter Monday' });
    const mem = h.app.services.config.snapshot.calendars;
    expect(mem.get('office')?.holidays).toHaveLength(20);
    expect(mem.get('24x7')?.week.sun).toEqual([p('00:00', '24:00')]);
    const paths = Object.keys((await alice.req('GET', '/api/openapi.json')).json.paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/calendars', '/api/v1/calendars/{id}/holidays/seed', '/api/v1/calendars/{id}/preview', '/api/v1/calendars/{id}/deadline']));
  });

  it.skipIf(skip)('create, read, change and delete, each audited and reloaded into memory', async () => {
    const created = await admin.req('POST', '/api/v1/calendars', NIGHT);
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect(created.json).toEqual({ ...NIGHT, week: { ...NIGHT.week, thu: [], fri: [], sat: [], sun: [] }, holidays: [], overrides: [] });
    expect(h.app.services.config.snapshot.calendars.get('night')?.timeZone).toBe('America/New_York');
    expect((await admin.req('POST', '/api/v1/calendars', NIGHT)).status).toBe(409);

    const changed = await admin.req('PATCH', '/api/v1/calendars/night', { name: 'Night shift', overrides: [{ date: '2026-12-24', periods: [], note: 'Christmas Eve' }] });
    expect(changed.status, JSON.stringify(changed.json)).toBe(200);
    expect(changed.json).toMatchObject({ name: 'Night shift', week: { mon: [p('22:00', '24:00')] }, overrides: [{ date: '2026-12-24', periods: [], note: 'Christmas Eve' }] });
    expect(h.app.services.config.snapshot.calendars.get('night')?.name).toBe('Night shift');

    expect((await alice.req('PATCH', '/api/v1/calendars/night', { name: 'x' })).status).toBe(403);
    expect((await alice.req('DELETE', '/api/v1/calendars/night')).status).toBe(403);

    const tmp = await admin.req('POST', '/api/v1/calendars', { ...NIGHT, id: 'tmp' });
    expect(tmp.status).toBe(201);
    expect((await admin.req('DELETE', '/api/v1/calendars/tmp')).status).toBe(204);
    expect((await admin.req('GET', '/api/v1/calendars/tmp')).status).toBe(404);
    expect(h.app.services.config.snapshot.calendars.has('tmp')).toBe(false);

    const types = (await audit()).map((e) => `${e.type} ${e.data.id}`);
    expect(types).toEqual(expect.arrayContaining(['config.calendar.created night', 'config.calendar.updated night', 'config.calendar.deleted tmp']));
  });

  it.skipIf(skip)('refuses a bad calendar with a pointer to each bad field and changes nothing', async () => {
    const before = (await audit()).length;
    const overlap = await admin.req('POST', '/api/v1/calendars', {
      id: 'bad',
      name: 'Bad',
      timeZone: 'Europe/Atlantis',
      week: { mon: [p('08:00', '12:00'), p('11:30', '13:00')], tue: [p('17:00', '09:00')] },
      holidays: [{ date: '2026-02-30', name: 'No such day' }],
    });
    expect(overlap.status).toBe(422);
    expect(overlap.headers.get('content-type')).toContain('application/problem+json');
    expect(pointers(overlap)).toEqual(['/timeZone', '/week/mon/1', '/week/tue/0/to', '/holidays/0/date']);
    expect(overlap.json.errors[1].message).toBe('overlaps 08:00–12:00 (period 0)');

    const shape = await admin.req('POST', '/api/v1/calendars', { ...NIGHT, id: 'bad', week: { mon: [p('9:00', '17:00')], funday: [] } });
    expect(shape.status).toBe(400);
    expect(pointers(shape)).toEqual(expect.arrayContaining(['/week/mon/0/from', '/week/funday']));

    const patch = await admin.req('PATCH', '/api/v1/calendars/night', { overrides: [{ date: '2026-12-31', periods: [p('20:00', '23:00'), p('22:00', '24:00')] }] });
    expect(patch.status).toBe(422);
    expect(pointers(patch)).toEqual(['/overrides/0/periods/1']);

    expect((await admin.req('GET', '/api/v1/calendars/bad')).status).toBe(404);
    expect((await admin.req('GET', '/api/v1/calendars/night')).json.overrides).toEqual([{ date: '2026-12-24', periods: [], note: 'Christmas Eve' }]);
    expect((await audit()).length).toBe(before);
  });

  it.skipIf(skip)('seeds public holidays from date-holidays, keeping entries already there', async () => {
    const edited = await admin.req('PATCH', '/api/v1/calendars/night', { holidays: [{ date: '2026-12-25', name: 'Our Christmas' }] });
    expect(edited.status).toBe(200);
    const seeded = await admin.req('POST', '/api/v1/calendars/night/holidays/seed', { country: 'be', years: [2026, 2027], language: 'en' });
    expect(seeded.status, JSON.stringify(seeded.json)).toBe(200);
    expect(seeded.json.added).toHaveLength(19); // 2 × 10 public holidays, one date already listed
    expect(seeded.json.added).toContainEqual({ date: '2026-07-21', name: 'National Holiday' });
    expect(seeded.json.calendar.holidays).toContainEqual({ date: '2026-12-25', name: 'Our Christmas' });
    expect(seeded.json.calendar.holidays.map((x: Json) => x.date)).toEqual([...seeded.json.calendar.holidays.map((x: Json) => x.date)].sort());
    expect(h.app.services.config.snapshot.calendars.get('night')?.holidays).toHaveLength(20);

    const again = await admin.req('POST', '/api/v1/calendars/night/holidays/seed', { country: 'BE', years: [2026] });
    expect(again.json.added).toEqual([]);

    const bavaria = await admin.req('POST', '/api/v1/calendars/night/holidays/seed', { country: 'DE', region: 'BY', years: [2026] });
    expect(bavaria.json.added).toContainEqual({ date: '2026-01-06', name: 'Heilige Drei Könige' }); // Bavarian only: no public holiday in BE

    const badCountry = await admin.req('POST', '/api/v1/calendars/night/holidays/seed', { country: 'XX', years: [2026] });
    expect(badCountry.status).toBe(422);
    expect(pointers(badCountry)).toEqual(['/country']);
    const badRegion = await admin.req('POST', '/api/v1/calendars/night/holidays/seed', { country: 'DE', region: 'ZZ', years: [2026] });
    expect(pointers(badRegion)).toEqual(['/region']);
    expect((await admin.req('POST', '/api/v1/calendars/nope/holidays/seed', { country: 'BE', years: [2026] })).status).toBe(404);
    expect((await alice.req('POST', '/api/v1/calendars/night/holidays/seed', { country: 'BE', years: [2026] })).status).toBe(403);
  });

  it.skipIf(skip)('previews open periods per local day, with holidays', async () => {
    const r = await alice.req('GET', '/api/v1/calendars/office/preview?from=2026-04-03&to=2026-04-07');
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json.openMs).toBe(8 * H);
    expect(r.json.days.map((d: Json) => [d.date, d.weekday, d.open.length, d.holiday ?? null])).toEqual([
      ['2026-04-03', 'fri', 2, null],
      ['2026-04-04', 'sat', 0, null],
      ['2026-04-05', 'sun', 0, null],
      ['2026-04-06', 'mon', 0, 'Easter Monday'],
    ]);
    expect(r.json.days[0].open[0]).toEqual({ from: '2026-04-03T08:30:00.000+02:00', to: '2026-04-03T12:30:00.000+02:00' });
    const bad = await alice.req('GET', '/api/v1/calendars/office/preview?from=2026-04-07&to=2026-04-01');
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0]).toMatchObject({ pointer: '/to', in: 'querystring' });
    expect((await alice.req('GET', '/api/v1/calendars/office/preview?from=tomorrow')).status).toBe(400);
    expect((await alice.req('GET', '/api/v1/calendars/nope/preview')).status).toBe(404);
  });

  it.skipIf(skip)('answers what a deadline would be', async () => {
    const deadline = (body: Json) => admin.req('POST', '/api/v1/calendars/office/deadline', body);
    // Technical: 16 h open-office time, warning at 75 %.
    const tech = await deadline({ start: '2026-03-02T10:00:00+01:00', policy: { duration: 16, unit: 'hours', warnAtPercent: 75 } });
    expect(tech.status, JSON.stringify(tech.json)).toBe(200);
    expect(tech.json).toMatchObject({
      dueAt: '2026-03-04T10:00:00.000+01:00',
      warnAt: '2026-03-03T15:00:00.000+01:00',
      targetMs: 16 * H,
      state: 'running',
      next: { at: '2026-03-03T15:00:00.000+01:00', kind: 'warning' },
    });
    // Finance: 3 business days, the same business instant three open days later.
    expect((await deadline({ start: '2026-03-02T10:00:00+01:00', policy: { duration: 3, unit: 'days' } })).json.dueAt).toBe('2026-03-05T10:00:00.000+01:00');
    // Over Easter Monday.
    expect((await deadline({ start: '2026-04-03T16:30:00+02:00', policy: { duration: 2, unit: 'hours' } })).json.dueAt).toBe('2026-04-07T09:30:00.000+02:00');
    // Replacement: 10 calendar days, minus a one-day pause.
    const repl = await deadline({
      start: '2026-03-02T10:00:00+01:00',
      policy: { duration: 10, unit: 'days', mode: 'calendar' },
      pauses: [{ from: '2026-03-03T10:00:00+01:00', to: '2026-03-04T10:00:00+01:00' }],
    });
    expect(repl.json).toMatchObject({ dueAt: '2026-03-13T10:00:00.000+01:00', wallMs: 11 * 24 * H });
    // Paused now: no deadline until it resumes.
    const paused = await deadline({ start: '2026-03-02T10:00:00+01:00', policy: { duration: 16, unit: 'hours' }, pauses: [{ from: '2026-03-02T11:00:00+01:00', to: null }] });
    expect(paused.json).toMatchObject({ state: 'paused', dueAt: null, elapsedMs: H, next: null });
    // As of a later instant: breached, with when.
    const late = await deadline({ start: '2026-03-02T10:00:00+01:00', policy: { duration: 16, unit: 'hours' }, now: '2026-03-05T10:00:00+01:00' });
    expect(late.json).toMatchObject({ state: 'breached', dueAt: '2026-03-04T10:00:00.000+01:00', remainingMs: -8 * H, percent: 150 });

    const bad = await deadline({ start: '2026-03-02T10:00:00+01:00', policy: { duration: 0, unit: 'weeks' } });
    expect(bad.status).toBe(400);
    expect(pointers(bad)).toEqual(expect.arrayContaining(['/policy/duration', '/policy/unit']));
    const inverted = await deadline({ start: '2026-03-02T10:00:00+01:00', policy: { duration: 1, unit: 'hours' }, pauses: [{ from: '2026-03-03T10:00:00Z', to: '2026-03-03T09:00:00Z' }] });
    expect(inverted.status).toBe(422);
    expect(pointers(inverted)).toEqual(['/pauses/0/to']);
    expect((await alice.req('POST', '/api/v1/calendars/office/deadline', { start: '2026-03-02T10:00:00Z', policy: { duration: 1, unit: 'hours' } })).status).toBe(403);
  });

  it.skipIf(skip)('refuses to delete a calendar a case type names', async () => {
    const hasCaseTypes = (await sql<{ t: string | null }>`select to_regclass('case_types')::text as t`.execute(h.db.store.db)).rows[0]?.t != null;
    if (!hasCaseTypes) return;
    const settings = JSON.stringify({ sla: { duration: 3, unit: 'days', mode: 'business', calendar: 'night' }, procedure: { steps: [{ id: 'advisor', ola: { duration: 2, unit: 'days', mode: 'business', calendar: 'night' } }] } });
    await sql`insert into case_types (id, name, settings) values ('cal-test', 'Calendar test', ${settings}::jsonb)`.execute(h.db.store.db);
    try {
      const r = await admin.req('DELETE', '/api/v1/calendars/night');
      expect(r.status).toBe(409);
      expect(r.json.usedBy).toEqual(['case type cal-test (/sla/calendar)', 'case type cal-test (/procedure/steps/0/ola/calendar)']);
      expect((await admin.req('GET', '/api/v1/calendars/night')).status).toBe(200);
    } finally {
      await sql`delete from case_types where id = 'cal-test'`.execute(h.db.store.db);
    }
  });

  it.skipIf(skip)('exports and imports calendars: round trip unchanged, edits applied, bad ones refused', async () => {
    const doc = await exportDoc();
    const night = doc.calendars.find((c: Json) => c.id === 'night');
    expect(night).toMatchObject({ name: 'Night shift', timeZone: 'America/New_York' });
    expect(doc.calendars.map((c: Json) => c.id)).toEqual(['24x7', 'night', 'office']);

    const dry = await admin.req('POST', '/api/v1/config/import', doc);
    expect(dry.status).toBe(200);
    expect(dry.json.changes.filter((c: Json) => c.kind === 'calendars').every((c: Json) => c.change === 'unchanged')).toBe(true);

    const next = structuredClone(doc);
    next.calendars.find((c: Json) => c.id === 'night').name = 'Night owls';
    next.calendars.push({ id: 'weekend', name: 'Weekend desk', timeZone: 'Europe/Paris', week: { sat: [p('10:00', '18:00')], sun: [p('10:00', '16:00')] } });
    const applied = await admin.req('POST', '/api/v1/config/import?apply=true', next);
    expect(applied.status, JSON.stringify(applied.json)).toBe(200);
    const mine = applied.json.changes.filter((c: Json) => c.kind === 'calendars' && c.change !== 'unchanged');
    expect(mine).toEqual([
      { kind: 'calendars', id: 'night', change: 'update' },
      { kind: 'calendars', id: 'weekend', change: 'create' },
    ]);
    expect((await admin.req('GET', '/api/v1/calendars/night')).json.name).toBe('Night owls');
    expect(h.app.services.config.snapshot.calendars.get('weekend')?.week.sun).toEqual([p('10:00', '16:00')]);
    expect((await audit()).map((e) => `${e.type} ${e.data.id}`)).toContain('config.calendar.created weekend');

    const again = await exportDoc();
    expect(again.calendars).toEqual(next.calendars.map((c: Json) => (c.id === 'weekend' ? { ...c, week: { mon: [], tue: [], wed: [], thu: [], fri: [], ...c.week }, holidays: [], overrides: [] } : c)).sort((a: Json, b: Json) => a.id.localeCompare(b.id)));

    const broken = structuredClone(again);
    broken.calendars[0].week.mon = [p('08:00', '12:00'), p('10:00', '14:00')];
    broken.calendars.push({ ...broken.calendars[1] });
    const refused = await admin.req('POST', '/api/v1/config/import?apply=true', broken);
    expect(refused.status).toBe(400);
    expect(refused.json.errors.map((e: Json) => e.pointer)).toEqual(expect.arrayContaining(['/calendars/0/week/mon/1', `/calendars/${broken.calendars.length - 1}/id`]));
    expect(await exportDoc()).toEqual(again);
  });
});

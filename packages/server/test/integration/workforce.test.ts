import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { adherenceOf, mondayOf, staffingFor, type Activity } from '@worklane/core';
import { BACKENDS, Client, applyConfig, startHarness, type Harness } from './harness.js';
import { AdherenceWatch } from '../../src/workforce/watch.js';

// Workforce management (seeds EE02, EE03, EE10): the forecast learns each queue's hours from the
// reports, Erlang C turns it into people, a schedule covers them within contracts and time off,
// people see their published week and ask for time off, supervisors watch adherence live and over a period.
const CONFIG = {
  version: 1,
  teams: [{ id: 'wf-team', name: 'Planning team' }, { id: 'wf-other', name: 'Another team' }],
  users: [
    { email: 'wf-amy@test.local', name: 'Amy Plan', password: 'secret1', roles: ['agent'], teams: ['wf-team'] },
    { email: 'wf-ben@test.local', name: 'Ben Plan', password: 'secret1', roles: ['agent'], teams: ['wf-team'] },
    { email: 'wf-sue@test.local', name: 'Sue Lead', password: 'secret1', roles: ['supervisor'], teams: ['wf-team'] },
    // Supervises another team: none of Amy's and Ben's weeks and time off are hers to decide.
    { email: 'wf-zoe@test.local', name: 'Zoe Lead', password: 'secret1', roles: ['supervisor'], teams: ['wf-other'] },
  ],
  queues: [{ id: 'wf-q', name: 'Planned queue', members: { teams: ['wf-team'] }, serviceLevelSeconds: 20 }],
};

const H = 3_600_000;
const DAY = 24 * H;
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const SHIFTS = [{ id: 'morning', name: 'Morning', start: '08:00', hours: 6 }];
const settings = (over: object = {}) => ({
  weeks: 2, shrinkage: 0, serviceLevel: 0.8, maxOccupancy: 0.85, queues: [], shifts: SHIFTS,
  contracts: [{ user: 'wf-amy@test.local', hoursPerWeek: 12 }, { user: 'wf-ben@test.local', hoursPerWeek: 12, preferredStart: '08:00' }], ...over,
});

describe.each(BACKENDS)('workforce management on $backend', ({ backend, skip }) => {
  let h: Harness;
  let admin: Client;
  let sue: Client;
  let amy: Client;
  let ben: Client;
  const ids: Record<string, string> = {};
  const now = Date.now();
  const lastWeek = mondayOf(now - 7 * DAY, 'UTC');
  const thisWeek = mondayOf(now, 'UTC');
  const nextWeek = mondayOf(now + 7 * DAY, 'UTC');
  const at = (monday: string, hour: number) => Date.parse(`${monday}T00:00:00Z`) + hour * H;

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    admin = await applyConfig(h, CONFIG);
    sue = await Client.login(h.base, 'wf-sue@test.local', 'secret1');
    amy = await Client.login(h.base, 'wf-amy@test.local', 'secret1');
    ben = await Client.login(h.base, 'wf-ben@test.local', 'secret1');
    for (const u of (await admin.req('GET', '/api/v1/users')).json.items) ids[u.email] = u.id;
    // History as the reports keep it: Mondays 09–12 the two weeks before last (8 and 2 contacts an hour,
    // 180 s each), and last week (4 an hour), what the forecast of last week is measured against.
    const rows: [number, number][] = [];
    for (let hr = 9; hr < 12; hr++) rows.push([at(lastWeek, hr) - 7 * DAY, 8], [at(lastWeek, hr) - 14 * DAY, 2], [at(lastWeek, hr), 4]);
    for (const [hour, n] of rows)
      for (const metric of ['created', 'completed'])
        await sql`insert into report_hourly (grain, hour, metric, queue, agent, case_type, code, n, total, max, within)
          values ('queue', ${new Date(hour)}, ${metric}, 'wf-q', '', '', '', ${n}, ${metric === 'completed' ? n * 180 : 0}, null, 0)`.execute(h.app.services.db);
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('checks the planning settings by field and keeps them', async () => {
    const bad = await sue.req('PUT', '/api/v1/workforce/settings', settings({ queues: [{ queue: 'nope' }], shifts: [...SHIFTS, ...SHIFTS], contracts: [{ user: 'who@test.local', hoursPerWeek: 10 }, { user: 'wf-amy@test.local', hoursPerWeek: 10, earliest: '10:00', latest: '09:00' }] }));
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((e: Json) => e.pointer).sort()).toEqual(['/contracts/0/user', '/contracts/1/latest', '/queues/0/queue', '/shifts/1/id']);
    const time = await sue.req('PUT', '/api/v1/workforce/settings', settings({ shifts: [{ id: 'x', name: 'X', start: '25:00', hours: 8 }] }));
    expect(time.status).toBe(400);
    expect(time.json.errors[0].pointer).toBe('/shifts/0/start');
    expect((await amy.req('PUT', '/api/v1/workforce/settings', settings())).status).toBe(403);
    expect((await amy.req('GET', '/api/v1/workforce/forecast')).status).toBe(403);
    const ok = await sue.req('PUT', '/api/v1/workforce/settings', settings());
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expect(ok.json.contracts[0].user).toBe(ids['wf-amy@test.local']); // stored by id
    expect((await sue.req('GET', '/api/v1/workforce/settings')).json.shifts).toEqual(SHIFTS);
  });

  it.skipIf(skip)('travels in the configuration document, people by e-mail, checked on import', async () => {
    const doc = (await admin.req('GET', '/api/v1/config/export?format=json')).json;
    expect(doc.workforce.contracts[0]).toEqual({ user: 'wf-amy@test.local', hoursPerWeek: 12 });
    expect(doc.workforce.shifts).toEqual(SHIFTS);
    const same = await admin.req('POST', '/api/v1/config/import', doc);
    expect(same.json.changes.find((c: Json) => c.kind === 'workforce')).toEqual({ kind: 'workforce', id: 'workforce', change: 'unchanged' });
    const wrong = await admin.req('POST', '/api/v1/config/import?apply=true', { ...doc, workforce: { ...doc.workforce, contracts: [{ user: 'nobody@test.local', hoursPerWeek: 8 }] } });
    expect(wrong.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/workforce/contracts/0/user' })]));
    const longer = { ...doc, workforce: { ...doc.workforce, contracts: doc.workforce.contracts.map((c: Json) => ({ ...c, hoursPerWeek: 14 })) } };
    const applied = await admin.req('POST', '/api/v1/config/import?apply=true', longer);
    expect(applied.json.changes.find((c: Json) => c.kind === 'workforce').change).toBe('update');
    expect((await sue.req('GET', '/api/v1/workforce/settings')).json.contracts.map((c: Json) => [c.user, c.hoursPerWeek])).toEqual([[ids['wf-amy@test.local'], 14], [ids['wf-ben@test.local'], 14]]);
    expect((await sue.req('PUT', '/api/v1/workforce/settings', settings())).status).toBe(200); // back to 12 h
  });

  it.skipIf(skip)('people keep their own wishes in their contract (employee schedule preferences)', async () => {
    expect((await ben.req('GET', '/api/v1/me/schedule-preferences')).json).toMatchObject({ contract: true, hoursPerWeek: 12, preferredStart: '08:00', preferredDaysOff: [] });
    const set = await ben.req('PUT', '/api/v1/me/schedule-preferences', { preferredStart: '09:30', preferredDaysOff: [5] });
    expect(set.status, JSON.stringify(set.json)).toBe(200);
    expect(set.json).toMatchObject({ preferredStart: '09:30', preferredDaysOff: [5] });
    expect((await ben.req('PUT', '/api/v1/me/schedule-preferences', { preferredStart: '9:30', preferredDaysOff: [] })).json.errors[0].pointer).toBe('/preferredStart');
    expect((await sue.req('PUT', '/api/v1/me/schedule-preferences', { preferredStart: null, preferredDaysOff: [] })).status).toBe(422); // Sue has no contract
    const ben2 = (await sue.req('GET', '/api/v1/workforce/settings')).json.contracts.find((c: Json) => c.user === ids['wf-ben@test.local']);
    expect(ben2).toMatchObject({ hoursPerWeek: 12, preferredStart: '09:30', preferredDaysOff: [5] });
    // Back as the tests below expect; no wished start at all is allowed too.
    expect((await ben.req('PUT', '/api/v1/me/schedule-preferences', { preferredStart: null, preferredDaysOff: [] })).json.preferredStart).toBeNull();
    await ben.req('PUT', '/api/v1/me/schedule-preferences', { preferredStart: '08:00', preferredDaysOff: [] });
  });

  it.skipIf(skip)('forecasts each hour from the past weeks, nearest first, measures it against what came, and staffs it with Erlang C', async () => {
    const f = await sue.req('GET', `/api/v1/workforce/forecast?week=${lastWeek}&tz=UTC`);
    expect(f.status, JSON.stringify(f.json)).toBe(200);
    const q = f.json.queues.find((x: Json) => x.queue === 'wf-q');
    const nine = q.hours.find((x: Json) => x.start === new Date(at(lastWeek, 9)).toISOString());
    const contacts = (2 * 8 + 1 * 2) / 3; // weights 2 (a week back) and 1 (two weeks back)
    const expected = staffingFor({ contacts, intervalSeconds: 3600, handleSeconds: 180, serviceLevel: 0.8, thresholdSeconds: 20, maxOccupancy: 0.85, concurrency: 1 });
    expect(nine).toMatchObject({ contacts: 6, handleSeconds: 180, basis: 2, actual: 4, agents: expected.agents, scheduled: expected.agents });
    expect(q.goal.thresholdSeconds).toBe(20);
    expect(q.error).toBeCloseTo((3 * 2) / 12, 6);
    expect(q.hours.find((x: Json) => x.start === new Date(at(lastWeek, 14)).toISOString())).toMatchObject({ contacts: 0, agents: 0 });
    expect(f.json.need.find((x: Json) => x.start === nine.start).scheduled).toBe(expected.agents);
    expect((await sue.req('GET', '/api/v1/workforce/forecast?week=2026-02-30')).status).toBe(400);
    expect((await sue.req('GET', '/api/v1/workforce/forecast?tz=Mars/Base')).json.errors[0].pointer).toBe('/tz');
  });

  it.skipIf(skip)('builds a draft week that covers the need within contracts, publishes it to the people, and takes edits', async () => {
    const g = await sue.req('POST', `/api/v1/workforce/schedules/${lastWeek}/generate?tz=UTC`);
    expect(g.status, JSON.stringify(g.json)).toBe(200);
    expect(g.json.status).toBe('draft');
    const work = g.json.activities.filter((a: Json) => a.kind === 'work');
    expect(new Set(work.map((a: Json) => a.user))).toEqual(new Set([ids['wf-amy@test.local'], ids['wf-ben@test.local']]));
    expect(new Set(work.map((a: Json) => a.start.slice(0, 10)))).toEqual(new Set([lastWeek])); // only Monday needs anyone
    const nine = g.json.hours.find((x: Json) => x.start === new Date(at(lastWeek, 9)).toISOString());
    expect(nine.scheduled).toBeGreaterThanOrEqual(nine.need - 0.5);
    expect((await amy.req('GET', `/api/v1/me/schedule?week=${lastWeek}`)).json).toMatchObject({ published: false, activities: [] });

    expect((await sue.req('POST', `/api/v1/workforce/schedules/${lastWeek}/publish`)).json.status).toBe('published');
    const mine = await amy.req('GET', `/api/v1/me/schedule?week=${lastWeek}`);
    expect(mine.json.published).toBe(true);
    expect(mine.json.activities.map((a: Json) => a.kind)).toEqual(['work', 'break', 'work', 'lunch', 'work']); // 6 h: a break and lunch
    expect((await sue.req('POST', `/api/v1/workforce/schedules/${lastWeek}/generate?tz=UTC`)).status).toBe(409);

    const overlap = await sue.req('PUT', `/api/v1/workforce/schedules/${lastWeek}/people/wf-amy@test.local`, {
      activities: [{ kind: 'work', start: new Date(at(lastWeek, 8)).toISOString(), end: new Date(at(lastWeek, 12)).toISOString() }, { kind: 'meeting', start: new Date(at(lastWeek, 11)).toISOString(), end: new Date(at(lastWeek, 13)).toISOString() }],
    });
    expect(overlap.status).toBe(422);
    expect(overlap.json.errors[0].pointer).toBe('/activities');
    const outside = await sue.req('PUT', `/api/v1/workforce/schedules/${lastWeek}/people/wf-amy@test.local`, { activities: [{ kind: 'work', start: new Date(at(lastWeek, -2)).toISOString(), end: new Date(at(lastWeek, 2)).toISOString() }] });
    expect(outside.json.errors[0].pointer).toBe('/activities/0/start');
    const edited = await sue.req('PUT', `/api/v1/workforce/schedules/${lastWeek}/people/wf-amy@test.local`, {
      activities: [{ kind: 'work', start: new Date(at(lastWeek, 8)).toISOString(), end: new Date(at(lastWeek, 11)).toISOString() }, { kind: 'training', start: new Date(at(lastWeek, 11)).toISOString(), end: new Date(at(lastWeek, 13)).toISOString() }],
    });
    expect(edited.status, JSON.stringify(edited.json)).toBe(200);
    expect(edited.json.activities.filter((a: Json) => a.user === ids['wf-amy@test.local']).map((a: Json) => a.kind)).toEqual(['work', 'training']);
    expect((await amy.req('POST', `/api/v1/workforce/schedules/${lastWeek}/publish`)).status).toBe(403);
  });

  it.skipIf(skip)('measures adherence and shrinkage of a published day against what people did', async () => {
    const from = new Date(at(lastWeek, 0)).toISOString();
    const to = new Date(at(lastWeek, 24)).toISOString();
    const r = await sue.req('GET', `/api/v1/workforce/adherence?from=${from}&to=${to}`);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const a = r.json.people.find((p: Json) => p.user === ids['wf-amy@test.local']);
    // Amy never signed in: 3 h of work missed; the 2 h of training kept to (away from the queue, as planned).
    const acts: Activity[] = [{ user: 'a', kind: 'work', start: at(lastWeek, 8), end: at(lastWeek, 11) }, { user: 'a', kind: 'training', start: at(lastWeek, 11), end: at(lastWeek, 13) }];
    expect(a).toMatchObject({ scheduledSeconds: 5 * 3600, adheredSeconds: 2 * 3600, adherence: adherenceOf(acts, [], at(lastWeek, 0), at(lastWeek, 24)).adherence, conformance: 0 });
    expect(a.exceptions[0]).toMatchObject({ scheduled: 'work', status: 'offline', start: new Date(at(lastWeek, 8)).toISOString() });
    expect(r.json.shrinkage.planned.training).toBe(2 * 3600);
    expect(r.json.shrinkage.unplanned.offline).toBeGreaterThanOrEqual(3 * 3600);
    expect((await sue.req('GET', `/api/v1/workforce/adherence?from=${to}&to=${from}`)).json.errors[0].pointer).toBe('/from');
  });

  it.skipIf(skip)('shows live who keeps to the schedule now', async () => {
    await sue.req('POST', `/api/v1/workforce/schedules/${thisWeek}/generate?tz=UTC`);
    const { from, to } = { from: Math.max(now - H, at(thisWeek, 0)), to: Math.min(now + H, at(thisWeek, 24 * 7)) };
    const put = await sue.req('PUT', `/api/v1/workforce/schedules/${thisWeek}/people/wf-ben@test.local`, { activities: [{ kind: 'work', start: new Date(from).toISOString(), end: new Date(to).toISOString() }] });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    await sue.req('POST', `/api/v1/workforce/schedules/${thisWeek}/publish`);
    const live = async () => (await sue.req('GET', '/api/v1/workforce/adherence/live')).json.people.find((p: Json) => p.user === ids['wf-ben@test.local']);
    expect(await live()).toMatchObject({ scheduled: 'work', status: 'offline', inAdherence: false });
    await ben.req('PUT', '/api/v1/me/presence', { status: 'available' });
    expect(await live()).toMatchObject({ scheduled: 'work', status: 'available', inAdherence: true, until: new Date(to).toISOString() });
    await ben.req('PUT', '/api/v1/me/presence', { status: 'not-ready', reason: 'lunch' });
    expect(await live()).toMatchObject({ status: 'not-ready', reason: 'lunch', inAdherence: false });

    // Out of adherence past the threshold (here none): Sue, his supervisor, hears it once.
    const sv = h.app.services;
    const watch = new AdherenceWatch(sv.db, sv.config, sv.hub, h.app.app.log, 0);
    const watching = await sue.stream();
    expect((await watch.check()).map((p) => p.user)).toContain(ids['wf-ben@test.local']);
    const alert = await watching.next((m) => m.type === 'alert' && m.message.startsWith('Ben Plan is out of adherence'));
    expect(alert).toMatchObject({ level: 'warning', message: 'Ben Plan is out of adherence: scheduled for work, not-ready (lunch) for 0 min' });
    expect((await watch.check()).map((p) => p.user)).not.toContain(ids['wf-ben@test.local']); // once a stretch
    watching.close();
    await ben.req('PUT', '/api/v1/me/presence', { status: 'offline' });
  });

  it.skipIf(skip)('time off: asked for by the person, decided by a supervisor, cut out of the scheduled week', async () => {
    expect((await sue.req('POST', `/api/v1/workforce/schedules/${nextWeek}/generate?tz=UTC`)).status).toBe(200);
    const before = (await sue.req('GET', `/api/v1/workforce/schedules/${nextWeek}`)).json.activities.filter((a: Json) => a.user === ids['wf-amy@test.local']);
    expect(before.some((a: Json) => a.kind === 'work' && a.start.startsWith(nextWeek))).toBe(true);

    const wrong = await amy.req('POST', '/api/v1/me/time-off', { start: new Date(at(nextWeek, 10)).toISOString(), end: new Date(at(nextWeek, 9)).toISOString() });
    expect(wrong.json.errors[0].pointer).toBe('/end');
    const asked = await amy.req('POST', '/api/v1/me/time-off', { start: new Date(at(nextWeek, 0)).toISOString(), end: new Date(at(nextWeek, 24)).toISOString(), note: 'Dentist' });
    expect(asked.status, JSON.stringify(asked.json)).toBe(201);
    expect(asked.json).toMatchObject({ status: 'requested', note: 'Dentist', name: 'Amy Plan' });
    expect((await sue.req('GET', '/api/v1/workforce/time-off?status=requested')).json.items.map((t: Json) => t.id)).toContain(asked.json.id);
    expect((await amy.req('POST', `/api/v1/workforce/time-off/${asked.json.id}/decision`, { approve: true })).status).toBe(403);
    expect((await ben.req('POST', `/api/v1/me/time-off/${asked.json.id}/cancel`)).status).toBe(404); // not Ben's

    const ok = await sue.req('POST', `/api/v1/workforce/time-off/${asked.json.id}/decision`, { approve: true });
    expect(ok.json).toMatchObject({ status: 'approved', decidedBy: `user:${ids['wf-sue@test.local']}` });
    const after = (await sue.req('GET', `/api/v1/workforce/schedules/${nextWeek}`)).json.activities.filter((a: Json) => a.user === ids['wf-amy@test.local']);
    expect(after.filter((a: Json) => a.start.startsWith(nextWeek)).map((a: Json) => a.kind)).toEqual(['time-off']);
    expect(after.find((a: Json) => a.kind === 'time-off')).toMatchObject({ start: new Date(at(nextWeek, 0)).toISOString(), end: new Date(at(nextWeek, 24)).toISOString() });
    expect((await sue.req('POST', `/api/v1/workforce/time-off/${asked.json.id}/decision`, { approve: false })).status).toBe(409);
    // A day without a shift (Sunday) is shown as time off too: the week says who is away.
    const sunday = await amy.req('POST', '/api/v1/me/time-off', { start: new Date(at(nextWeek, 6 * 24)).toISOString(), end: new Date(at(nextWeek, 7 * 24)).toISOString() });
    await sue.req('POST', `/api/v1/workforce/time-off/${sunday.json.id}/decision`, { approve: true });
    const withSunday = (await sue.req('GET', `/api/v1/workforce/schedules/${nextWeek}`)).json.activities.filter((a: Json) => a.user === ids['wf-amy@test.local'] && a.kind === 'time-off');
    expect(withSunday.map((a: Json) => a.start)).toContain(new Date(at(nextWeek, 6 * 24)).toISOString());
    // A new draft keeps it: no shift in approved time off.
    const again = await sue.req('POST', `/api/v1/workforce/schedules/${nextWeek}/generate?tz=UTC`);
    expect(again.json.activities.filter((a: Json) => a.user === ids['wf-amy@test.local'] && a.start.startsWith(nextWeek)).map((a: Json) => a.kind)).toEqual(['time-off']);
    expect((await amy.req('POST', `/api/v1/me/time-off/${asked.json.id}/cancel`)).json.status).toBe('canceled');
    expect((await amy.req('GET', '/api/v1/me/schedule')).json.timeOff.find((t: Json) => t.id === asked.json.id).status).toBe('canceled');
    // Time off that has begun stays.
    const sick = await amy.req('POST', '/api/v1/me/time-off', { start: new Date(now - H).toISOString(), end: new Date(now + H).toISOString(), note: 'Sick' });
    await sue.req('POST', `/api/v1/workforce/time-off/${sick.json.id}/decision`, { approve: true });
    expect((await amy.req('POST', `/api/v1/me/time-off/${sick.json.id}/cancel`)).status).toBe(409);
  });

  it.skipIf(skip)('shift bidding: a draft opened for bids, lines ranked by the people they fit, awarded by seniority', async () => {
    const week = mondayOf(now + 21 * DAY, 'UTC');
    expect((await sue.req('POST', `/api/v1/workforce/schedules/${week}/generate?tz=UTC`)).status).toBe(200);
    const shift = (day: number) => ({ kind: 'work', start: new Date(at(week, day * 24 + 8)).toISOString(), end: new Date(at(week, day * 24 + 14)).toISOString() });
    await sue.req('PUT', `/api/v1/workforce/schedules/${week}/people/wf-amy@test.local`, { activities: [shift(0), shift(1)] }); // Monday, Tuesday
    await sue.req('PUT', `/api/v1/workforce/schedules/${week}/people/wf-ben@test.local`, { activities: [shift(2), shift(3)] }); // Wednesday, Thursday
    // Ben is the senior one.
    const s = (await sue.req('GET', '/api/v1/workforce/settings')).json;
    await sue.req('PUT', '/api/v1/workforce/settings', { ...s, contracts: s.contracts.map((c: Json) => ({ ...c, seniority: c.user === ids['wf-ben@test.local'] ? 1 : 2 })) });

    expect((await amy.req('POST', `/api/v1/workforce/schedules/${week}/bidding`)).status).toBe(403);
    const opened = await sue.req('POST', `/api/v1/workforce/schedules/${week}/bidding`);
    expect(opened.status, JSON.stringify(opened.json)).toBe(200);
    expect(opened.json).toMatchObject({ status: 'bidding', bids: 0 });
    expect((await sue.req('POST', `/api/v1/workforce/schedules/${week}/bidding`)).status).toBe(409);
    expect((await sue.req('POST', `/api/v1/workforce/schedules/${week}/publish`)).status).toBe(409);
    expect((await sue.req('POST', `/api/v1/workforce/schedules/${week}/generate?tz=UTC`)).status).toBe(409);

    const view = await amy.req('GET', `/api/v1/me/bids/${week}`);
    expect(view.json).toMatchObject({ open: true, contract: true, ranking: [] });
    expect(view.json.lines.map((l: Json) => [l.line, l.hours, l.shifts.length, l.fits])).toEqual([[1, 12, 2, true], [2, 12, 2, true]]); // line 1 is Monday's (Amy's draft), 2 Wednesday's
    expect((await amy.req('PUT', `/api/v1/me/bids/${week}`, { ranking: [9] })).json.errors[0].pointer).toBe('/ranking/0');
    expect((await sue.req('PUT', `/api/v1/me/bids/${week}`, { ranking: [1] })).status).toBe(422); // no contract
    expect((await amy.req('PUT', `/api/v1/me/bids/${week}`, { ranking: [2, 1] })).json.ranking).toEqual([2, 1]);
    expect((await ben.req('PUT', `/api/v1/me/bids/${week}`, { ranking: [1] })).status).toBe(200);
    expect((await sue.req('GET', `/api/v1/workforce/schedules/${week}`)).json.bids).toBe(2);

    const closed = await sue.req('POST', `/api/v1/workforce/schedules/${week}/bidding/close`);
    expect(closed.status, JSON.stringify(closed.json)).toBe(200);
    expect(closed.json).toMatchObject({ moved: 2, unawarded: [], without: [] });
    expect(closed.json.schedule.status).toBe('draft');
    const days = (u: string) => [...new Set(closed.json.schedule.activities.filter((a: Json) => a.user === ids[u]).map((a: Json) => new Date(a.start).getUTCDay()))];
    expect(days('wf-ben@test.local')).toEqual([1, 2]); // Ben (senior) got Monday and Tuesday, his first choice
    expect(days('wf-amy@test.local')).toEqual([3, 4]); // Amy's first choice was free
    expect((await amy.req('GET', `/api/v1/me/bids/${week}`)).json.open).toBe(false);
    expect((await amy.req('PUT', `/api/v1/me/bids/${week}`, { ranking: [1] })).status).toBe(409);
  });

  it.skipIf(skip)("a team's supervisor decides for their own people only: weeks, time off, and whose adherence they read", async () => {
    const zoe = await Client.login(h.base, 'wf-zoe@test.local', 'secret1');
    const asked = await amy.req('POST', '/api/v1/me/time-off', { start: new Date(at(nextWeek, 48)).toISOString(), end: new Date(at(nextWeek, 72)).toISOString(), note: 'Moving house' });
    expect(asked.status).toBe(201);
    const decided = await zoe.req('POST', `/api/v1/workforce/time-off/${asked.json.id}/decision`, { approve: true });
    expect(decided).toMatchObject({ status: 403, json: { detail: 'Amy Plan is not one of the people you supervise' } });
    expect((await zoe.req('POST', '/api/v1/workforce/time-off/nope/decision', { approve: true })).status).toBe(404);
    expect((await zoe.req('GET', '/api/v1/workforce/time-off?status=requested')).json.items).toEqual([]);
    expect((await sue.req('GET', '/api/v1/workforce/time-off?status=requested')).json.items.map((t: Json) => t.id)).toContain(asked.json.id);
    const edit = { activities: [{ kind: 'work', start: new Date(at(nextWeek, 8)).toISOString(), end: new Date(at(nextWeek, 12)).toISOString() }] };
    expect((await zoe.req('PUT', `/api/v1/workforce/schedules/${nextWeek}/people/wf-amy@test.local`, edit)).status).toBe(403);
    expect((await h.db.store.db.selectFrom('time_off').select('status').where('id', '=', asked.json.id).executeTakeFirstOrThrow()).status).toBe('requested');
    expect((await zoe.req('GET', '/api/v1/workforce/adherence/live')).json.people).toEqual([]);
    expect((await zoe.req('GET', '/api/v1/workforce/adherence')).json.people).toEqual([]);
    expect((await sue.req('GET', '/api/v1/workforce/adherence')).json.people.map((p: Json) => p.name).sort()).toEqual(['Amy Plan', 'Ben Plan']);
    // The administrator decides for everyone.
    expect((await admin.req('POST', `/api/v1/workforce/time-off/${asked.json.id}/decision`, { approve: false })).json.status).toBe('declined');
  });
});


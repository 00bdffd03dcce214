import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BACKENDS, Client, startHarness, applyConfig, type Harness } from './harness.js';

const MIN = 60_000;
const CONFIG = {
  version: 1,
  teams: [{ id: 'clk-team', name: 'Clock team' }, { id: 'clk-xteam', name: 'Clock experts' }],
  wrapUpCodes: [{ code: 'resolved', label: 'Resolved' }, { code: 'escalate', label: 'Escalate' }, { code: 'send-back', label: 'Send back' }, { code: 'need-follow-up', label: 'Need Follow-Up' }],
  users: [{ email: 'clk-ann@test.local', name: 'Clock Ann', password: 'secret1', roles: ['agent'], teams: ['clk-team'], capacity: { workitem: 3 } }],
  queues: [
    { id: 'clk-advisors', name: 'Clock advisors', members: { teams: ['clk-team'] }, offerTimeoutSeconds: 3600 },
    { id: 'clk-experts', name: 'Clock experts', members: { teams: ['clk-xteam'] } },
  ],
  worktypes: [
    { id: 'clk-advisor', name: 'Clock advisor', defaultQueue: 'clk-advisors', wrapUpCodes: ['resolved', 'escalate', 'need-follow-up'], requireWrapUp: true },
    { id: 'clk-expert', name: 'Clock expert', defaultQueue: 'clk-experts', wrapUpCodes: ['resolved', 'send-back'], requireWrapUp: true },
  ],
  caseTypes: [
    {
      id: 'clk',
      name: 'Clock',
      titleField: 'subject',
      form: { fields: [{ name: 'subject', label: 'Subject', type: 'text', required: true }] },
      sla: { duration: 60, unit: 'minutes', mode: 'calendar', warnAtPercent: 50 },
      pauseStatuses: ['waiting-for-customer'],
      procedure: {
        start: 'advisor',
        escalation: ['expert'],
        steps: [
          { id: 'advisor', queue: 'clk-advisors', worktype: 'clk-advisor', ola: { duration: 10, unit: 'minutes', mode: 'calendar', warnAtPercent: 50 }, transitions: { resolved: { close: true }, escalate: { escalate: true } } },
          { id: 'expert', queue: 'clk-experts', worktype: 'clk-expert', transitions: { resolved: { close: true }, 'send-back': { sendBack: true } } },
        ],
      },
    },
  ],
};

describe.each(BACKENDS)('SLA and OLA clocks on $backend', ({ backend, skip }) => {
  let h: Harness;
  let sam: Client;
  let ann: Client;
  const t0 = Date.now();
  let t = t0;
  const clocks = () => h.app.services.clocks;
  const at = async (minutes: number) => {
    t = t0 + minutes * MIN;
    await clocks().tick();
    await h.app.services.dispatcher.idle();
  };
  const events = async (caseId: string, type: string) =>
    Number((await h.db.store.db.selectFrom('events').select((eb) => eb.fn.countAll().as('n')).where('case_id', '=', caseId).where('type', '=', type).executeTakeFirstOrThrow()).n);
  const get = async (id: string) => (await sam.req('GET', `/api/v1/cases/${id}`)).json;
  const create = async (subject: string) => {
    const r = await sam.req('POST', '/api/v1/cases', { caseType: 'clk', fields: { subject } });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    return r.json;
  };

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    await applyConfig(h, CONFIG);
    sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
    ann = await Client.login(h.base, 'clk-ann@test.local', 'secret1');
    clocks().setNow(() => t);
  });
  afterAll(async () => {
    await h?.close();
  });

  let a: { id: string };
  let b: { id: string };

  it.skipIf(skip)('OLA warning fires once; the breach escalates once, to the escalation step', async () => {
    a = await create('A');
    expect((await get(a.id)).tasks[0].ola.dueAt).toBe(new Date(t0 + 10 * MIN).toISOString());
    await at(4);
    expect(await events(a.id, 'ola.warning')).toBe(0);
    await at(6);
    await clocks().tick();
    expect(await events(a.id, 'ola.warning')).toBe(1);
    await at(11);
    await clocks().tick();
    expect(await events(a.id, 'ola.breached')).toBe(1);
    expect(await events(a.id, 'case.escalated')).toBe(1);
    const c = await get(a.id);
    expect(c).toMatchObject({ status: 'escalated', currentStep: 'expert', escalationLevel: 1 });
    const m = (minutes: number) => new Date(t0 + minutes * MIN).toISOString();
    expect(c.tasks[0].ola).toMatchObject({ warnedAt: m(6), breachedAt: m(11), escalatedAt: m(11) });
    expect(c.tasks.map((x: { step: string; state: string; queue: string }) => [x.step, x.state, x.queue])).toEqual([['advisor', 'canceled', 'clk-advisors'], ['expert', 'queued', 'clk-experts']]);
    const escalated = (await sam.req('GET', `/api/v1/cases/${a.id}/timeline`)).json.items.find((e: { type: string }) => e.type === 'case.escalated');
    expect(escalated).toMatchObject({ actor: 'system:clocks', data: { automatic: true, to: 'expert', queue: 'clk-experts', reason: 'OLA breached' } });
  });

  it.skipIf(skip)('not while an agent works the task; finishing it unfinished after the deadline escalates then', async () => {
    b = await create('B'); // at 11 min: OLA due at 21
    await ann.req('PUT', '/api/v1/me/presence', { status: 'available' });
    await h.app.services.dispatcher.idle();
    const offer = (await ann.req('GET', '/api/v1/me/offers')).json.items.find((o: { task: { caseId: string } }) => o.task?.caseId === b.id);
    expect(offer).toBeTruthy();
    expect((await ann.req('POST', `/api/v1/offers/${offer.id}/accept`)).status).toBe(200);
    expect((await get(b.id)).status).toBe('in-progress');
    await at(22);
    await at(25);
    expect(await events(b.id, 'ola.breached')).toBe(1);
    expect(await events(b.id, 'case.escalated')).toBe(0);
    const breached = (await sam.req('GET', `/api/v1/cases/${b.id}/timeline`)).json.items.find((e: { type: string }) => e.type === 'ola.breached');
    expect(breached.data.escalation).toMatch(/^deferred/);
    const task = (await get(b.id)).tasks[0];
    expect(task.ola).toMatchObject({ breachedAt: new Date(t0 + 22 * MIN).toISOString(), escalatedAt: null });
    expect((await ann.req('POST', `/api/v1/tasks/${task.taskId}/complete`, { wrapUpCode: 'need-follow-up' })).status).toBe(200);
    expect(await events(b.id, 'case.escalated')).toBe(1);
    expect(await get(b.id)).toMatchObject({ status: 'escalated', currentStep: 'expert' });
    expect((await get(b.id)).tasks[0].ola).toMatchObject({ breachedAt: new Date(t0 + 22 * MIN).toISOString(), escalatedAt: new Date(t0 + 25 * MIN).toISOString() }); // when it was finished
    await at(26);
    expect(await events(b.id, 'case.escalated')).toBe(1);
    await ann.req('PUT', '/api/v1/me/presence', { status: 'not-ready', reason: 'lunch' });
  });

  it.skipIf(skip)('the SLA warns once, pauses while waiting for the customer and resumes where it stopped', async () => {
    await at(31); // A's SLA (60 min, warn at 50 %) warns at 30
    await clocks().tick();
    expect(await events(a.id, 'sla.warning')).toBe(1);
    expect((await get(a.id)).sla).toMatchObject({ warnedAt: new Date(t0 + 31 * MIN).toISOString(), breachedAt: null });
    expect(await events(b.id, 'sla.warning')).toBe(0); // B: created at 11, warns at 41
    expect((await sam.req('PATCH', `/api/v1/cases/${b.id}`, { status: 'waiting-for-customer' })).json).toMatchObject({ status: 'waiting-for-customer', sla: { dueAt: null, paused: true } });
    await at(50);
    expect(await events(b.id, 'sla.warning')).toBe(0);
    const resumed = (await sam.req('PATCH', `/api/v1/cases/${b.id}`, { status: 'in-progress' })).json;
    // 20 of its 60 minutes were used before the pause at 31: due 40 minutes after 50.
    expect(resumed.sla).toMatchObject({ paused: false, dueAt: new Date(t0 + 90 * MIN).toISOString() });
    const sla = (await sam.req('GET', `/api/v1/cases/${b.id}/sla`)).json;
    expect(sla.sla).toMatchObject({ state: 'running', elapsedMs: 20 * MIN, pauses: [{ from: new Date(t0 + 31 * MIN).toISOString(), to: new Date(t0 + 50 * MIN).toISOString() }] });
  });

  it.skipIf(skip)('a changed SLA is recomputed; a restart re-arms the next deadline and fires it once', async () => {
    // A supervisor gives B a longer SLA: the deadline follows from the same start and pauses.
    const longer = (await sam.req('PATCH', `/api/v1/cases/${b.id}`, { sla: { duration: 120, unit: 'minutes', mode: 'calendar', warnAtPercent: 50 } })).json;
    expect(longer.sla.dueAt).toBe(new Date(t0 + 150 * MIN).toISOString());
    const c = await create('C'); // at 50: OLA warning at 55
    const warnAt = new Date(t0 + 55 * MIN).getTime();
    const before = { a: await events(a.id, 'sla.warning'), aOla: await events(a.id, 'ola.warning') };
    await h.restart();
    sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
    expect(clocks().armedAt).not.toBeNull();
    expect(clocks().armedAt!).toBeLessThanOrEqual(warnAt);
    clocks().setNow(() => t);
    await at(56);
    await clocks().tick();
    expect(await events(c.id, 'ola.warning')).toBe(1);
    expect({ a: await events(a.id, 'sla.warning'), aOla: await events(a.id, 'ola.warning') }).toEqual(before);
    await at(61); // A's SLA breaches at 60: once
    await at(62);
    expect(await events(a.id, 'sla.breached')).toBe(1);
    expect((await get(a.id)).sla).toMatchObject({ warnedAt: new Date(t0 + 31 * MIN).toISOString(), breachedAt: new Date(t0 + 61 * MIN).toISOString() });
    // The case type's SLA changes (configuration): running clocks are recomputed from their start.
    const admin = await Client.login(h.base, 'admin@worklane.local', 'admin123');
    expect((await admin.req('PATCH', '/api/v1/case-types/clk', { sla: { duration: 90, unit: 'minutes', mode: 'calendar' } })).status).toBe(200);
    await clocks().tick(); // after the recompute the change queued
    expect((await get(c.id)).sla).toMatchObject({ dueAt: new Date(t0 + 140 * MIN).toISOString(), warnAt: null });
  });

  it.skipIf(skip)('case changes in a burst re-read the next deadline once at once and once more after 100 ms', async () => {
    const arm = vi.spyOn(clocks() as unknown as { arm: () => Promise<void> }, 'arm');
    try {
      await new Promise((r) => setTimeout(r, 150)); // past any earlier look
      // Twenty changes, each in its own turn of the event loop (coalescing per tick alone read twenty times).
      for (let i = 0; i < 20; i++) {
        clocks().rearm();
        await new Promise((r) => setImmediate(r));
      }
      expect(arm.mock.calls.length).toBeLessThanOrEqual(2); // the first change at once (a second only if the loop took 100 ms)
      await new Promise((r) => setTimeout(r, 300));
      // The changes after it: one more look, after the gap (none is lost).
      expect(arm.mock.calls.length).toBeGreaterThanOrEqual(2);
      expect(arm.mock.calls.length).toBeLessThanOrEqual(3);
      expect(clocks().armedAt).not.toBeNull();
    } finally {
      arm.mockRestore();
    }
  });

  it.skipIf(skip)('a longer SLA for a breached case clears its warning and breach, which fire again at the new times', async () => {
    const longer = await sam.req('PATCH', `/api/v1/cases/${a.id}`, { sla: { duration: 240, unit: 'minutes', mode: 'calendar', warnAtPercent: 50 } });
    expect(longer.status).toBe(200);
    expect(longer.json.sla).toMatchObject({ dueAt: new Date(t0 + 240 * MIN).toISOString(), warnedAt: null, breachedAt: null });
    expect((await sam.req('GET', `/api/v1/cases/${a.id}/sla`)).json.sla).toMatchObject({ state: 'running', warnedAt: null, breachedAt: null });
    await at(119);
    expect(await events(a.id, 'sla.warning')).toBe(1);
    await at(121);
    expect(await events(a.id, 'sla.warning')).toBe(2);
    expect((await get(a.id)).sla).toMatchObject({ warnedAt: new Date(t0 + 121 * MIN).toISOString(), breachedAt: null });
    await at(241);
    await at(242);
    expect(await events(a.id, 'sla.breached')).toBe(2);
    expect((await get(a.id)).sla).toMatchObject({ warnedAt: new Date(t0 + 121 * MIN).toISOString(), breachedAt: new Date(t0 + 241 * MIN).toISOString() });
    // The same for a task's OLA: warned at 5 of its 10 minutes, then given 60: running again, warns at 30.
    const d = await create('D'); // at 242
    await at(248);
    expect(await events(d.id, 'ola.warning')).toBe(1);
    expect((await get(d.id)).tasks[0].ola).toMatchObject({ warnedAt: new Date(t0 + 248 * MIN).toISOString(), breachedAt: null });
    expect((await sam.req('PATCH', `/api/v1/cases/${d.id}`, { ola: { duration: 60, unit: 'minutes', mode: 'calendar', warnAtPercent: 50 } })).status).toBe(200);
    expect((await get(d.id)).tasks[0].ola).toMatchObject({ dueAt: new Date(t0 + 302 * MIN).toISOString(), warnedAt: null, breachedAt: null });
    await at(271);
    expect(await events(d.id, 'ola.warning')).toBe(1);
    await at(273);
    expect(await events(d.id, 'ola.warning')).toBe(2);
    expect((await get(d.id)).tasks[0].ola).toMatchObject({ warnedAt: new Date(t0 + 273 * MIN).toISOString(), breachedAt: null });
  });
});

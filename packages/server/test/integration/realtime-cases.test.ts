import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, Client, startHarness, applyConfig, type Harness } from './harness.js';

// GET /reports/realtime/cases (API.md): open cases per case type by status, at risk (SLA warned),
// breached, escalated, the oldest; and the cases at risk, soonest due first; scoped like cases.
const MIN = 60_000;
const CONFIG = {
  version: 1,
  teams: [{ id: 'rc-team', name: 'RC team' }, { id: 'rc-xteam', name: 'RC experts' }, { id: 'rc-other', name: 'RC other' }],
  wrapUpCodes: [{ code: 'resolved', label: 'Resolved' }],
  users: [
    { email: 'rc-ann@test.local', name: 'RC Ann', password: 'secret1', roles: ['agent'], teams: ['rc-team'], capacity: { workitem: 3 } },
    { email: 'rc-sue@test.local', name: 'RC Sue', password: 'secret1', roles: ['supervisor'], teams: ['rc-other'] },
  ],
  queues: [
    { id: 'rc-advisors', name: 'RC advisors', members: { teams: ['rc-team'] } },
    { id: 'rc-experts', name: 'RC experts', members: { teams: ['rc-xteam'] } },
  ],
  worktypes: [
    { id: 'rc-advisor', name: 'RC advisor', defaultQueue: 'rc-advisors', wrapUpCodes: ['resolved'] },
    { id: 'rc-expert', name: 'RC expert', defaultQueue: 'rc-experts', wrapUpCodes: ['resolved'] },
  ],
  caseTypes: [
    {
      id: 'rc',
      name: 'RC',
      titleField: 'subject',
      form: { fields: [{ name: 'subject', label: 'Subject', type: 'text', required: true }] },
      sla: { duration: 60, unit: 'minutes', mode: 'calendar', warnAtPercent: 50 },
      pauseStatuses: ['waiting-for-customer'],
      procedure: {
        start: 'advisor',
        escalation: ['expert'],
        steps: [
          { id: 'advisor', queue: 'rc-advisors', worktype: 'rc-advisor', transitions: { resolved: { close: true } } },
          { id: 'expert', queue: 'rc-experts', worktype: 'rc-expert', transitions: { resolved: { close: true } } },
        ],
      },
    },
  ],
};

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(BACKENDS)('live case figures on $backend', ({ backend, skip }) => {
  let h: Harness;
  let sam: Client;
  const t0 = Date.now();
  let t = t0;
  const clocks = () => h.app.services.clocks;
  const at = async (minutes: number) => {
    t = t0 + minutes * MIN;
    await clocks().tick();
  };
  const create = async (subject: string) => {
    const r = await sam.req('POST', '/api/v1/cases', { caseType: 'rc', fields: { subject } });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    return r.json as { id: string; number: string };
  };
  const figures = async (c: Client) => {
    const r = await c.req('GET', '/api/v1/reports/realtime/cases');
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    return { rc: (r.json.items as Json[]).find((i) => i.caseType === 'rc'), atRisk: (r.json.atRisk as Json[]).filter((c) => c.caseType === 'rc') };
  };

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    await applyConfig(h, CONFIG);
    sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
    clocks().setNow(() => t);
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('counts open cases by status, at risk, breached and escalated, lists the cases at risk soonest due first, and scopes them to the supervisor', async () => {
    const a = await create('A'); // due at 60, warns at 30
    await at(20);
    const b = await create('B'); // due at 80, warns at 50
    const c = await create('C');
    expect((await sam.req('POST', `/api/v1/cases/${c.id}/close`, { resolution: 'duplicate' })).status).toBe(200);
    let f = await figures(sam);
    expect(f.rc).toMatchObject({ name: 'RC', open: 2, atRisk: 0, breached: 0, escalated: 0 });
    expect(f.rc.oldestOpenSeconds).toBeGreaterThanOrEqual(0);
    expect(f.atRisk).toEqual([]);

    await at(31); // A warns
    f = await figures(sam);
    expect(f.rc).toMatchObject({ open: 2, atRisk: 1, breached: 0 });
    expect(f.atRisk).toEqual([expect.objectContaining({ id: a.id, number: a.number, title: 'A', breachedAt: null, slaDueAt: new Date(t0 + 60 * MIN).toISOString() })]);

    await at(61); // A breaches, B warned at 50
    expect((await sam.req('POST', `/api/v1/cases/${b.id}/escalate`, { reason: 'needs an expert' })).status).toBe(200);
    f = await figures(sam);
    expect(f.rc).toMatchObject({ open: 2, atRisk: 1, breached: 1, escalated: 1 });
    expect(f.rc.byStatus).toMatchObject({ escalated: 1 });
    expect(f.atRisk.map((x) => x.number)).toEqual([a.number, b.number]); // soonest due first
    expect(f.atRisk[0].breachedAt).toBe(new Date(t0 + 61 * MIN).toISOString());
    expect(f.atRisk[1]).toMatchObject({ status: 'escalated', escalationLevel: 1, breachedAt: null });

    // Sue supervises a team with nothing to do with these cases: she sees none of them.
    const sue = await Client.login(h.base, 'rc-sue@test.local', 'secret1');
    const hers = await figures(sue);
    expect(hers.rc).toMatchObject({ open: 0, atRisk: 0, breached: 0 });
    expect(hers.atRisk).toEqual([]);
  });

  it.skipIf(skip)('tells the supervisors of a case live when its SLA warns or breaches, and a burst as counts', async () => {
    const sue = await Client.login(h.base, 'rc-sue@test.local', 'secret1');
    const [samStream, sueStream] = await Promise.all([sam.stream(), sue.stream()]);
    t = t0 + 100 * MIN;
    const d = await create('D'); // warns at 130, due at 160
    await at(131);
    const warned = await samStream.next((m) => m.type === 'alert' && m.caseId === d.id);
    expect(warned).toMatchObject({ level: 'warning', message: `Case ${d.number} passed its SLA warning` });
    await at(161);
    expect(await samStream.next((m) => m.type === 'alert' && m.caseId === d.id && /breached/.test(m.message))).toMatchObject({ message: `Case ${d.number} breached its SLA` });
    // Eleven at once: one message with the count, not eleven.
    const burst = new Set<string>();
    for (let i = 0; i < 11; i++) burst.add((await create(`Burst ${i}`)).id);
    await at(192);
    expect(await samStream.next((m) => m.type === 'alert' && /11 cases passed their SLA warning/.test(m.message))).toMatchObject({ message: '11 cases passed their SLA warning: see the Cases panel' });
    expect(samStream.messages.filter((m) => m.type === 'alert' && burst.has(m.caseId))).toEqual([]);
    // Sue sees none of these cases: no alert about one of them (the count goes to every supervisor).
    expect(sueStream.messages.filter((m) => m.type === 'alert' && m.caseId)).toEqual([]);
    samStream.close();
    sueStream.close();
  });
});

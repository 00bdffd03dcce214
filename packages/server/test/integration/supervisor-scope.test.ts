// "Supervisors only their teams" (issue 6, DESIGN invariant 6): a supervisor supervises the teams
// they belong to, those teams' people and the queues those people serve; admins and analysts see
// everything; a supervisor in no team sees no team's work. Reads (tasks, workbins, realtime
// reports, agents, cases) and supervisor actions (assign, pull back, transfer, cancel, change)
// are limited to that scope; outside it a task or case is 404 (as for an agent) and nothing changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, Client, DEMO_KEY, startHarness, type Harness } from './harness.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(BACKENDS)('supervisor scope on $backend', ({ backend, skip }) => {
  let h: Harness;
  let admin: Client, sam: Client, nina: Client, otto: Client, ann: Client, alice: Client;
  let ned: string, aliceId: string;
  let night: Json, day: Json, caseId: string;
  const crm = () => new Client(h.base, DEMO_KEY);

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    admin = await Client.login(h.base, 'admin@worklane.local', 'admin123');
    // A night team with its own supervisor (Nina), agent (Ned) and queue; Otto supervises no team.
    expect((await admin.req('POST', '/api/v1/teams', { id: 'night', name: 'Night shift' })).status).toBe(201);
    const mk = async (body: Json) => {
      const r = await admin.req('POST', '/api/v1/users', body);
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      return r.json.id as string;
    };
    await mk({ email: 'nina@worklane.local', name: 'Nina Night', roles: ['supervisor'], teams: ['night'], password: 'nina123' });
    ned = await mk({ email: 'ned@worklane.local', name: 'Ned Night', roles: ['agent'], teams: ['night'], password: 'ned123', skills: { sales: 90 }, capacity: { workitem: 2 } });
    await mk({ email: 'otto@worklane.local', name: 'Otto Nobody', roles: ['supervisor'], password: 'otto123' });
    const q = await admin.req('POST', '/api/v1/queues', { id: 'night-desk', name: 'Night desk', members: { teams: ['night'] }, distribution: 'both' });
    expect(q.status, JSON.stringify(q.json)).toBe(201);
    [sam, nina, otto, ann, alice] = await Promise.all([
      Client.login(h.base, 'sam@worklane.local', 'sam123'),
      Client.login(h.base, 'nina@worklane.local', 'nina123'),
      Client.login(h.base, 'otto@worklane.local', 'otto123'),
      Client.login(h.base, 'ann@worklane.local', 'ann123'),
      Client.login(h.base, 'alice@worklane.local', 'alice123'),
    ]);
    aliceId = (await alice.req('GET', '/api/v1/me')).json.user.id;
    const capture = async (externalId: string, queue: string) => {
      const r = await crm().req('POST', '/api/v1/tasks', { worktype: 'lead', source: 'scope', externalId, title: `Lead ${externalId}`, queue, attributes: { value: 5 } });
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      return r.json;
    };
    night = await capture('night-1', 'night-desk');
    day = await capture('day-1', 'sales');
    const c = await sam.req('POST', '/api/v1/cases', { caseType: 'technical', fields: { email: 'scope@example.com', name: 'Scope Customer', product: 'router', subject: 'Front office case', description: 'Routed to the front office.', consent: true } });
    expect(c.status, JSON.stringify(c.json)).toBe(201);
    caseId = c.json.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  const ids = (r: { json: Json }) => (r.json.items as Json[]).map((x) => x.id);

  it.skipIf(skip)('tasks: a supervisor reads only their teams\' tasks; admins and analysts all; no team, nothing', async () => {
    expect(ids(await nina.req('GET', '/api/v1/tasks?limit=500'))).toEqual([night.id]);
    const samSees = ids(await sam.req('GET', '/api/v1/tasks?limit=500'));
    expect(samSees).toContain(day.id);
    expect(samSees).not.toContain(night.id);
    expect(ids(await otto.req('GET', '/api/v1/tasks?limit=500'))).toEqual([]);
    for (const c of [admin, ann]) expect(ids(await c.req('GET', '/api/v1/tasks?limit=500'))).toEqual(expect.arrayContaining([night.id, day.id]));
    // Filters cannot widen it.
    expect(ids(await nina.req('GET', '/api/v1/tasks?queue=sales'))).toEqual([]);
    for (const suffix of ['', '/events', '/explain']) {
      expect((await nina.req('GET', `/api/v1/tasks/${night.id}${suffix}`)).status).toBe(200);
      expect((await nina.req('GET', `/api/v1/tasks/${day.id}${suffix}`)).status).toBe(404);
      expect((await sam.req('GET', `/api/v1/tasks/${night.id}${suffix}`)).status).toBe(404);
      expect((await otto.req('GET', `/api/v1/tasks/${day.id}${suffix}`)).status).toBe(404);
      expect((await ann.req('GET', `/api/v1/tasks/${night.id}${suffix}`)).status).toBe(200);
    }
  });

  it.skipIf(skip)('actions: outside their teams a supervisor gets 404 and changes nothing; inside, only to their people', async () => {
    const before = (await crm().req('GET', `/api/v1/tasks/${day.id}`)).json;
    for (const [method, path, body] of [
      ['POST', `/api/v1/tasks/${day.id}/assign`, { agent: ned }],
      ['POST', `/api/v1/tasks/${day.id}/pull-back`, {}],
      ['POST', `/api/v1/tasks/${day.id}/cancel`, { reason: 'not mine' }],
      ['POST', `/api/v1/tasks/${day.id}/transfer`, { queue: 'night-desk' }],
      ['PATCH', `/api/v1/tasks/${day.id}`, { priority: 999 }],
      ['POST', `/api/v1/tasks/${day.id}/escalate`, { reason: 'x' }],
      ['POST', `/api/v1/tasks/${day.id}/reschedule`, { until: new Date(Date.now() + 3_600_000).toISOString() }],
      ['POST', '/api/v1/workbins/queue:sales/claim', { taskId: day.id }],
    ] as const) {
      for (const who of [nina, otto]) {
        const r = await who.req(method, path, body);
        expect([403, 404], `${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`).toContain(r.status);
        if (path.startsWith('/api/v1/tasks')) expect(r.status, `${method} ${path}`).toBe(404);
      }
    }
    expect({ ...(await crm().req('GET', `/api/v1/tasks/${day.id}`)).json, updatedAt: undefined }).toEqual({ ...before, updatedAt: undefined });
    // Sam (front office) is just as blind to the night desk.
    expect((await sam.req('POST', `/api/v1/tasks/${night.id}/assign`, { agent: aliceId })).status).toBe(404);
    expect((await sam.req('POST', `/api/v1/tasks/${night.id}/cancel`, { reason: 'x' })).status).toBe(404);
    // Inside: Nina assigns to her own people only, pulls back, and changes the task.
    const toAlice = await nina.req('POST', `/api/v1/tasks/${night.id}/assign`, { agent: aliceId });
    expect(toAlice.status).toBe(403);
    expect(toAlice.json.detail).toMatch(/do not supervise/);
    const toNed = await nina.req('POST', `/api/v1/tasks/${night.id}/assign`, { agent: ned });
    expect(toNed.status, JSON.stringify(toNed.json)).toBe(200);
    expect(toNed.json).toMatchObject({ state: 'assigned', assignee: ned });
    // (While held: a waiting task that is changed goes to the queue the rules choose.)
    expect((await nina.req('PATCH', `/api/v1/tasks/${night.id}`, { priority: 70 })).json).toMatchObject({ priority: 70, queue: 'night-desk' });
    expect((await nina.req('POST', `/api/v1/tasks/${night.id}/pull-back`, { reason: 'rebalance' })).json).toMatchObject({ state: 'queued', queue: 'night-desk' });
    // Admins act everywhere.
    expect((await admin.req('GET', `/api/v1/tasks/${night.id}`)).status).toBe(200);
  });

  it.skipIf(skip)('workbins, realtime reports and the agents directory show a supervisor their teams only', async () => {
    const bins = (c: Client) => c.req('GET', '/api/v1/workbins').then((r) => ids(r));
    const ninaBins = await bins(nina);
    expect(ninaBins).toEqual(expect.arrayContaining(['queue:night-desk', 'team:night']));
    expect(ninaBins.filter((b) => b.startsWith('queue:') || b.startsWith('team:')).sort()).toEqual(['queue:night-desk', 'team:night']);
    expect((await nina.req('GET', '/api/v1/workbins/queue:sales/tasks')).status).toBe(404);
    expect((await nina.req('GET', '/api/v1/workbins/queue:night-desk/tasks')).json.items.map((t: Json) => t.id)).toContain(night.id);
    const samBins = await bins(sam);
    expect(samBins).toEqual(expect.arrayContaining(['queue:sales', 'queue:finance', 'team:front-office', 'team:experts']));
    expect(samBins).not.toContain('queue:night-desk');
    expect(samBins).not.toContain('team:night');
    expect(await bins(otto)).toEqual([]);

    const queues = async (c: Client) => (await c.req('GET', '/api/v1/reports/realtime/queues')).json.items.map((q: Json) => q.queue);
    expect(await queues(nina)).toEqual(['night-desk']);
    expect(await queues(otto)).toEqual([]);
    expect(await queues(sam)).not.toContain('night-desk');
    expect(await queues(sam)).toEqual(expect.arrayContaining(['finance', 'sales', 'experts']));
    for (const c of [admin, ann]) expect(await queues(c)).toEqual(expect.arrayContaining(['night-desk', 'finance']));

    const agents = async (c: Client, path: string, key: string) => (await c.req('GET', path)).json.items.map((a: Json) => a[key]);
    expect(await agents(nina, '/api/v1/reports/realtime/agents', 'agent')).toEqual([ned]);
    expect(await agents(otto, '/api/v1/reports/realtime/agents', 'agent')).toEqual([]);
    expect(await agents(sam, '/api/v1/reports/realtime/agents', 'agent')).toContain(aliceId);
    expect(await agents(sam, '/api/v1/reports/realtime/agents', 'agent')).not.toContain(ned);
    expect(await agents(ann, '/api/v1/reports/realtime/agents', 'agent')).toEqual(expect.arrayContaining([ned, aliceId]));
    expect(await agents(nina, '/api/v1/agents', 'id')).toEqual([ned]);
    expect(await agents(sam, '/api/v1/agents', 'id')).not.toContain(ned);
    // Agents still transfer to anyone.
    expect(await agents(alice, '/api/v1/agents', 'id')).toEqual(expect.arrayContaining([ned, aliceId]));
  });

  it.skipIf(skip)('cases: a supervisor reads and changes only their teams\' cases', async () => {
    for (const path of [`/api/v1/cases/${caseId}`, `/api/v1/cases/${caseId}/timeline`, `/api/v1/cases/${caseId}/sla`]) {
      expect((await sam.req('GET', path)).status, path).toBe(200);
      expect((await nina.req('GET', path)).status, path).toBe(404);
      expect((await otto.req('GET', path)).status, path).toBe(404);
      expect((await ann.req('GET', path)).status, path).toBe(200);
    }
    expect(ids(await sam.req('GET', '/api/v1/cases'))).toContain(caseId);
    expect(ids(await nina.req('GET', '/api/v1/cases'))).not.toContain(caseId);
    expect(ids(await otto.req('GET', '/api/v1/cases'))).toEqual([]);
    const before = (await sam.req('GET', `/api/v1/cases/${caseId}`)).json;
    for (const [method, path, body] of [
      ['PATCH', `/api/v1/cases/${caseId}`, { status: 'waiting-for-customer' }],
      ['POST', `/api/v1/cases/${caseId}/comments`, { body: 'not my team' }],
      ['POST', `/api/v1/cases/${caseId}/escalate`, { reason: 'x' }],
      ['POST', `/api/v1/cases/${caseId}/close`, { resolution: 'x' }],
    ] as const) {
      expect((await nina.req(method, path, body)).status, `${method} ${path}`).toBe(404);
    }
    expect((await sam.req('GET', `/api/v1/cases/${caseId}`)).json.status).toBe(before.status);
    expect((await sam.req('GET', `/api/v1/cases/${caseId}/comments`)).json.items).toEqual([]);
    // Its notifications (the customer's confirmation; no mail server here, so it waits to be retried) likewise.
    const ofCase = async (c: Client) => ((await c.req('GET', '/api/v1/notifications?limit=200')).json.items as Json[]).filter((n) => n.caseId === caseId);
    const [mine] = await (async () => {
      for (let i = 0; i < 100; i++) {
        const found = await ofCase(sam);
        if (found.length) return found;
        await new Promise((r) => setTimeout(r, 50));
      }
      return [];
    })();
    expect(mine, 'the case notification').toBeDefined();
    expect(await ofCase(nina)).toEqual([]);
    expect(await ofCase(otto)).toEqual([]);
    expect((await nina.req('GET', `/api/v1/cases/${caseId}/notifications`)).status).toBe(404);
    expect((await nina.req('POST', `/api/v1/notifications/${mine.id}/retry`)).status).toBe(404);
    expect((await admin.req('GET', `/api/v1/audit?kind=notification`)).json.items).toEqual([]);
  });

  it.skipIf(skip)('live alerts about a task reach only the supervisors whose teams it concerns', async () => {
    const [ninaLive, samLive, adminLive] = await Promise.all([nina.stream(), sam.stream(), admin.stream()]);
    for (const t of [night, day]) expect((await crm().req('POST', `/api/v1/tasks/${t.id}/escalate`, { reason: `alert ${t.id}` })).status).toBe(200);
    const alerted = (m: Json, t: Json) => m.type === 'alert' && m.taskId === t.id;
    await ninaLive.next((m) => alerted(m, night));
    await samLive.next((m) => alerted(m, day));
    await adminLive.next((m) => alerted(m, night));
    await adminLive.next((m) => alerted(m, day));
    expect(ninaLive.messages.some((m) => alerted(m, day))).toBe(false);
    expect(samLive.messages.some((m) => alerted(m, night))).toBe(false);
    for (const st of [ninaLive, samLive, adminLive]) st.close();
  });

  it.skipIf(skip)('joining a team widens the scope at once; leaving it narrows it', async () => {
    expect((await admin.req('PATCH', '/api/v1/teams/night', { members: ['nina@worklane.local', 'ned@worklane.local', 'otto@worklane.local'] })).status).toBe(200);
    expect(ids(await otto.req('GET', '/api/v1/tasks?limit=500'))).toEqual([night.id]);
    expect((await otto.req('GET', `/api/v1/tasks/${night.id}`)).status).toBe(200);
    expect((await admin.req('PATCH', '/api/v1/teams/night', { members: ['nina@worklane.local', 'ned@worklane.local'] })).status).toBe(200);
    expect((await otto.req('GET', `/api/v1/tasks/${night.id}`)).status).toBe(404);
  });

  it.skipIf(skip)('"case changed" notices reach exactly the people who may open the case', async () => {
    const nedC = await Client.login(h.base, 'ned@worklane.local', 'ned123');
    const everyone = { admin, ann, sam, nina, otto, alice, ned: nedC };
    const live = Object.fromEntries(await Promise.all(Object.entries(everyone).map(async ([k, c]) => [k, await c.stream()] as const)));
    const may = Object.fromEntries(await Promise.all(Object.entries(everyone).map(async ([k, c]) => [k, (await c.req('GET', `/api/v1/cases/${caseId}`)).status === 200] as const)));
    // Admin and analyst see all; Sam opened it and supervises the front office; Alice serves its
    // queue; Nina and Ned are the night shift, Otto supervises nobody.
    expect(may).toEqual({ admin: true, ann: true, sam: true, nina: false, otto: false, alice: true, ned: false });
    const heard = (m: Json) => m.type === 'case.changed' && m.caseIds.includes(caseId);
    for (const body of ['one', 'two']) expect((await sam.req('POST', `/api/v1/cases/${caseId}/comments`, { body })).status).toBe(201);
    for (const [k, yes] of Object.entries(may)) if (yes) await live[k]!.next(heard);
    await new Promise((r) => setTimeout(r, 400)); // past the coalescing window: every notice is out
    for (const [k, yes] of Object.entries(may)) expect(live[k]!.messages.some(heard), k).toBe(yes);
    for (const st of Object.values(live)) st.close();
  });

  it.skipIf(skip)('"workbin changed" notices reach only the people who may see the bin', async () => {
    const nedC = await Client.login(h.base, 'ned@worklane.local', 'ned123');
    const [nedLive, ninaLive, aliceLive, samLive, ottoLive] = await Promise.all([nedC.stream(), nina.stream(), alice.stream(), sam.stream(), otto.stream()]);
    const heard = (bin: string) => (m: Json) => m.type === 'workbin.changed' && m.bins.includes(bin);
    for (const [externalId, queue] of [['bins-night', 'night-desk'], ['bins-day', 'back-office']]) {
      const r = await crm().req('POST', '/api/v1/tasks', { worktype: 'lead', source: 'scope', externalId, title: `Lead ${externalId}`, queue, attributes: { value: 5 } });
      expect(r.status, JSON.stringify(r.json)).toBe(201);
    }
    await nedLive.next(heard('queue:night-desk')); // a member of a queue people pull from
    await ninaLive.next(heard('queue:night-desk')); // its team's supervisor
    await aliceLive.next(heard('queue:back-office'));
    await samLive.next(heard('queue:back-office'));
    // Each heard only of their own bins: the other team's queue id never reached them.
    for (const s of [aliceLive, samLive]) expect(s.messages.some(heard('queue:night-desk'))).toBe(false);
    for (const s of [nedLive, ninaLive]) expect(s.messages.some(heard('queue:back-office'))).toBe(false);
    expect(ottoLive.messages.filter((m) => m.type === 'workbin.changed')).toEqual([]);
    // Joining the team widens what Otto hears at once.
    expect((await admin.req('PATCH', '/api/v1/teams/night', { members: ['nina@worklane.local', 'ned@worklane.local', 'otto@worklane.local'] })).status).toBe(200);
    expect((await crm().req('POST', '/api/v1/tasks', { worktype: 'lead', source: 'scope', externalId: 'bins-night-2', title: 'Lead 2', queue: 'night-desk', attributes: { value: 5 } })).status).toBe(201);
    await ottoLive.next(heard('queue:night-desk'));
    for (const st of [nedLive, ninaLive, aliceLive, samLive, ottoLive]) st.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, Client, DEMO_KEY, applyConfig, startHarness, type Harness } from './harness.js';

// What a team lead changes without an administrator (DESIGN: "change targets, move people between
// groups"): team membership within their teams, and their queues' routing targets, with effect on
// routing at once; outside their teams nothing (404), and agents not at all (403).
const CONFIG = {
  version: 1,
  teams: [{ id: 'front-office', name: 'Front office' }],
  users: [
    { email: 'pat@test.local', name: 'Pat Elsewhere', password: 'secret1', roles: ['supervisor'] },
    { email: 'zed@test.local', name: 'Zed Nowhere', password: 'secret1', roles: ['agent'] },
  ],
};

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(BACKENDS)('supervisors change their teams and targets on $backend', ({ backend, skip }) => {
  let h: Harness;
  let admin: Client;
  let sam: Client;
  let pat: Client;
  let ids: Record<string, string>;

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    admin = await applyConfig(h, CONFIG);
    sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
    pat = await Client.login(h.base, 'pat@test.local', 'secret1');
    const users = (await admin.req('GET', '/api/v1/users?limit=100')).json.items as { id: string; email: string }[];
    ids = Object.fromEntries(users.map((u) => [u.email.split('@')[0]!, u.id]));
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('moves a person between two of their teams; the queues follow; audited', async () => {
    const put = await sam.req('PUT', `/api/v1/teams/experts/members/${ids.carol}`);
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    expect(put.json.members).toContain(ids.carol);
    const del = await sam.req('DELETE', `/api/v1/teams/front-office/members/carol@worklane.local`);
    expect(del.status).toBe(200);
    expect(del.json.members).not.toContain(ids.carol);
    // Expert group X is served by the experts team: Carol is in it now, and no longer in Credit (front office).
    expect((await admin.req('GET', '/api/v1/queues/experts')).json.allMembers).toContain(ids.carol);
    expect((await admin.req('GET', '/api/v1/queues/credit')).json.allMembers).not.toContain(ids.carol);
    const audit = (await admin.req('GET', '/api/v1/audit?kind=team')).json.items as Json[];
    expect(audit.slice(0, 2).map((e) => [e.type, e.data.id, e.data.added ?? e.data.removed])).toEqual([
      ['config.team.updated', 'front-office', ids.carol],
      ['config.team.updated', 'experts', ids.carol],
    ]);
    // Putting someone in twice changes nothing (and records nothing).
    expect((await sam.req('PUT', `/api/v1/teams/experts/members/${ids.carol}`)).status).toBe(200);
    expect((await admin.req('GET', '/api/v1/audit?kind=team')).json.items).toHaveLength(audit.length);
  });

  it.skipIf(skip)('refuses outside their reach: other teams and people are not found; agents may not', async () => {
    expect((await pat.req('PUT', `/api/v1/teams/experts/members/${ids.alice}`)).status).toBe(404);
    expect((await sam.req('PUT', `/api/v1/teams/experts/members/${ids.zed}`)).status).toBe(404);
    expect((await sam.req('PUT', `/api/v1/teams/nope/members/${ids.alice}`)).status).toBe(404);
    const alice = await Client.login(h.base, 'alice@worklane.local', 'alice123');
    expect((await alice.req('PUT', `/api/v1/teams/front-office/members/${ids.alice}`)).status).toBe(403);
    // An admin may put anyone anywhere.
    expect((await admin.req('PUT', `/api/v1/teams/front-office/members/${ids.zed}`)).status).toBe(200);
  });

  it.skipIf(skip)("changes a queue's targets, and a waiting task is offered by the new ones at once", async () => {
    // Credit's primary target is skill level 80 (Bob), then 40 after 2 minutes. Bob is away; Alice (60) waits her turn.
    const alice = await Client.login(h.base, 'alice@worklane.local', 'alice123');
    const stream = await alice.stream();
    await alice.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const crm = new Client(h.base, DEMO_KEY);
    const task = (await crm.req('POST', '/api/v1/tasks', { worktype: 'credit-request', title: 'Raise my limit', attributes: { department: 'Credit', segment: 'Silver' } })).json;
    expect(task.queue).toBe('credit');
    await h.app.services.dispatcher.idle();
    expect((await h.db.store.db.selectFrom('offers').select('id').where('task_id', '=', task.id).execute())).toHaveLength(0);

    const steps = [{ name: 'everyone', afterSeconds: 0, minLevel: 40 }, { name: 'anyone', afterSeconds: 600, minLevel: 0 }];
    const put = await sam.req('PUT', '/api/v1/queues/credit/target-steps', { targetSteps: steps });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    expect(put.json.targetSteps).toEqual(steps);
    const { offer } = await stream.next((m) => m.type === 'offer.created' && m.offer.taskId === task.id);
    expect(offer.step).toBe('everyone');
    expect((await admin.req('GET', '/api/v1/queues/credit')).json.targetSteps).toEqual(steps);
    const [e] = (await admin.req('GET', '/api/v1/audit?kind=queue')).json.items;
    expect(e).toMatchObject({ type: 'config.queue.updated', data: { id: 'credit', after: { targetSteps: steps } } });
    stream.close();
  });

  it.skipIf(skip)('checks targets: in order, from 0 s, names unique; each problem named', async () => {
    const bad = await sam.req('PUT', '/api/v1/queues/credit/target-steps', { targetSteps: [{ name: 'a', afterSeconds: 10, minLevel: 50 }, { name: 'a', afterSeconds: 5, minLevel: 0 }] });
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((x: Json) => x.pointer)).toEqual(['/targetSteps/0/afterSeconds', '/targetSteps/1/afterSeconds', '/targetSteps/1/name']);
    const shape = await sam.req('PUT', '/api/v1/queues/credit/target-steps', { targetSteps: [{ name: 'a', afterSeconds: 0, minLevel: 200 }] });
    expect(shape.status).toBe(400);
    expect(shape.json.errors.map((x: Json) => x.pointer)).toEqual(['/targetSteps/0/minLevel']);
    expect((await pat.req('PUT', '/api/v1/queues/credit/target-steps', { targetSteps: [{ name: 'a', afterSeconds: 0, minLevel: 0 }] })).status).toBe(404);
    expect((await admin.req('GET', '/api/v1/queues/credit')).json.targetSteps[0].name).toBe('everyone');
  });
});

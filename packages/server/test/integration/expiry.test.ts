import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, Client, DEMO_KEY, startHarness, applyConfig, type Harness } from './harness.js';

// expiresAt (API.md capture): a task nobody took by then is canceled with reason "expired"; an
// offer is withdrawn; work in someone's hands is left alone; a restart keeps the times.
const CONFIG = {
  version: 1,
  skills: [],
  teams: [{ id: 'ex-team', name: 'Expiry team' }],
  users: [{ email: 'ex-ann@test.local', name: 'EX Ann', password: 'secret1', roles: ['agent'], teams: ['ex-team'], capacity: { workitem: 1 } }],
  queues: [{ id: 'ex-q', name: 'EX', members: { teams: ['ex-team'] }, offerTimeoutSeconds: 600, targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 0 }] }],
  worktypes: [{ id: 'ex-item', name: 'EX item', defaultQueue: 'ex-q', priority: 5, wrapUpCodes: ['done'] }],
  wrapUpCodes: [{ code: 'done', label: 'Done' }],
  rules: [],
};

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

describe.each(BACKENDS)('task expiry on $backend', ({ backend, skip }) => {
  let h: Harness;
  let crm: Client;
  let ann: Client;
  const get = async (id: string) => (await crm.req('GET', `/api/v1/tasks/${id}`)).json;
  const until = async (id: string, state: string, ms = 6_000) => {
    const end = Date.now() + ms;
    while ((await get(id)).state !== state && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    return get(id);
  };
  const capture = async (body: Json) => {
    const r = await crm.req('POST', '/api/v1/tasks', { worktype: 'ex-item', title: 'Call back before noon', ...body });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    return r.json;
  };

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    crm = new Client(h.base, DEMO_KEY);
    await applyConfig(h, CONFIG);
    ann = await Client.login(h.base, 'ex-ann@test.local', 'secret1');
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('an expiry in the past is refused, naming the field, and creates nothing', async () => {
    const before = (await crm.req('GET', '/api/v1/tasks?state=queued')).json.items.length;
    const r = await crm.req('POST', '/api/v1/tasks', { worktype: 'ex-item', title: 'Too late', expiresAt: inMs(-60_000) });
    expect(r.status).toBe(422);
    expect(r.json.errors[0].pointer).toBe('/expiresAt');
    const bulk = await crm.req('POST', '/api/v1/tasks/bulk', { tasks: [{ worktype: 'ex-item', title: 'ok' }, { worktype: 'ex-item', title: 'late', expiresAt: inMs(-1) }] });
    expect(bulk.json.items.map((i: Json) => i.status)).toEqual([201, 422]);
    expect(bulk.json.items[1].problem.errors[0].pointer).toBe('/tasks/1/expiresAt');
    expect((await crm.req('GET', '/api/v1/tasks?state=queued')).json.items.length).toBe(before + 1);
    await crm.req('POST', `/api/v1/tasks/${bulk.json.items[0].task.id}/cancel`, { reason: 'cleanup' });
  });

  it.skipIf(skip)('a waiting task expires: canceled with reason "expired", out of its queue; one in hand does not', async () => {
    const waiting = await capture({ expiresAt: inMs(800) });
    expect(waiting).toMatchObject({ state: 'queued', expiresAt: expect.any(String) });
    const done = await until(waiting.id, 'canceled');
    expect(done.state).toBe('canceled');
    const ev = ((await crm.req('GET', `/api/v1/tasks/${waiting.id}/events`)).json.items as Json[]).at(-1);
    expect(ev).toMatchObject({ type: 'task.canceled', actor: 'system:expiry', data: expect.objectContaining({ reason: 'expired' }) });
    expect(h.app.services.dispatcher.waiting.has(waiting.id)).toBe(false);

    // Ann takes one before it expires: hers to finish.
    const stream = await ann.stream();
    await ann.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const held = await capture({ expiresAt: inMs(800) });
    const offer = (await stream.next((m) => m.type === 'offer.created' && m.offer.taskId === held.id)).offer;
    expect((await ann.req('POST', `/api/v1/offers/${offer.id}/accept`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await get(held.id)).state).toBe('assigned');
    expect((await ann.req('POST', `/api/v1/tasks/${held.id}/complete`, { wrapUpCode: 'done' })).status).toBe(200);

    // Offered but not answered when it expires: the offer is withdrawn and Ann's capacity is free again.
    const offered = await capture({ expiresAt: inMs(800) });
    const o2 = (await stream.next((m) => m.type === 'offer.created' && m.offer.taskId === offered.id)).offer;
    await stream.next((m) => m.type === 'offer.closed' && m.offerId === o2.id && m.outcome === 'rescinded');
    expect((await until(offered.id, 'canceled')).state).toBe('canceled');
    const next = await capture({});
    await stream.next((m) => m.type === 'offer.created' && m.offer.taskId === next.id); // she can take the next one
    await crm.req('POST', `/api/v1/tasks/${next.id}/cancel`, { reason: 'cleanup' });
    stream.close();
    await ann.req('PUT', '/api/v1/me/presence', { status: 'offline' });
  });

  it.skipIf(skip)('a restart keeps the expiry: the task still expires on time', async () => {
    const t = await capture({ expiresAt: inMs(1_500) });
    await h.restart();
    crm = new Client(h.base, DEMO_KEY);
    expect((await until(t.id, 'canceled')).state).toBe('canceled');
  });
});

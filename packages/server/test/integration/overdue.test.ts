import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { BACKENDS, Client, DEMO_KEY, applyConfig, startHarness, type Harness } from './harness.js';

// Work in someone's hands past its due time: told once (event, alert to supervisors and the holder).
const CONFIG = {
  version: 1,
  teams: [{ id: 'od-team', name: 'Overdue team' }],
  users: [{ email: 'od-ann@test.local', name: 'OD Ann', password: 'secret1', roles: ['agent'], teams: ['od-team'], capacity: { workitem: 3 } }],
  queues: [
    { id: 'od-q', name: 'OD queue', members: { teams: ['od-team'] }, targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 0 }], offerTimeoutSeconds: 60 },
    { id: 'od-park', name: 'OD park', members: { users: [] }, distribution: 'pull' },
  ],
  worktypes: [
    { id: 'od-item', name: 'OD item', defaultQueue: 'od-q', wrapUpCodes: ['done'] },
    { id: 'od-parked', name: 'OD parked', defaultQueue: 'od-park' },
  ],
  wrapUpCodes: [{ code: 'done', label: 'Done' }],
};

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(BACKENDS)('overdue work in hand on $backend', ({ backend, skip }) => {
  let h: Harness;
  let admin: Client;
  let crm: Client;
  let ann: Client;
  const overdueEvents = async (taskId: string) =>
    ((await crm.req('GET', `/api/v1/tasks/${taskId}/events`)).json.items as Json[]).filter((e) => e.type === 'task.overdue');
  const heldByAnn = async (title: string, dueInMs: number) => {
    const t = (await crm.req('POST', '/api/v1/tasks', { worktype: 'od-item', title, dueAt: new Date(Date.now() + dueInMs).toISOString() })).json;
    await h.app.services.dispatcher.idle();
    const offer = (await ann.req('GET', '/api/v1/me/offers')).json.items.find((o: Json) => o.taskId === t.id);
    expect(offer, 'offered to Ann').toBeTruthy();
    expect((await ann.req('POST', `/api/v1/offers/${offer.id}/accept`)).status).toBe(200);
    return t;
  };

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    admin = await applyConfig(h, CONFIG);
    crm = new Client(h.base, DEMO_KEY);
    ann = await Client.login(h.base, 'od-ann@test.local', 'secret1');
    await ann.req('PUT', '/api/v1/me/presence', { status: 'available' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('a held task past its due time is told once: an event, an alert to its supervisors and to the agent, a webhook', async () => {
    // The source system subscribed to task.overdue: a real HTTP receiver on loopback.
    const bodies: string[] = [];
    const rx: Server = createServer((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c));
      req.on('end', () => (bodies.push(b), res.end('ok')));
    });
    await new Promise<void>((r) => rx.listen(0, '127.0.0.1', r));
    const sub = await admin.req('POST', '/api/v1/webhooks', { url: `http://127.0.0.1:${(rx.address() as { port: number }).port}/hook`, events: ['task.overdue'] });
    expect(sub.status, JSON.stringify(sub.json)).toBe(201);
    const watching = await admin.stream();
    const annStream = await ann.stream();
    const t = await heldByAnn('Due while held', 1200);
    await h.app.services.overdue.rearm(); // what the periodic look does for offers accepted
    const alert = await watching.next((m) => m.type === 'alert' && m.taskId === t.id, 5_000);
    expect(alert.message).toBe('Task "Due while held" is past its due time (with OD Ann)');
    expect((await annStream.next((m) => m.type === 'alert' && m.taskId === t.id, 5_000)).message).toBe('"Due while held" is past its due time');
    const events = await overdueEvents(t.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: 'system:due', data: { state: 'assigned', dueAt: t.dueAt } });
    h.app.services.webhooks.kick();
    for (let i = 0; i < 200 && !bodies.some((b) => b.includes(t.id)); i++) await new Promise((r) => setTimeout(r, 25));
    expect(JSON.parse(bodies.find((b) => b.includes(t.id))!)).toMatchObject({ type: 'task.overdue' });
    rx.close();
    // Looked at again (and after a restart): nobody is told twice.
    await h.app.services.overdue.rearm();
    await new Promise((r) => setTimeout(r, 300));
    await h.restart();
    await new Promise((r) => setTimeout(r, 300));
    expect(await overdueEvents(t.id)).toHaveLength(1);
    watching.close();
    annStream.close();
    await crm.req('POST', `/api/v1/tasks/${t.id}/cancel`, { reason: 'cleanup' });
  });

  it.skipIf(skip)('a paused task is told too (pausing arms it); waiting work is left to the exception rules', async () => {
    const watching = await admin.stream();
    const t = await heldByAnn('Due while paused', 1500);
    expect((await ann.req('POST', `/api/v1/tasks/${t.id}/pause`, { reason: 'waiting for documents' })).status).toBe(200);
    const waiting = (await crm.req('POST', '/api/v1/tasks', { worktype: 'od-parked', title: 'Due while waiting', dueAt: new Date(Date.now() + 1000).toISOString() })).json;
    const alert = await watching.next((m) => m.type === 'alert' && m.taskId === t.id, 5_000);
    expect(alert.message).toContain('(paused: waiting for documents)');
    await new Promise((r) => setTimeout(r, 300));
    expect(await overdueEvents(waiting.id)).toEqual([]);
    expect(await overdueEvents(t.id)).toHaveLength(1);
    watching.close();
    for (const id of [t.id, waiting.id]) await crm.req('POST', `/api/v1/tasks/${id}/cancel`, { reason: 'cleanup' });
  });
});

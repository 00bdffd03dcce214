import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, Client, DEMO_KEY, startHarness, applyConfig, type Harness } from './harness.js';

// Refusals: an agent who declined a task or let its offer time out is passed over for it while
// others may take it, and only for the queue's refusal time; a task only they may take comes back.
const CONFIG = {
  version: 1,
  skills: [],
  teams: [{ id: 'rf-solo', name: 'Refusals solo' }, { id: 'rf-pair', name: 'Refusals pair' }],
  users: [
    { email: 'rf-ann@test.local', name: 'RF Ann', password: 'secret1', roles: ['agent'], teams: ['rf-solo', 'rf-pair'], capacity: { workitem: 1 } },
    { email: 'rf-ben@test.local', name: 'RF Ben', password: 'secret1', roles: ['agent'], teams: ['rf-pair'], capacity: { workitem: 1 } },
  ],
  queues: [
    { id: 'rf-solo', name: 'RF solo', members: { teams: ['rf-solo'] }, refusalSeconds: 1, targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 0 }] },
    { id: 'rf-pair', name: 'RF pair', members: { teams: ['rf-pair'] }, targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 0 }] },
  ],
  worktypes: [
    { id: 'rf-solo', name: 'RF solo', defaultQueue: 'rf-solo', priority: 5, wrapUpCodes: ['done'] },
    { id: 'rf-pair', name: 'RF pair', defaultQueue: 'rf-pair', priority: 5, wrapUpCodes: ['done'] },
  ],
  wrapUpCodes: [{ code: 'done', label: 'Done' }],
  rules: [],
};

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(BACKENDS)('refusals on $backend', ({ backend, skip }) => {
  let h: Harness;
  let crm: Client;
  let ann: Client;
  let ben: Client;
  const idle = () => h.app.services.dispatcher.idle();
  const pendingOf = async (c: Client) => ((await c.req('GET', '/api/v1/me/offers')).json.items as Json[]).map((o) => o.taskId);
  const verdict = async (taskId: string, name: string) =>
    ((await crm.req('GET', `/api/v1/tasks/${taskId}/explain`)).json.waiting.agents as Json[]).find((a) => a.name === name);

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    crm = new Client(h.base, DEMO_KEY);
    await applyConfig(h, CONFIG);
    ann = await Client.login(h.base, 'rf-ann@test.local', 'secret1');
    ben = await Client.login(h.base, 'rf-ben@test.local', 'secret1');
  });

  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('a task only the decliner may take comes back to them when the refusal lapses, after a decline and after a RONA', async () => {
    const stream = await ann.stream();
    await ann.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const t = (await crm.req('POST', '/api/v1/tasks', { worktype: 'rf-solo', title: 'Only Ann may' })).json;
    const first = (await stream.next((m) => m.type === 'offer.created' && m.offer.taskId === t.id)).offer;
    const declinedAt = Date.now();
    expect((await ann.req('POST', `/api/v1/offers/${first.id}/decline`, { reason: 'on a call' })).status).toBe(200);
    await idle();
    // Within the refusal: passed over, and the explanation says why.
    expect(await pendingOf(ann)).not.toContain(t.id);
    expect(await verdict(t.id, 'RF Ann')).toMatchObject({ eligible: false, why: 'declined or let this task time out recently (others first)' });
    // Then it comes back to her: nobody else may take it.
    const again = (await stream.next((m) => m.type === 'offer.created' && m.offer.taskId === t.id && m.offer.id !== first.id, 5_000)).offer;
    expect(Date.now() - declinedAt).toBeGreaterThanOrEqual(1_000);

    // A RONA: she goes not-ready; back to available within the refusal, the task still waits for it to lapse.
    await h.app.services.dispatcher.timeout(again.id); // what the offer timer calls when it fires
    await stream.next((m) => m.type === 'presence.changed' && m.presence.status === 'not-ready');
    await ann.req('PUT', '/api/v1/me/presence', { status: 'available' });
    await idle();
    expect(await pendingOf(ann)).not.toContain(t.id);
    const third = (await stream.next((m) => m.type === 'offer.created' && m.offer.taskId === t.id && ![first.id, again.id].includes(m.offer.id), 5_000)).offer;
    expect((await ann.req('POST', `/api/v1/offers/${third.id}/accept`)).status).toBe(200);
    expect((await ann.req('POST', `/api/v1/tasks/${t.id}/complete`, { wrapUpCode: 'done' })).status).toBe(200);
    const types = ((await crm.req('GET', `/api/v1/tasks/${t.id}/events`)).json.items as Json[]).map((e) => e.type);
    expect(types.filter((x) => x === 'task.offered')).toHaveLength(3);
    expect(types).toEqual(expect.arrayContaining(['task.declined', 'task.rona', 'task.assigned', 'task.completed']));
    stream.close();
    await ann.req('PUT', '/api/v1/me/presence', { status: 'offline' });
  });

  it.skipIf(skip)('with someone else eligible, the decliner is passed over for the queue\'s refusal time (300 s by default)', async () => {
    const annStream = await ann.stream();
    const benStream = await ben.stream();
    await ann.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const t = (await crm.req('POST', '/api/v1/tasks', { worktype: 'rf-pair', title: 'Either may' })).json;
    const first = (await annStream.next((m) => m.type === 'offer.created' && m.offer.taskId === t.id)).offer;
    await ann.req('POST', `/api/v1/offers/${first.id}/decline`, { reason: 'not mine' });
    await ben.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const toBen = (await benStream.next((m) => m.type === 'offer.created' && m.offer.taskId === t.id)).offer;
    // Ben lets it time out too: both refused it, so it waits, and says why for each.
    await h.app.services.dispatcher.timeout(toBen.id);
    await ben.req('PUT', '/api/v1/me/presence', { status: 'available' });
    await idle();
    expect(await pendingOf(ann)).not.toContain(t.id);
    expect(await pendingOf(ben)).not.toContain(t.id);
    expect((await verdict(t.id, 'RF Ann')).eligible).toBe(false);
    expect((await verdict(t.id, 'RF Ben')).eligible).toBe(false);
    expect((await crm.req('GET', `/api/v1/tasks/${t.id}`)).json.state).toBe('queued');
    await crm.req('POST', `/api/v1/tasks/${t.id}/cancel`, { reason: 'cleanup' });
    annStream.close();
    benStream.close();
  });

  it.skipIf(skip)('a restart keeps the refusals in force: the decliner is not offered the task again at once', async () => {
    await ben.req('PUT', '/api/v1/me/presence', { status: 'offline' });
    const annStream = await ann.stream();
    await ann.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const t = (await crm.req('POST', '/api/v1/tasks', { worktype: 'rf-pair', title: 'Declined before a restart' })).json;
    const first = (await annStream.next((m) => m.type === 'offer.created' && m.offer.taskId === t.id)).offer;
    await ann.req('POST', `/api/v1/offers/${first.id}/decline`, { reason: 'not mine' });
    annStream.close();
    await h.restart();
    await idle();
    // Ann is still available and nobody else is: before, the restarted server offered it to her again at once.
    expect(await pendingOf(ann)).not.toContain(t.id);
    expect(await verdict(t.id, 'RF Ann')).toMatchObject({ eligible: false, why: 'declined or let this task time out recently (others first)' });
    // Ben, who did not refuse it, is offered it.
    await ben.req('PUT', '/api/v1/me/presence', { status: 'available' });
    await idle();
    expect(await pendingOf(ben)).toContain(t.id);
    // A new wait (a transfer) after a restart clears it as before: Ann may be offered it again.
    const pending = (await ben.req('GET', '/api/v1/me/offers')).json.items.find((o: Json) => o.taskId === t.id);
    await ben.req('POST', `/api/v1/offers/${pending.id}/accept`);
    await ben.req('PUT', '/api/v1/me/presence', { status: 'not-ready', reason: 'break' });
    expect((await ben.req('POST', `/api/v1/tasks/${t.id}/transfer`, { queue: 'rf-pair' })).status).toBe(200);
    await h.restart();
    await idle();
    expect(await pendingOf(ann)).toContain(t.id);
    await crm.req('POST', `/api/v1/tasks/${t.id}/cancel`, { reason: 'cleanup' });
    await ann.req('PUT', '/api/v1/me/presence', { status: 'offline' });
    await ben.req('PUT', '/api/v1/me/presence', { status: 'offline' });
  });
});

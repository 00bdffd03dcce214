import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, Client, DEMO_KEY, startHarness, type Harness } from './harness.js';

// Leaving work: signing out (of the last session), or closing the last live screen for longer
// than WORKLANE_OFFLINE_AFTER_S, sets the agent offline; their pending offers go back at once.
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(BACKENDS)('signing off on $backend', ({ backend, skip }) => {
  let h: Harness;
  let crm: Client;
  const was = process.env.WORKLANE_OFFLINE_AFTER_S;
  const presenceOf = async (c: Client) => (await c.req('GET', '/api/v1/me/presence')).json.status as string;
  const lastChange = async (userId: string) =>
    h.db.store.db.selectFrom('events').select(['actor', 'data']).where('type', '=', 'presence.changed').where('user_id', '=', userId).orderBy('id', 'desc').executeTakeFirstOrThrow();

  beforeAll(async () => {
    if (skip) return;
    process.env.WORKLANE_OFFLINE_AFTER_S = '0.5';
    h = await startHarness(backend);
    crm = new Client(h.base, DEMO_KEY);
  });

  afterAll(async () => {
    if (was === undefined) delete process.env.WORKLANE_OFFLINE_AFTER_S;
    else process.env.WORKLANE_OFFLINE_AFTER_S = was;
    await h?.close();
  });

  it.skipIf(skip)('signing out sets the agent offline and sends their pending offer back; with another session open, nothing changes', async () => {
    const desk = await Client.login(h.base, 'carol@worklane.local', 'carol123');
    const laptop = await Client.login(h.base, 'carol@worklane.local', 'carol123');
    const carolId = (await desk.req('GET', '/api/v1/me')).json.user.id as string;
    const stream = await desk.stream();
    await desk.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const t = (await crm.req('POST', '/api/v1/tasks', { worktype: 'lead', source: 'web', externalId: 'sign-off-1', title: 'A lead', attributes: { value: 50000 } })).json;
    await stream.next((m) => m.type === 'offer.created' && m.offer.taskId === t.id);

    expect((await laptop.req('POST', '/api/v1/auth/logout')).status).toBe(204);
    expect(await presenceOf(desk)).toBe('available'); // still signed in at the desk
    expect((await crm.req('GET', `/api/v1/tasks/${t.id}`)).json.state).toBe('offered');

    expect((await desk.req('POST', '/api/v1/auth/logout')).status).toBe(204);
    const change = await lastChange(carolId);
    expect(change).toMatchObject({ actor: `user:${carolId}`, data: expect.objectContaining({ from: 'available', to: 'offline' }) });
    await h.app.services.dispatcher.idle();
    const back = (await crm.req('GET', `/api/v1/tasks/${t.id}`)).json;
    expect(back.state).toBe('queued'); // withdrawn at once, not left to run into a RONA
    const offers = (await crm.req('GET', `/api/v1/tasks/${t.id}/explain`)).json.offers as Json[];
    expect(offers[0]).toMatchObject({ state: 'rescinded' });
    stream.close();
    await crm.req('POST', `/api/v1/tasks/${t.id}/cancel`, { reason: 'cleanup' });
  });

  it.skipIf(skip)('an agent whose last live screen closed and did not come back within the grace time is set offline; a reload is not leaving', async () => {
    const alice = await Client.login(h.base, 'alice@worklane.local', 'alice123');
    const aliceId = (await alice.req('GET', '/api/v1/me')).json.user.id as string;
    const first = await alice.stream();
    await alice.req('PUT', '/api/v1/me/presence', { status: 'available' });
    // A reload: the stream closes and a new one opens at once.
    first.close();
    const second = await alice.stream();
    await new Promise((r) => setTimeout(r, 900));
    expect(await presenceOf(alice)).toBe('available');
    // Gone: the last stream closes for good.
    second.close();
    const until = Date.now() + 5_000;
    while ((await presenceOf(alice)) !== 'offline' && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(await presenceOf(alice)).toBe('offline');
    expect(await lastChange(aliceId)).toMatchObject({ actor: 'system:left', data: expect.objectContaining({ from: 'available', to: 'offline' }) });
  });
});

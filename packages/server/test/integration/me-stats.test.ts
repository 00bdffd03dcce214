import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, Client, DEMO_KEY, startHarness, type Harness } from './harness.js';

const ago = (seconds: number, from: number) => new Date(from - seconds * 1000);

describe.each(BACKENDS)('GET /me/stats on $backend', ({ backend, skip }) => {
  let h: Harness;
  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('is for agents only, defaults to local midnight, and checks `since`', async () => {
    expect((await new Client(h.base).req('GET', '/api/v1/me/stats')).status).toBe(401);
    const sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
    expect((await sam.req('GET', '/api/v1/me/stats')).status).toBe(403);
    expect((await new Client(h.base, DEMO_KEY).req('GET', '/api/v1/me/stats')).status).toBe(403);

    const carol = await Client.login(h.base, 'carol@worklane.local', 'carol123');
    const fresh = await carol.req('GET', '/api/v1/me/stats');
    expect(fresh.status).toBe(200);
    const since = new Date(fresh.json.since);
    expect([since.getHours(), since.getMinutes(), since.getSeconds(), since.getMilliseconds()]).toEqual([0, 0, 0, 0]);
    expect(since.getTime()).toBeLessThanOrEqual(Date.now());
    expect(fresh.json).toMatchObject({ handled: 0, averageHandleSeconds: null, totalHandleSeconds: 0, current: { status: 'offline' } });

    const future = await carol.req('GET', `/api/v1/me/stats?since=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`);
    expect(future.status).toBe(422);
    expect(future.json.errors[0]).toMatchObject({ pointer: '/since', in: 'querystring' });
    const bad = await carol.req('GET', '/api/v1/me/stats?since=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });

  it.skipIf(skip)('counts the tasks I completed and their handle time from assignment to completion', async () => {
    const alice = await Client.login(h.base, 'alice@worklane.local', 'alice123');
    const stream = await alice.stream();
    await alice.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const crm = new Client(h.base, DEMO_KEY);
    const created = await crm.req('POST', '/api/v1/tasks', {
      worktype: 'invoice-dispute',
      source: 'crm',
      externalId: 'STATS-1',
      title: 'Stats invoice',
      attributes: { orderId: 'STATS-1', department: 'Finance', segment: 'Gold' },
    });
    expect(created.status).toBe(201);
    const { offer } = await stream.next((m) => m.type === 'offer.created' && m.offer.taskId === created.json.id);
    expect((await alice.req('POST', `/api/v1/offers/${offer.id}/accept`)).status).toBe(200);
    expect((await alice.req('POST', `/api/v1/tasks/${created.json.id}/complete`, { wrapUpCode: 'processed' })).status).toBe(200);
    stream.close();

    // Make the handle time exact: assigned 90 s before it was completed.
    const db = h.db.store.db;
    const done = await db.selectFrom('events').select('at').where('task_id', '=', created.json.id).where('type', '=', 'task.completed').executeTakeFirstOrThrow();
    await db.updateTable('events').set({ at: new Date(done.at.getTime() - 90_000) }).where('task_id', '=', created.json.id).where('type', '=', 'task.assigned').execute();

    const since = encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString());
    const stats = (await alice.req('GET', `/api/v1/me/stats?since=${since}`)).json;
    expect(stats).toMatchObject({ handled: 1, averageHandleSeconds: 90, totalHandleSeconds: 90 });
    // Completing may start after-work; whatever I am now is counting.
    expect(stats.timeInStatus.map((t: { status: string }) => t.status)).toContain(stats.current.status);

    // Someone else's work does not count as mine.
    const bob = await Client.login(h.base, 'bob@worklane.local', 'bob123');
    expect((await bob.req('GET', `/api/v1/me/stats?since=${since}`)).json.handled).toBe(0);
    await alice.req('PUT', '/api/v1/me/presence', { status: 'offline' });
  });

  it.skipIf(skip)('adds up time in each status from presence changes, clipped to the window, plus the current status', async () => {
    const dave = await Client.login(h.base, 'dave@worklane.local', 'dave123');
    const me = (await dave.req('GET', '/api/v1/me')).json.user.id as string;
    const db = h.db.store.db;
    const now = Date.now();
    const change = (at: Date, from: string, fromReason: string | null, to: string, reason: string | null, secondsInPrevious: number | null) => ({
      type: 'presence.changed',
      user_id: me,
      actor: `user:${me}`,
      at,
      data: JSON.stringify({ from, fromReason, to, reason, secondsInPrevious }),
    });
    await db
      .insertInto('events')
      .values([
        // Before the window: ignored, except that the status it started is clipped at the window's start.
        change(ago(4200, now), 'offline', null, 'available', null, null),
        change(ago(3000, now), 'available', null, 'not-ready', 'lunch', 1200),
        change(ago(1200, now), 'not-ready', 'lunch', 'available', null, 1800),
      ])
      .execute();
    await db
      .insertInto('presence')
      .values({ user_id: me, status: 'available', reason: null, since: ago(1200, now), idle_since: ago(1200, now) })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ status: 'available', reason: null, since: ago(1200, now) }))
      .execute();

    const stats = (await dave.req('GET', `/api/v1/me/stats?since=${encodeURIComponent(ago(3600, now).toISOString())}`)).json;
    const find = (status: string, reason: string | null = null) =>
      stats.timeInStatus.find((t: { status: string; reason: string | null }) => t.status === status && t.reason === reason)?.seconds;
    // available: 600 s inside the window before lunch + 1200 s since; lunch: 1800 s.
    expect(Math.abs(find('available') - 1800)).toBeLessThanOrEqual(2);
    expect(find('not-ready', 'lunch')).toBe(1800);
    expect(find('offline')).toBeUndefined();
    expect(stats.timeInStatus[0].seconds).toBeGreaterThanOrEqual(stats.timeInStatus[1].seconds);
    expect(stats.current).toMatchObject({ status: 'available', reason: null });
    expect(stats.handled).toBe(0);
  });
});

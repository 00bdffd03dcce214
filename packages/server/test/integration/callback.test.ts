import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, Client, applyConfig, counts, startHarness, type Harness } from './harness.js';

// Digital callback: a visitor asks to be called back (as soon as possible, or in a slot); the
// request is routed as callback work; calls that do not reach the customer come back later, up to
// the topic's number of attempts.
// Eight requests per address (this file makes eight), then one a minute: the ninth is refused.
process.env.WORKLANE_CALLBACK_BURST = '8';
process.env.WORKLANE_CALLBACK_PER_MINUTE = '1';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const IN_TWO_DAYS = new Date(Date.now() + 2 * 86_400_000);
const CONFIG = {
  version: 1,
  teams: [{ id: 'cb-team', name: 'Callback team' }],
  users: [{ email: 'cb-ann@test.local', name: 'Ann Caller', password: 'secret1', roles: ['agent'], teams: ['cb-team'], capacity: { callback: 1 } }],
  queues: [{ id: 'cb-q', name: 'Callbacks', members: { teams: ['cb-team'] }, offerTimeoutSeconds: 60, refusalSeconds: 0 }],
  calendars: [{ id: 'cb-later', name: 'Open in two days only', timeZone: 'UTC', week: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [], [DAYS[IN_TWO_DAYS.getUTCDay()]!]: [{ from: '10:00', to: '11:00' }] } }],
  worktypes: [
    { id: 'cb-any', name: 'Call me', mediaType: 'callback', defaultQueue: 'cb-q', wrapUpCodes: ['cb-done'], callback: { slotMinutes: 30, daysAhead: 1, maxAttempts: 2, retryMinutes: 10 } },
    { id: 'cb-later', name: 'Call me later', mediaType: 'callback', defaultQueue: 'cb-q', callback: { calendar: 'cb-later', slotMinutes: 20, daysAhead: 3 } },
  ],
  wrapUpCodes: [{ code: 'cb-done', label: 'Done' }],
};

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(BACKENDS)('digital callback on $backend', ({ backend, skip }) => {
  let h: Harness;
  let admin: Client;
  let ann: Client;
  const visitor = new Client('');
  const ask = (body: object) => visitor.req('POST', '/api/v1/callbacks', body);
  const task = (externalId: string) => h.db.store.db.selectFrom('tasks').selectAll().where('external_id', '=', externalId).executeTakeFirstOrThrow();
  /** Waits for Ann's offer of the task and accepts it. */
  const takeIt = async (taskId: string) => {
    await h.app.services.dispatcher.idle();
    const offer = (await ann.req('GET', '/api/v1/me/offers')).json.items.find((o: Json) => o.taskId === taskId);
    expect(offer, 'offered to Ann').toBeTruthy();
    expect((await ann.req('POST', `/api/v1/offers/${offer.id}/accept`)).status).toBe(200);
  };

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    admin = await applyConfig(h, CONFIG);
    (visitor as { base: string }).base = h.base;
    ann = await Client.login(h.base, 'cb-ann@test.local', 'secret1');
    await ann.req('PUT', '/api/v1/me/presence', { status: 'available' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('offers "as soon as possible" while open and slots inside open hours; refuses the rest by field, creating nothing', async () => {
    const topics = (await visitor.req('GET', '/api/v1/callback/topics')).json.items as Json[];
    const any = topics.find((t) => t.id === 'cb-any');
    const later = topics.find((t) => t.id === 'cb-later');
    expect(any.asap).toBe(true);
    expect(any.slots.length).toBeGreaterThan(40); // a day of half hours, from 15 minutes on
    expect(Date.parse(any.slots[0].start) - Date.now()).toBeGreaterThanOrEqual(15 * 60_000);
    expect(later.asap).toBe(false);
    expect(later.slots.map((s: Json) => s.start.slice(11, 16))).toEqual(['10:00', '10:20', '10:40']);
    const before = await counts(h.db.store);
    const base = { topic: 'cb-any', name: 'Jane', phone: '+32 2 555 12 34', when: 'asap' };
    expect((await ask({ ...base, phone: 'call me' })).json.errors[0].pointer).toBe('/phone');
    expect((await ask({ ...base, when: new Date(Date.now() + 3_600_000).toISOString() })).json.errors[0].pointer).toBe('/when');
    expect((await ask({ ...base, topic: 'cb-later' })).json).toMatchObject({ status: 422, errors: [{ pointer: '/when', message: 'we are closed now: pick a time' }] });
    expect((await ask({ ...base, topic: 'nope' })).json.errors[0].pointer).toBe('/topic');
    expect((await ask({ topic: 'cb-any', phone: '123456', when: 'asap' })).status).toBe(400);
    expect(await counts(h.db.store)).toEqual(before);
  });

  it.skipIf(skip)('a slot is a task scheduled for its start, waiting from then, gone at its end', async () => {
    const later = ((await visitor.req('GET', '/api/v1/callback/topics')).json.items as Json[]).find((t) => t.id === 'cb-later');
    const slot = later.slots[1];
    const r = await ask({ topic: 'cb-later', name: 'Tom Later', phone: '0470 12 34 56', when: slot.start, note: 'About my contract' });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json).toMatchObject({ topic: { id: 'cb-later', name: 'Call me later' }, phone: '0470123456', slot });
    const t = await task(r.json.id);
    expect(t).toMatchObject({ state: 'scheduled', media_type: 'callback', source: 'callback', title: 'Call back Tom Later', description: 'About my contract' });
    expect(t.wake_at!.toISOString()).toBe(slot.start);
    expect(t.entered_queue_at!.toISOString()).toBe(slot.start);
    expect(t.expires_at!.toISOString()).toBe(slot.end);
    expect(t.attributes).toMatchObject({ phone: '0470123456', name: 'Tom Later', requested: slot.start });
    const events = ((await admin.req('GET', `/api/v1/tasks/${t.id}/events`)).json.items as Json[]).map((e) => [e.type, e.data.until ?? null]);
    expect(events).toEqual([['task.created', null], ['task.rescheduled', slot.start]]);

    // The visitor looks at it and withdraws it, with the token given once; nobody else can.
    const mine = { 'x-callback-token': r.json.token as string };
    expect(r.json.token).toMatch(/^[\w-]{40,}$/);
    expect((await visitor.req('GET', `/api/v1/callbacks/${r.json.id}`, undefined, { 'x-callback-token': 'nope' })).status).toBe(404);
    expect((await visitor.req('GET', `/api/v1/callbacks/${r.json.id}`)).status).toBe(404);
    expect((await visitor.req('GET', `/api/v1/callbacks/${r.json.id}`, undefined, mine)).json).toEqual({ id: r.json.id, topic: { id: 'cb-later', name: 'Call me later' }, phone: '0470123456', slot, state: 'scheduled' });
    expect((await visitor.req('POST', `/api/v1/callbacks/${r.json.id}/cancel`, undefined, mine)).json.state).toBe('canceled');
    expect((await visitor.req('POST', `/api/v1/callbacks/${r.json.id}/cancel`, undefined, mine)).json.state).toBe('canceled'); // again: the same
    expect((await task(r.json.id)).state).toBe('canceled');
    const why = ((await admin.req('GET', `/api/v1/tasks/${t.id}/events`)).json.items as Json[]).find((e) => e.type === 'task.canceled');
    expect(why.data.reason).toBe('canceled by the customer');
  });

  it.skipIf(skip)('calls that do not reach the customer come back after the retry time, then the request is given up; a wrong number at once', async () => {
    const r = (await ask({ topic: 'cb-any', name: 'Jane Doe', phone: '+32 2 555 12 34', when: 'asap', email: 'jane@example.com' })).json;
    expect(r.message).toBe('We will call you on +3225551234 as soon as an advisor is free.');
    const t = await task(r.id);
    await takeIt(t.id);
    // Someone is calling: too late to withdraw it.
    const late = await visitor.req('POST', `/api/v1/callbacks/${r.id}/cancel`, undefined, { 'x-callback-token': r.token });
    expect(late.status).toBe(409);
    expect((await visitor.req('GET', `/api/v1/callbacks/${r.id}`, undefined, { 'x-callback-token': r.token })).json.state).toBe('calling');
    const view = (await ann.req('GET', `/api/v1/tasks/${t.id}/callback`)).json;
    expect(view).toMatchObject({ taskId: t.id, phone: '+3225551234', name: 'Jane Doe', requested: 'asap', maxAttempts: 2, attempts: [] });

    const first = await ann.req('POST', `/api/v1/tasks/${t.id}/callback/attempts`, { outcome: 'no-answer', note: 'voicemail' });
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.json.decision.kind).toBe('retry');
    expect(Date.parse(first.json.decision.at) - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(first.json.callback.attempts).toEqual([expect.objectContaining({ outcome: 'no-answer', agent: 'Ann Caller', note: 'voicemail' })]);
    expect((await task(r.id)).state).toBe('scheduled');
    expect((await ann.req('POST', `/api/v1/tasks/${t.id}/callback/attempts`, { outcome: 'no-answer' })).status).toBe(403); // not hers any more

    // Its time comes (moved forward here rather than waited for): offered again; the second call fails too.
    await h.db.store.db.updateTable('tasks').set({ wake_at: new Date(Date.now() - 1000) }).where('id', '=', t.id).execute();
    await h.app.services.dispatcher.armWake(new Date(Date.now() - 1000));
    for (let i = 0; i < 100 && (await task(r.id)).state === 'scheduled'; i++) await new Promise((res) => setTimeout(res, 20));
    await takeIt(t.id);
    const second = (await ann.req('POST', `/api/v1/tasks/${t.id}/callback/attempts`, { outcome: 'busy' })).json;
    expect(second.decision).toEqual({ kind: 'give-up', reason: 'not reached after 2 calls' });
    expect((await task(r.id)).state).toBe('canceled');
    const types = ((await admin.req('GET', `/api/v1/tasks/${t.id}/events`)).json.items as Json[]).map((e) => e.type);
    expect(types.filter((x) => x === 'callback.attempted')).toHaveLength(2);
    expect(types.at(-1)).toBe('task.canceled');

    const wrong = (await ask({ topic: 'cb-any', name: 'Bob', phone: '0470 00 00 00', when: 'asap' })).json;
    const w = await task(wrong.id);
    await takeIt(w.id);
    expect((await ann.req('POST', `/api/v1/tasks/${w.id}/callback/attempts`, { outcome: 'wrong-number' })).json.decision).toEqual({ kind: 'give-up', reason: 'wrong number' });
    expect((await ann.req('POST', `/api/v1/tasks/${w.id}/callback/attempts`, { outcome: 'hung-up' })).status).toBe(400);
    expect((await ask({ topic: 'cb-any', name: 'Flood', phone: '0470 00 00 01', when: 'asap' })).status).toBe(429);
  });
});

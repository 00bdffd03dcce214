import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { KyselyPlugin } from 'kysely';
import { BACKENDS, Client, DEMO_KEY, startHarness, applyConfig, type Harness } from './harness.js';
import { CaptureBatcher } from '../../src/tasks/batcher.js';

// Captures, accepts and completions that arrive in the same tick are written by one statement each: prove
// that every caller still gets its own answer, after the commit, with exactly one event per change.
const CONFIG = {
  version: 1,
  skills: [],
  teams: [{ id: 'gc-team', name: 'Group commit team' }, { id: 'gc-manual', name: 'Answers by hand' }],
  users: [
    { email: 'gc-amy@test.local', name: 'GC Amy', password: 'secret1', roles: ['agent'], teams: ['gc-team'], capacity: { workitem: 40 } },
    { email: 'gc-bea@test.local', name: 'GC Bea', password: 'secret1', roles: ['agent'], teams: ['gc-manual'], capacity: { workitem: 12 } },
    { email: 'gc-sue@test.local', name: 'GC Sue', password: 'secret1', roles: ['supervisor'], teams: ['gc-team'], capacity: {} },
  ],
  queues: [
    { id: 'gc-hand', name: 'GC by hand', members: { teams: ['gc-manual'] }, targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 0 }] },
    { id: 'gc-q', name: 'GC', members: { teams: ['gc-team'] }, autoAnswer: true, targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 0 }] },
  ],
  worktypes: [
    { id: 'gc-item', name: 'GC item', defaultQueue: 'gc-q', priority: 10, wrapUpCodes: ['done'] },
    { id: 'gc-hand-item', name: 'GC by hand', defaultQueue: 'gc-hand', priority: 10, wrapUpCodes: ['done'] },
  ],
  wrapUpCodes: [{ code: 'done', label: 'Done' }],
  rules: [],
};

describe.each(BACKENDS)('group commit on $backend', ({ backend, skip }) => {
  let h: Harness;
  let crm: Client;
  let amy: Client;
  let sue: Client;

  const eventsOf = async (type: string, ids: string[]) =>
    Number((await h.db.store.db.selectFrom('events').select((eb) => eb.fn.countAll<string>().as('n')).where('type', '=', type).where('task_id', 'in', ids).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    crm = new Client(h.base, DEMO_KEY);
    await applyConfig(h, CONFIG);
    amy = await Client.login(h.base, 'gc-amy@test.local', 'secret1');
    sue = await Client.login(h.base, 'gc-sue@test.local', 'secret1');
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('concurrent captures: each answered with its own committed task, duplicates with the first, bad ones alone refused', async () => {
    const bodies = Array.from({ length: 30 }, (_, i) => ({ worktype: 'gc-item', title: `GC ${i}`, source: 'gc', externalId: `gc-${i % 25}` }));
    const bad = { worktype: 'gc-nope', title: 'bad' };
    const answers = await Promise.all([...bodies, bad].map((b) => crm.req('POST', '/api/v1/tasks', b)));
    expect(answers.at(-1)!.status).toBe(422);
    const ok = answers.slice(0, -1);
    expect(ok.filter((a) => a.status === 201)).toHaveLength(25);
    expect(ok.filter((a) => a.status === 200)).toHaveLength(5);
    for (let i = 25; i < 30; i++) expect(ok[i]!.json.id).toBe(ok[i - 25]!.json.id); // a duplicate answers with the first task
    const ids = [...new Set(ok.map((a) => a.json.id as string))];
    const rows = await h.db.store.db.selectFrom('tasks').select(['id', 'title']).where('id', 'in', ids).execute();
    expect(rows).toHaveLength(25);
    for (const a of ok.slice(0, 25)) expect(rows.find((r) => r.id === a.json.id)?.title).toBe(a.json.title);
    expect(await eventsOf('task.created', ids)).toBe(25);
    expect(await eventsOf('task.queued', ids)).toBe(25);
    // The events' data is built in the statement from the inserted row: what the row says, in order, by the caller.
    const first = (await crm.req('GET', `/api/v1/tasks/${ok[0]!.json.id}`)).json;
    const plain = (await crm.req('POST', '/api/v1/tasks', { worktype: 'gc-item', title: 'no source', priority: 12.5 })).json;
    const evs = await h.db.store.db.selectFrom('events').select(['type', 'actor', 'user_id', 'data']).where('task_id', 'in', [first.id, plain.id]).orderBy('id').execute();
    const key = (await h.db.store.db.selectFrom('events').select('actor').where('task_id', '=', first.id).executeTakeFirstOrThrow()).actor;
    expect(key).toMatch(/^api-key:/);
    expect(evs).toEqual([
      { type: 'task.created', actor: key, user_id: null, data: { worktype: 'gc-item', source: 'gc', externalId: 'gc-0', priority: 10 } },
      { type: 'task.queued', actor: key, user_id: null, data: { queue: 'gc-q', classification: first.classification } },
      { type: 'task.created', actor: key, user_id: null, data: { worktype: 'gc-item', source: null, externalId: null, priority: 12.5 } },
      { type: 'task.queued', actor: key, user_id: null, data: { queue: 'gc-q', classification: plain.classification } },
    ]);
    expect((await sue.req('POST', `/api/v1/tasks/${plain.id}/cancel`, { reason: 'not part of the next test' })).status).toBe(200);
  });

  it.skipIf(skip)('concurrent completions: one event each; the same task twice at once completes once and the other gets 409', async () => {
    await amy.req('PUT', '/api/v1/me/presence', { status: 'available' });
    await h.app.services.dispatcher.idle();
    const held = (await amy.req('GET', '/api/v1/me/tasks')).json.items.map((t: { id: string }) => t.id) as string[];
    expect(held.length).toBe(25); // auto-answer assigned everything captured above
    const twice = held[0]!;
    const answers = await Promise.all([...held, twice].map((id, i) => amy.req('POST', `/api/v1/tasks/${id}/complete`, i % 2 ? { wrapUpCode: 'done' } : {})));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(25);
    expect(statuses.filter((s) => s === 409)).toHaveLength(1);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.json.state).toBe('completed');
    expect(await eventsOf('task.completed', held)).toBe(25);
    const rows = await h.db.store.db.selectFrom('tasks').select(['id', 'state', 'wrap_up_code']).where('id', 'in', held).execute();
    expect(rows.every((r) => r.state === 'completed')).toBe(true);
    expect(rows.filter((r) => r.wrap_up_code === 'done').length + rows.filter((r) => r.wrap_up_code === 'NS').length).toBe(25);
    // The answer is the committed row (built from the row read before and what the statement set).
    for (const a of answers.filter((x) => x.status === 200)) expect((await crm.req('GET', `/api/v1/tasks/${a.json.id}`)).json).toEqual(a.json);
    const amyId = (await amy.req('GET', '/api/v1/me')).json.user.id;
    expect(h.app.services.dispatcher.agentSnapshot().find((a) => a.id === amyId)?.load).toBe(0);
    // A supervisor completing a task held by someone else races the holder: one wins.
    const t = await crm.req('POST', '/api/v1/tasks', { worktype: 'gc-item', title: 'GC race' });
    await h.app.services.dispatcher.idle();
    const race = await Promise.all([amy.req('POST', `/api/v1/tasks/${t.json.id}/complete`, {}), sue.req('POST', `/api/v1/tasks/${t.json.id}/complete`, {})]);
    expect(race.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await eventsOf('task.completed', [t.json.id])).toBe(1);
  });

  it.skipIf(skip)('concurrent accepts: each agent gets its own task; the same offer twice at once is accepted once (409), another agent\'s offer is 404', async () => {
    const bea = await Client.login(h.base, 'gc-bea@test.local', 'secret1');
    const captured = await Promise.all(Array.from({ length: 10 }, (_, i) => crm.req('POST', '/api/v1/tasks', { worktype: 'gc-hand-item', title: `GC hand ${i}` })));
    await bea.req('PUT', '/api/v1/me/presence', { status: 'available' });
    await h.app.services.dispatcher.idle();
    const offers = (await bea.req('GET', '/api/v1/me/offers')).json.items as { id: string; taskId: string }[];
    expect(offers.map((o) => o.taskId).sort()).toEqual(captured.map((c) => c.json.id).sort());
    const answers = await Promise.all([
      ...offers.map((o) => bea.req('POST', `/api/v1/offers/${o.id}/accept`)),
      bea.req('POST', `/api/v1/offers/${offers[0]!.id}/accept`),
      amy.req('POST', `/api/v1/offers/${offers[1]!.id}/accept`),
    ]);
    // The two accepts of offers[0] race (separate connections): one wins, the other is a 409.
    const [first, again, other] = [answers[0]!, answers[offers.length]!, answers[offers.length + 1]!];
    expect([first.status, again.status].sort()).toEqual([200, 409]);
    expect(answers.slice(1, offers.length).map((a) => a.status)).toEqual(offers.slice(1).map(() => 200));
    expect(other.status).toBe(404);
    expect((first.status === 409 ? first : again).json.state).toBe('accepted');
    const won = offers.map((_, i) => (i === 0 && first.status === 409 ? again : answers[i]!));
    const beaId = (await bea.req('GET', '/api/v1/me')).json.user.id;
    offers.forEach((o, i) => expect(won[i]!.json.task).toMatchObject({ id: o.taskId, state: 'assigned', assignee: beaId }));
    const ids = offers.map((o) => o.taskId);
    expect(await eventsOf('task.assigned', ids)).toBe(10);
    const rows = await h.db.store.db.selectFrom('offers').select(['state']).where('task_id', 'in', ids).execute();
    expect(rows.map((r) => r.state)).toEqual(ids.map(() => 'accepted'));
    expect(h.app.services.dispatcher.agentSnapshot().find((a) => a.id === beaId)?.load).toBe(10);
  });

  it.skipIf(skip)('captures that arrive while every commit slot is taken wait and commit together, after it (last: the dispatcher is not told of them)', async () => {
    // Holds the answer of each statement (already committed) until the test lets it go.
    const held: (() => void)[] = [];
    const gate: KyselyPlugin = {
      transformQuery: (a) => a.node,
      transformResult: (a) => new Promise((resolve) => held.push(() => resolve(a.result))),
    };
    const batcher = new CaptureBatcher(h.db.store.db.withPlugin(gate), h.app.services.config, undefined, { captureCommits: 1 });
    const tick = () => new Promise((r) => setImmediate(r));
    const capture = (i: number) => batcher.capture({ worktype: 'gc-hand-item', title: `Slot ${i}`, source: 'gc-slot', externalId: `slot-${i}` }, 'test');
    const first = capture(0);
    await tick();
    const later: ReturnType<typeof capture>[] = [];
    for (let i = 1; i <= 3; i++) {
      later.push(capture(i)); // each in a tick of its own: without the bound, each would be a commit of its own
      await tick();
    }
    await vi.waitFor(() => expect(held).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(held).toHaveLength(1); // the three wait for the slot
    held.shift()!();
    const a = await first;
    await vi.waitFor(() => expect(held).toHaveLength(1)); // then one statement for all three
    held.shift()!();
    const rest = await Promise.all(later);
    expect(held).toHaveLength(0);
    expect(rest.map((r) => r.created)).toEqual([true, true, true]);
    // One batch: one transaction time; the first commit's is earlier.
    expect(new Set(rest.map((r) => r.task.created_at.getTime())).size).toBe(1);
    expect(rest[0]!.task.created_at.getTime()).toBeGreaterThanOrEqual(a.task.created_at.getTime());
    const rows = await h.db.store.db.selectFrom('tasks').select('id').where('source', '=', 'gc-slot').execute();
    expect(rows).toHaveLength(4);
  });
});

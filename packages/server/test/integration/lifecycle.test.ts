import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, Client, DEMO_KEY, counts, startHarness, applyConfig, type Harness } from './harness.js';

// A configuration of its own, so the demo's settings (after-work, exception rules...) do not interfere.
const CONFIG = {
  version: 1,
  skills: [{ id: 'lc-skill', name: 'Lifecycle skill' }],
  teams: [{ id: 'lc-team', name: 'Lifecycle team' }],
  users: [
    { email: 'lc-ann@test.local', name: 'LC Ann', password: 'secret1', roles: ['agent'], teams: ['lc-team'], skills: { 'lc-skill': 90 }, capacity: { workitem: 1 } },
    { email: 'lc-ben@test.local', name: 'LC Ben', password: 'secret1', roles: ['agent'], teams: ['lc-team'], skills: { 'lc-skill': 50 }, capacity: { workitem: 2 } },
  ],
  queues: [
    { id: 'lc-a', name: 'LC A', members: { teams: ['lc-team'] }, targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 0 }], offerTimeoutSeconds: 60 },
    { id: 'lc-b', name: 'LC B', members: { teams: ['lc-team'] }, targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 0 }], offerTimeoutSeconds: 60 },
    { id: 'lc-pull', name: 'LC Pull', members: { teams: ['lc-team'] }, distribution: 'pull', claimLimit: 2 },
    { id: 'lc-park', name: 'LC Park', members: { users: [] }, distribution: 'pull' },
  ],
  worktypes: [
    {
      id: 'lc-item',
      name: 'LC item',
      defaultQueue: 'lc-park',
      priority: 10,
      wrapUpCodes: ['processed'],
      attributeSchema: { type: 'object', properties: { route: { type: 'string' }, n: { type: 'number' } } },
      escalation: { queue: 'lc-b', raisePriority: 25 },
    },
  ],
  wrapUpCodes: [{ code: 'processed', label: 'Processed' }],
  rules: [
    { id: 'lc-to-a', name: 'route a', when: 'task.worktype == "lc-item" && task.attributes.route == "a"', set: { queue: 'lc-a' } },
    { id: 'lc-to-b', name: 'route b', when: 'task.worktype == "lc-item" && task.attributes.route == "b"', set: { queue: 'lc-b', priority: 60 } },
  ],
};

const item = (route: string, extra: Record<string, unknown> = {}) => ({ worktype: 'lc-item', title: `LC ${route}`, attributes: { route }, ...extra });

describe.each(BACKENDS)('task lifecycle on $backend', ({ backend, skip }) => {
  let h: Harness;
  let crm: Client;
  let sam: Client;
  let ann: Client;
  let ben: Client;
  let annId: string;
  let benId: string;

  const idle = () => h.app.services.dispatcher.idle();
  const get = async (id: string) => (await crm.req('GET', `/api/v1/tasks/${id}`)).json;
  const capture = async (body: Record<string, unknown>) => {
    const r = await crm.req('POST', '/api/v1/tasks', body);
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    return r.json;
  };
  /** Captures into lc-a and lets Ann (the only available agent) accept it. */
  const heldByAnn = async () => {
    await ben.req('PUT', '/api/v1/me/presence', { status: 'not-ready', reason: 'lunch' });
    await ann.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const t = await capture(item('a'));
    await idle();
    const offer = (await ann.req('GET', '/api/v1/me/offers')).json.items.find((o: { taskId: string }) => o.taskId === t.id);
    expect(offer, 'offered to Ann').toBeTruthy();
    expect((await ann.req('POST', `/api/v1/offers/${offer.id}/accept`)).status).toBe(200);
    return get(t.id);
  };
  const loadOf = (id: string) => h.app.services.dispatcher.agentSnapshot().find((a) => a.id === id)!.load;
  const rest = async () => {
    await ann.req('PUT', '/api/v1/me/presence', { status: 'not-ready', reason: 'lunch' });
    await ben.req('PUT', '/api/v1/me/presence', { status: 'not-ready', reason: 'lunch' });
  };

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    crm = new Client(h.base, DEMO_KEY);
    const admin = await applyConfig(h, CONFIG);
    // Supervisors act on their teams' work only, and lc-park is nobody's queue: the admin acts here.
    sam = admin;
    ann = await Client.login(h.base, 'lc-ann@test.local', 'secret1');
    ben = await Client.login(h.base, 'lc-ben@test.local', 'secret1');
    annId = (await ann.req('GET', '/api/v1/me')).json.user.id;
    benId = (await ben.req('GET', '/api/v1/me')).json.user.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('complete records "NS" without a wrap-up code; finished tasks refuse every action with 409 and their state', async () => {
    const t = await heldByAnn();
    expect(loadOf(annId)).toBe(1);
    const done = await ann.req('POST', `/api/v1/tasks/${t.id}/complete`, {});
    expect(done.json).toMatchObject({ state: 'completed', wrapUpCode: 'NS' });
    expect(loadOf(annId)).toBe(0);
    const before = await counts(h.db.store);
    for (const [path, body] of [
      ['complete', {}], ['cancel', { reason: 'x' }], ['reschedule', { until: new Date(Date.now() + 60_000).toISOString() }],
      ['pause', { reason: 'x' }], ['resume', undefined], ['transfer', { queue: 'lc-b' }], ['escalate', { reason: 'x' }],
      ['reclassify', { attributes: { route: 'b' } }], ['assign', { agent: benId }], ['pull-back', {}],
    ] as const) {
      const r = await sam.req('POST', `/api/v1/tasks/${t.id}/${path}`, body);
      expect(r.status, path).toBe(409);
      expect(r.json.state, path).toBe('completed');
    }
    expect((await sam.req('PATCH', `/api/v1/tasks/${t.id}`, { title: 'x' })).json.state).toBe('completed');
    expect(await counts(h.db.store)).toEqual(before);
    const canceled = await capture(item('park'));
    await sam.req('POST', `/api/v1/tasks/${canceled.id}/cancel`, { reason: 'duplicate' });
    const r = await sam.req('POST', `/api/v1/tasks/${canceled.id}/complete`, {});
    expect(r).toMatchObject({ status: 409, json: { state: 'canceled' } });
  });

  it.skipIf(skip)('reschedule: the task sleeps, wakes at its time and re-enters its queue with its original entry time', async () => {
    await rest();
    const t = await capture(item('a'));
    const until = new Date(Date.now() + 1200).toISOString();
    const past = await crm.req('POST', `/api/v1/tasks/${t.id}/reschedule`, { until: new Date(Date.now() - 1000).toISOString() });
    expect(past.status).toBe(422);
    expect(past.json.errors[0].pointer).toBe('/until');
    const r = await crm.req('POST', `/api/v1/tasks/${t.id}/reschedule`, { until, reason: 'customer asked for tomorrow' });
    expect(r.json).toMatchObject({ state: 'scheduled', wakeAt: until });
    expect(h.app.services.dispatcher.waiting.has(t.id)).toBe(false);
    await new Promise((res) => setTimeout(res, 1600));
    await idle();
    const woken = await get(t.id);
    expect(woken.state).toBe('queued');
    expect(woken.enteredQueueAt).toBe(t.enteredQueueAt);
    const types = (await crm.req('GET', `/api/v1/tasks/${t.id}/events`)).json.items.map((e: { type: string }) => e.type);
    expect(types).toEqual(['task.created', 'task.queued', 'task.rescheduled', 'task.woken', 'task.queued']);
    await sam.req('POST', `/api/v1/tasks/${t.id}/cancel`, { reason: 'cleanup' });
  });

  it.skipIf(skip)('the task list filters by one state or by open work (every state but finished); an unknown state is a 400 naming it', async () => {
    const open = await capture(item('x'));
    const done = await capture(item('x'));
    await sam.req('POST', `/api/v1/tasks/${done.id}/cancel`, { reason: 'cleanup' });
    const ids = async (q: string) => ((await crm.req('GET', `/api/v1/tasks?${q}&limit=500`)).json.items as { id: string; state: string }[]);
    const openList = await ids('state=open');
    expect(openList.map((t) => t.id)).toContain(open.id);
    expect(openList.map((t) => t.id)).not.toContain(done.id);
    expect(openList.every((t) => !['completed', 'canceled'].includes(t.state))).toBe(true);
    expect((await ids('state=canceled')).map((t) => t.id)).toContain(done.id);
    const bad = await crm.req('GET', '/api/v1/tasks?state=finished');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('/state');
    await sam.req('POST', `/api/v1/tasks/${open.id}/cancel`, { reason: 'cleanup' });
  });

  it.skipIf(skip)('reschedule, kept for me: it wakes into the agent\'s own bin, comes to nobody else, and goes to the queue only if they decline it', async () => {
    const t = await heldByAnn();
    const waiting = await capture(item('b'));
    const noHolder = await crm.req('POST', `/api/v1/tasks/${waiting.id}/reschedule`, { until: new Date(Date.now() + 60_000).toISOString(), keep: true });
    expect(noHolder.status).toBe(422);
    expect(noHolder.json.errors[0]).toMatchObject({ pointer: '/keep', message: expect.stringContaining('nobody holds') });
    expect((await get(waiting.id)).state).not.toBe('scheduled'); // changed nothing
    await sam.req('POST', `/api/v1/tasks/${waiting.id}/cancel`, { reason: 'cleanup' });

    const until = new Date(Date.now() + 1200).toISOString();
    const r = await ann.req('POST', `/api/v1/tasks/${t.id}/reschedule`, { until, reason: 'customer free tomorrow', keep: true });
    expect(r.json).toMatchObject({ state: 'scheduled', wakeAt: until, assignee: null, targetAgent: annId });
    expect(loadOf(annId)).toBe(0); // her capacity is free meanwhile
    expect((await ann.req('GET', '/api/v1/me/scheduled')).json.items.map((x: { id: string }) => x.id)).toEqual([t.id]);
    expect((await ben.req('GET', '/api/v1/me/scheduled')).json.items).toEqual([]);
    // It wakes while Ann is on a break and Ben is free: it waits for her, not for him.
    await ann.req('PUT', '/api/v1/me/presence', { status: 'not-ready', reason: 'lunch' });
    await ben.req('PUT', '/api/v1/me/presence', { status: 'available' });
    await new Promise((res) => setTimeout(res, 1600));
    await idle();
    expect(await get(t.id)).toMatchObject({ state: 'queued', targetAgent: annId });
    expect((await ben.req('GET', '/api/v1/me/offers')).json.items.filter((o: { taskId: string }) => o.taskId === t.id)).toEqual([]);
    expect((await ann.req('GET', '/api/v1/me/scheduled')).json.items).toEqual([]);
    await ann.req('PUT', '/api/v1/me/presence', { status: 'available' });
    await idle();
    const offer = (await ann.req('GET', '/api/v1/me/offers')).json.items.find((o: { taskId: string }) => o.taskId === t.id);
    expect(offer, 'offered to Ann when she is back').toBeTruthy();
    // She cannot take it after all: the queue has it, and Ben is offered it.
    await ann.req('POST', `/api/v1/offers/${offer.id}/decline`, { reason: 'on another call' });
    await idle();
    expect((await ben.req('GET', '/api/v1/me/offers')).json.items.some((o: { taskId: string }) => o.taskId === t.id)).toBe(true);
    const rescheduled = (await crm.req('GET', `/api/v1/tasks/${t.id}/events`)).json.items.find((e: { type: string }) => e.type === 'task.rescheduled');
    expect(rescheduled.data).toMatchObject({ keptFor: annId, agent: annId, reason: 'customer free tomorrow' });
    await sam.req('POST', `/api/v1/tasks/${t.id}/cancel`, { reason: 'cleanup' });
    await rest();
  });

  it.skipIf(skip)('pause frees the agent\'s capacity but keeps the task in their work; resume brings it back to them', async () => {
    const t = await heldByAnn();
    const paused = await ann.req('POST', `/api/v1/tasks/${t.id}/pause`, { reason: 'waiting for the customer' });
    expect(paused.json).toMatchObject({ state: 'paused', pausedReason: 'waiting for the customer', assignee: annId });
    expect(loadOf(annId)).toBe(0);
    expect((await ann.req('GET', '/api/v1/me/tasks')).json.items.map((x: { id: string }) => x.id)).toContain(t.id);
    expect((await ben.req('POST', `/api/v1/tasks/${t.id}/resume`)).status).toBe(403); // not his
    const resumed = await ann.req('POST', `/api/v1/tasks/${t.id}/resume`);
    expect(resumed.json).toMatchObject({ targetAgent: annId, enteredQueueAt: t.enteredQueueAt });
    await idle();
    const offer = (await ann.req('GET', '/api/v1/me/offers')).json.items.find((o: { taskId: string }) => o.taskId === t.id);
    expect(offer.reason).toBe('transferred to this agent');
    expect((await sam.req('POST', `/api/v1/tasks/${t.id}/resume`)).json.state).toBe('offered');
    await sam.req('POST', `/api/v1/tasks/${t.id}/cancel`, { reason: 'cleanup' });
    await idle();
    expect(loadOf(annId)).toBe(0);
    const agents = (await ann.req('GET', '/api/v1/agents')).json.items;
    expect(agents.map((a: { name: string }) => a.name)).toEqual(expect.arrayContaining(['LC Ann', 'LC Ben']));
  });

  it.skipIf(skip)('transfer to a queue keeps the entry time; transfer to an agent routes to that agent only, or waits in their personal bin', async () => {
    const t = await heldByAnn();
    const bad = await ann.req('POST', `/api/v1/tasks/${t.id}/transfer`, { queue: 'lc-b', agent: benId });
    expect(bad.status).toBe(422);
    const watch = await sam.stream();
    const moved = await ann.req('POST', `/api/v1/tasks/${t.id}/transfer`, { queue: 'lc-park', reason: 'wrong desk' });
    await watch.next((m) => m.type === 'workbin.changed' && m.bins.includes('queue:lc-park')); // open bins hear of it live
    watch.close();
    expect(moved.json).toMatchObject({ state: 'queued', queue: 'lc-park', assignee: null, enteredQueueAt: t.enteredQueueAt });
    expect(loadOf(annId)).toBe(0);
    // Ben is not ready: the personal task waits in his personal workbin and nobody else gets it.
    const toBen = await sam.req('POST', `/api/v1/tasks/${t.id}/transfer`, { agent: benId });
    expect(toBen.json).toMatchObject({ state: 'queued', targetAgent: benId });
    await idle();
    expect((await get(t.id)).state).toBe('queued'); // Ann is available but it is not hers
    const bins = (await ben.req('GET', '/api/v1/workbins')).json.items;
    expect(bins.find((b: { id: string }) => b.id === `personal:${benId}`)).toMatchObject({ count: 1, canClaim: true });
    await ben.req('PUT', '/api/v1/me/presence', { status: 'available' });
    await idle();
    const offer = (await ben.req('GET', '/api/v1/me/offers')).json.items.find((o: { taskId: string }) => o.taskId === t.id);
    expect(offer.reason).toBe('transferred to this agent');
    const events = (await crm.req('GET', `/api/v1/tasks/${t.id}/events`)).json.items.map((e: { type: string }) => e.type);
    expect(events.filter((e: string) => e === 'task.transferred')).toHaveLength(2);
    await sam.req('POST', `/api/v1/tasks/${t.id}/cancel`, { reason: 'cleanup' });
    await rest();
  });

  it.skipIf(skip)('reclassify re-runs the rules and returns held work to the (new) queue; PATCH re-prioritizes', async () => {
    const t = await heldByAnn();
    await rest(); // so the task stays in line after it comes back
    const r = await ann.req('POST', `/api/v1/tasks/${t.id}/reclassify`, { attributes: { route: 'b' } });
    expect(r.json).toMatchObject({ state: 'queued', queue: 'lc-b', priority: 60, assignee: null, enteredQueueAt: t.enteredQueueAt });
    expect(r.json.classification.matchedRules).toEqual(['lc-to-b']);
    const p = await crm.req('PATCH', `/api/v1/tasks/${t.id}`, { priority: 99, attributes: { n: 3 }, dueAt: '2030-01-01T00:00:00.000Z' });
    expect(p.json).toMatchObject({ priority: 99, attributes: { route: 'b', n: 3 }, dueAt: '2030-01-01T00:00:00.000Z' });
    const invalid = await crm.req('PATCH', `/api/v1/tasks/${t.id}`, { attributes: { n: 'three' } });
    expect(invalid.status).toBe(400);
    expect(invalid.json.errors[0].pointer).toBe('/attributes/n');
    const back = await crm.req('PATCH', `/api/v1/tasks/${t.id}`, { attributes: { route: 'park', n: null }, dueAt: null });
    expect(back.json).toMatchObject({ queue: 'lc-park', priority: 10, attributes: { route: 'park' }, dueAt: null });
    expect((await crm.req('PATCH', `/api/v1/tasks/${t.id}`, {})).status).toBe(400);
    const why = (await crm.req('GET', `/api/v1/tasks/${t.id}/explain`)).json;
    expect(why.priority).toMatchObject({ base: 10, boost: 0, effective: 10 });
    await sam.req('POST', `/api/v1/tasks/${t.id}/cancel`, { reason: 'cleanup' });
  });

  it.skipIf(skip)('escalate raises the level and priority and moves the task to the escalation queue; supervisors get an alert', async () => {
    const stream = await sam.stream();
    const t = await heldByAnn();
    await rest();
    const r = await ann.req('POST', `/api/v1/tasks/${t.id}/escalate`, { reason: 'needs an expert' });
    expect(r.json).toMatchObject({ state: 'queued', queue: 'lc-b', escalationLevel: 1, priorityBoost: 25, assignee: null });
    const alert = await stream.next((m) => m.type === 'alert' && m.taskId === t.id);
    expect(alert.message).toContain('needs an expert');
    stream.close();
    const why = (await crm.req('GET', `/api/v1/tasks/${t.id}/explain`)).json;
    expect(why.priority).toMatchObject({ base: 10, boost: 25 });
    await sam.req('POST', `/api/v1/tasks/${t.id}/cancel`, { reason: 'cleanup' });
    await rest();
  });

  it.skipIf(skip)('supervisor assign respects capacity; pull-back frees the agent', async () => {
    await rest();
    const a = await capture(item('park'));
    const b = await capture(item('park'));
    expect((await ann.req('POST', `/api/v1/tasks/${a.id}/assign`, { agent: annId })).status).toBe(403);
    const assigned = await sam.req('POST', `/api/v1/tasks/${a.id}/assign`, { agent: annId });
    expect(assigned.json).toMatchObject({ state: 'assigned', assignee: annId });
    expect(loadOf(annId)).toBe(1);
    const full = await sam.req('POST', `/api/v1/tasks/${b.id}/assign`, { agent: annId });
    expect(full.status).toBe(409);
    expect(full.json.detail).toContain('capacity');
    expect((await sam.req('POST', `/api/v1/tasks/${b.id}/assign`, { agent: 'nobody' })).status).toBe(422);
    const mine = (await ann.req('GET', '/api/v1/me/tasks')).json.items.map((x: { id: string }) => x.id);
    expect(mine).toContain(a.id);
    const back = await sam.req('POST', `/api/v1/tasks/${a.id}/pull-back`, { reason: 'rebalancing' });
    expect(back.json).toMatchObject({ state: 'queued', assignee: null, enteredQueueAt: a.enteredQueueAt });
    expect(loadOf(annId)).toBe(0);
    const again = await sam.req('POST', `/api/v1/tasks/${a.id}/pull-back`);
    expect(again.json.state, JSON.stringify(again.json)).toBe('queued');
    for (const id of [a.id, b.id]) await sam.req('POST', `/api/v1/tasks/${id}/cancel`, { reason: 'cleanup' });
  });

  it.skipIf(skip)('pull: claim next best or a specific task; no cherry-picking beyond the best N', async () => {
    await rest();
    const ids: string[] = [];
    for (const p of [10, 40, 30, 20]) ids.push((await capture(item('x', { queue: 'lc-pull', priority: p }))).id);
    await idle();
    expect((await get(ids[1]!)).state).toBe('queued'); // pull queues are never pushed
    const bin = encodeURIComponent('queue:lc-pull');
    const list = (await ben.req('GET', `/api/v1/workbins/${bin}/tasks`)).json;
    expect(list.items.map((t: { priority: number }) => t.priority)).toEqual([40, 30, 20, 10]);
    expect(list.items.map((t: { claimable: boolean }) => t.claimable)).toEqual([true, true, false, false]);
    const picky = await ben.req('POST', `/api/v1/workbins/${bin}/claim`, { taskId: ids[3] });
    expect(picky.status).toBe(409);
    expect(picky.json.detail).toContain('cherry-picking');
    const next = await ben.req('POST', `/api/v1/workbins/${bin}/claim`, {});
    expect(next.json.task).toMatchObject({ id: ids[1], state: 'assigned', assignee: benId });
    const specific = await ben.req('POST', `/api/v1/workbins/${bin}/claim`, { taskId: ids[0] }); // now 2nd best of [30, 20, 10]? no: 10 is 3rd
    expect(specific.status).toBe(409);
    const second = await ben.req('POST', `/api/v1/workbins/${bin}/claim`, { taskId: ids[3] }); // 20: second best now
    expect(second.json.task.id).toBe(ids[3]);
    const over = await ben.req('POST', `/api/v1/workbins/${bin}/claim`, {});
    expect(over.status).toBe(409); // Ben's 2 workitem slots are full
    expect(loadOf(benId)).toBe(2);
    const sorted = (await sam.req('GET', `/api/v1/workbins/${bin}/tasks?sort=age`)).json;
    expect(sorted.total).toBe(2);
    expect((await ann.req('GET', `/api/v1/workbins/${encodeURIComponent('queue:lc-park')}/tasks`)).status).toBe(404); // not a member
    for (const id of [ids[1], ids[3]]) await ben.req('POST', `/api/v1/tasks/${id}/complete`, { wrapUpCode: 'processed' });
    expect(loadOf(benId)).toBe(0);
  });

  it.skipIf(skip)('bulk capture: one result per item, bad items do not stop the others, duplicates return the first task', async () => {
    const before = await counts(h.db.store);
    const r = await crm.req('POST', '/api/v1/tasks/bulk', {
      tasks: [
        item('park', { source: 'erp', externalId: 'b-1' }),
        item('park', { source: 'erp', externalId: 'b-2' }),
        item('park', { attributes: { n: 'bad' } }),
        item('park', { source: 'erp', externalId: 'b-1' }),
        { worktype: 'nope', title: 'x' },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.json.items.map((i: { status: number }) => i.status)).toEqual([201, 201, 400, 200, 422]);
    expect(r.json.items[2].problem.errors[0].pointer).toBe('/tasks/2/attributes/n');
    expect(r.json.items[3].task.id).toBe(r.json.items[0].task.id);
    const after = await counts(h.db.store);
    expect(after.tasks - before.tasks).toBe(2);
    expect(after.events - before.events).toBe(4);
    const again = await crm.req('POST', '/api/v1/tasks/bulk', { tasks: [item('park', { source: 'erp', externalId: 'b-2' })] });
    expect(again.json.items[0]).toMatchObject({ status: 200, task: { id: r.json.items[1].task.id } });
    expect((await crm.req('POST', '/api/v1/tasks/bulk', { tasks: [] })).status).toBe(400);
  });

  it.skipIf(skip)('Prefer: return=minimal answers ids, state, queue and version only (bulk and single); problems stay in full', async () => {
    const minimal = { prefer: 'respond-async, return=minimal' };
    const r = await crm.req('POST', '/api/v1/tasks/bulk', { tasks: [item('park', { source: 'erp', externalId: 'm-1' }), item('park', { attributes: { n: 'bad' } })] }, minimal);
    expect(r.status).toBe(200);
    expect(r.headers.get('preference-applied')).toBe('return=minimal');
    expect(r.json.created).toBe(1);
    expect(r.json.items[0]).toEqual({ index: 0, status: 201, task: { id: expect.any(String), state: 'queued', queue: 'lc-park', version: expect.any(Number) } });
    expect(r.json.items[1].problem.errors[0].pointer).toBe('/tasks/1/attributes/n');
    const stored = await crm.req('GET', `/api/v1/tasks/${r.json.items[0].task.id}`);
    expect(stored.json).toMatchObject({ externalId: 'm-1', state: 'queued', queue: 'lc-park' });
    const one = await crm.req('POST', '/api/v1/tasks', item('park', { source: 'erp', externalId: 'm-2' }), { prefer: 'return=minimal' });
    expect(one.status).toBe(201);
    expect(Object.keys(one.json).sort()).toEqual(['id', 'queue', 'state', 'version']);
    // Without the preference (or with another one) the whole task comes back.
    const full = await crm.req('POST', '/api/v1/tasks', item('park', { source: 'erp', externalId: 'm-3' }), { prefer: 'return=representation' });
    expect(full.headers.get('preference-applied')).toBeNull();
    expect(full.json).toMatchObject({ externalId: 'm-3', title: expect.any(String), classification: expect.any(Object) });
  });

  it.skipIf(skip)('scheduled, waiting, offered and assigned tasks survive a restart with their state, timers and places', async () => {
    await rest();
    const held = await heldByAnn();
    await ann.req('PUT', '/api/v1/me/presence', { status: 'not-ready', reason: 'lunch' });
    const waiting = await capture(item('b'));
    const sleeping = await capture(item('b'));
    await crm.req('POST', `/api/v1/tasks/${sleeping.id}/reschedule`, { until: new Date(Date.now() + 1500).toISOString() });
    await h.restart();
    crm = new Client(h.base, DEMO_KEY);
    expect(h.app.services.dispatcher.waiting.has(waiting.id)).toBe(true);
    expect(loadOf(annId)).toBe(1);
    expect((await get(held.id)).state).toBe('assigned');
    await new Promise((res) => setTimeout(res, 1800));
    await idle();
    const woke = await get(sleeping.id);
    expect(woke).toMatchObject({ state: 'queued', enteredQueueAt: sleeping.enteredQueueAt });
    const line = h.app.services.dispatcher.binLine('queue:lc-b').map((t) => t.id);
    expect(line.indexOf(waiting.id)).toBeLessThan(line.indexOf(sleeping.id)); // earlier entry first at equal priority
    ann = await Client.login(h.base, 'lc-ann@test.local', 'secret1');
    ben = await Client.login(h.base, 'lc-ben@test.local', 'secret1');
    sam = await Client.login(h.base, 'admin@worklane.local', 'admin123');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, Client, DEMO_KEY, counts, startHarness, type Harness } from './harness.js';
import { forgetCredentials } from '../../src/auth/credential-cache.js';

const invoice = (externalId: string, extra: Record<string, unknown> = {}) => ({
  worktype: 'invoice-dispute',
  source: 'crm',
  externalId,
  title: `Invoice ${externalId}`,
  attributes: { orderId: externalId, department: 'Finance', segment: 'Gold', amount: 120.5, currency: 'EUR' },
  ...extra,
});

describe.each(BACKENDS)('foundation on $backend', ({ backend, skip }) => {
  let h: Harness;
  let crm: Client;
  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    crm = new Client(h.base, DEMO_KEY);
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('serves health, readiness, metrics and the OpenAPI document', async () => {
    const c = new Client(h.base);
    expect((await c.req('GET', '/healthz')).status).toBe(200);
    expect((await c.req('GET', '/readyz')).json).toEqual({ status: 'ready' });
    const doc = (await c.req('GET', '/api/openapi.json')).json;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/tasks', '/api/v1/tasks/{id}/complete', '/api/v1/me/presence']));
    expect(doc.paths['/api/v1/tasks'].post.requestBody).toBeDefined();
    expect((await c.req('GET', '/metrics')).status).toBe(401); // not for everyone: admins or a metrics:read key
    const admin = await Client.login(h.base, 'admin@worklane.local', 'admin123');
    const metrics = String((await admin.req('GET', '/metrics')).json);
    expect(metrics).toContain('worklane_http_request_duration_seconds');
  });

  it.skipIf(skip)('declares auth on every API route, and none but the public ones answer anonymously', async () => {
    const routes = h.app.routes.filter((r) => r.url.startsWith('/api'));
    expect(routes.length).toBeGreaterThan(20);
    const anon = new Client(h.base);
    const open = routes.filter((r) => 'public' in r.auth).map((r) => `${r.method} ${r.url}`);
    expect(open.sort()).toEqual([
      'DELETE /api/v1/portal/session', 'GET /api/openapi.json', 'GET /api/v1/auth/providers', 'GET /api/v1/auth/sso', 'GET /api/v1/auth/sso/callback', 'GET /api/v1/portal/attachments/:id', 'GET /api/v1/portal/cases', 'GET /api/v1/portal/cases/:id',
      'GET /api/v1/portal/session', 'GET /api/v1/public/forms/:caseType', 'POST /api/v1/auth/login', 'POST /api/v1/auth/logout',
      'POST /api/v1/portal/cases/:id/attachments', 'POST /api/v1/portal/cases/:id/comments', 'POST /api/v1/portal/session', 'POST /api/v1/public/forms/:caseType',
      // Web chat: visitors are not signed in; each chat checks its own token (X-Chat-Token).
      'GET /api/v1/chat/topics', 'POST /api/v1/chats', 'GET /api/v1/chats/:id', 'POST /api/v1/chats/:id/messages', 'POST /api/v1/chats/:id/handover', 'POST /api/v1/chats/:id/end', 'POST /api/v1/chats/:id/rating',
      'GET /api/v1/chats/:id/transcript', 'POST /api/v1/chats/:id/transcript/email', 'GET /api/v1/chats/:id/stream',
      // Digital callback: the visitor's request.
      'GET /api/v1/callback/topics', 'POST /api/v1/callbacks', 'GET /api/v1/callbacks/:id', 'POST /api/v1/callbacks/:id/cancel',
      // Predictive engagement: the website's script (its visit key answers an offer), from any origin.
      'POST /api/v1/journey', 'OPTIONS /api/v1/journey', 'POST /api/v1/journey/offers/:id', 'OPTIONS /api/v1/journey/offers/:id',
      // Social media: the platforms' webhook, checked by the account's verify token, CRC and signature.
      'GET /api/v1/social/accounts/:id/webhook', 'POST /api/v1/social/accounts/:id/webhook',
    ].sort());
    // Portal routes are open to the staff guard but check the customer's own signed session.
    const customerOnly = ['GET /api/v1/portal/cases', 'GET /api/v1/portal/cases/:id', 'POST /api/v1/portal/cases/:id/comments', 'GET /api/v1/portal/attachments/:id', 'GET /api/v1/portal/session'];
    for (const r of routes) {
      if ('public' in r.auth && !customerOnly.includes(`${r.method} ${r.url}`)) continue;
      const res = await anon.req(r.method, r.url.replace(/:(\w+)/g, 'x'), r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
      expect(res.status, `${r.method} ${r.url}`).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it.skipIf(skip)('signs people in with an HttpOnly SameSite session and out again; expired sessions are refused', async () => {
    const anon = new Client(h.base);
    const wrong = await anon.req('POST', '/api/v1/auth/login', { email: 'alice@worklane.local', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.detail).toBe('Wrong e-mail or password');
    const res = await fetch(h.base + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'sam@worklane.local', password: 'sam123' }) });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
    const me = await sam.req('GET', '/api/v1/me');
    expect(me.json.user).toMatchObject({ email: 'sam@worklane.local', roles: ['supervisor'] });
    expect((await sam.req('POST', '/api/v1/auth/logout')).status).toBe(204);
    const after = new Client(h.base);
    after.cookie = sam.cookie || cookie.split(';')[0]!;
    expect((await after.req('GET', '/api/v1/me')).status).toBe(401);

    const ann = await Client.login(h.base, 'ann@worklane.local', 'ann123');
    await h.db.store.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).execute();
    forgetCredentials(h.db.store.db); // a change behind the server's back counts from the next look-up (within a second)
    const expired = await ann.req('GET', '/api/v1/me');
    expect(expired.status).toBe(401);
    expect(expired.json.detail).toMatch(/expired/);
  });

  it.skipIf(skip)('checks API keys and roles: bad key 401, missing scope or role 403', async () => {
    expect((await new Client(h.base, 'wl_not_a_real_key_at_all_123').req('GET', '/api/v1/tasks')).status).toBe(401);
    const noScope = await crm.req('GET', '/api/v1/api-keys');
    expect(noScope.status).toBe(403);
    expect(noScope.json.detail).toMatch(/scope/);
    const alice = await Client.login(h.base, 'alice@worklane.local', 'alice123');
    expect((await alice.req('GET', '/api/v1/config/export')).status).toBe(403);
    const admin = await Client.login(h.base, 'admin@worklane.local', 'admin123');
    const created = await admin.req('POST', '/api/v1/api-keys', { name: 'reporting', scopes: ['reports:read'] });
    expect(created.status).toBe(201);
    expect(created.json.key).toMatch(/^wl_/);
    const stored = await h.db.store.db.selectFrom('api_keys').select('key_hash').where('name', '=', 'reporting').executeTakeFirstOrThrow();
    expect(stored.key_hash).not.toContain(created.json.key);
    const reporting = new Client(h.base, created.json.key);
    expect((await reporting.req('GET', '/api/v1/reports/realtime/queues')).status).toBe(200);
    expect((await reporting.req('POST', '/api/v1/tasks', invoice('nope'))).status).toBe(403);
    expect((await admin.req('DELETE', `/api/v1/api-keys/${created.json.id}`)).status).toBe(204);
    expect((await reporting.req('GET', '/api/v1/reports/realtime/queues')).status).toBe(401);
  });

  it.skipIf(skip)('rejects bad input with problem details naming the field, and changes nothing', async () => {
    const before = await counts(h.db.store);
    const cases: [string, unknown, number, string | null][] = [
      ['malformed JSON', '{"worktype": ', 400, null],
      ['unknown field', { ...invoice('b1'), colour: 'red' }, 400, '/colour'],
      ['wrong type', { ...invoice('b2'), title: 42 }, 400, '/title'],
      ['missing required', { worktype: 'invoice-dispute' }, 400, '/title'],
      ['unknown worktype', { ...invoice('b3'), worktype: 'no-such-type' }, 422, '/worktype'],
      ['bad attribute', invoice('b4', { attributes: { orderId: 'x', department: 'Finance', amount: 'lots' } }), 400, '/attributes/amount'],
      ['unknown queue', invoice('b5', { queue: 'nowhere' }), 422, '/queue'],
      ['bad date', invoice('b6', { dueAt: 'tomorrow' }), 400, '/dueAt'],
    ];
    for (const [name, body, status, pointer] of cases) {
      const res = await crm.req('POST', '/api/v1/tasks', body);
      expect(res.status, name).toBe(status);
      expect(res.headers.get('content-type'), name).toContain('application/problem+json');
      expect(res.json, name).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
      if (pointer) expect(res.json.errors.map((e: { pointer: string }) => e.pointer), name).toContain(pointer);
    }
    expect(await counts(h.db.store)).toEqual(before);
  });

  it.skipIf(skip)('captures idempotently by (source, externalId) and by Idempotency-Key', async () => {
    const first = await crm.req('POST', '/api/v1/tasks', invoice('idem-1', { queue: 'back-office' }));
    expect(first.status).toBe(201);
    const again = await crm.req('POST', '/api/v1/tasks', invoice('idem-1', { queue: 'back-office' }));
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(first.json.id);
    const body = { worktype: 'lead', title: 'Lead without external id', attributes: { value: 500 } };
    const k1 = await crm.req('POST', '/api/v1/tasks', body, { 'idempotency-key': 'abc-123' });
    const k2 = await crm.req('POST', '/api/v1/tasks', body, { 'idempotency-key': 'abc-123' });
    expect([k1.status, k2.status]).toEqual([201, 200]);
    expect(k2.json.id).toBe(k1.json.id);
    // Concurrent duplicates still make one task.
    const racing = await Promise.all(Array.from({ length: 8 }, () => crm.req('POST', '/api/v1/tasks', invoice('race-1', { queue: 'back-office' }))));
    expect(new Set(racing.map((r) => r.json.id)).size).toBe(1);
    expect(racing.filter((r) => r.status === 201)).toHaveLength(1);
    // Clear them away (source systems may cancel) so later tests start with empty queues.
    for (const id of [first.json.id, racing[0]!.json.id]) {
      const c = await crm.req('POST', `/api/v1/tasks/${id}/cancel`, { reason: 'test done' });
      expect(c.json.state).toBe('canceled');
    }
    expect((await crm.req('POST', `/api/v1/tasks/${first.json.id}/cancel`, { reason: 'again' })).status).toBe(409);
  });

  it.skipIf(skip)('classifies by rules: Finance + Gold goes to the finance queue at high priority', async () => {
    const res = await crm.req('POST', '/api/v1/tasks', invoice('rule-1', { attributes: { orderId: 'R1', department: 'Credit', segment: 'Silver' } }));
    expect(res.json).toMatchObject({ queue: 'credit', priority: 50, skills: [{ skill: 'credit' }] });
    expect(res.json.classification.matchedRules).toEqual(['credit-silver']);
    expect(res.json.url).toBe('https://crm.example.com/orders/R1');
  });

  it.skipIf(skip)('pushes a captured task to an available skilled agent over the stream; accept, complete, history', async () => {
    const alice = await Client.login(h.base, 'alice@worklane.local', 'alice123');
    const stream = await alice.stream();
    expect((await alice.req('PUT', '/api/v1/me/presence', { status: 'available' })).json.status).toBe('available');
    const captured = await crm.req('POST', '/api/v1/tasks', invoice('slice-1'));
    expect(captured.status).toBe(201);
    expect(captured.json.queue).toBe('finance');
    const { offer } = await stream.next((m) => m.type === 'offer.created' && m.offer.taskId === captured.json.id);
    expect(offer.task.attributes.orderId).toBe('slice-1');
    expect(offer.reason).toMatch(/primary/);
    const accepted = await alice.req('POST', `/api/v1/offers/${offer.id}/accept`);
    expect(accepted.json.task.state).toBe('assigned');
    expect((await alice.req('POST', `/api/v1/offers/${offer.id}/accept`)).status).toBe(409);
    expect((await alice.req('GET', '/api/v1/me/tasks')).json.items.map((t: { id: string }) => t.id)).toContain(captured.json.id);
    const badCode = await alice.req('POST', `/api/v1/tasks/${captured.json.id}/complete`, { wrapUpCode: 'up-sell' });
    expect(badCode.status).toBe(422);
    expect(badCode.json.errors[0].pointer).toBe('/wrapUpCode');
    const done = await alice.req('POST', `/api/v1/tasks/${captured.json.id}/complete`, { wrapUpCode: 'processed', note: 'refunded' });
    expect(done.json).toMatchObject({ state: 'completed', wrapUpCode: 'processed' });
    const again = await alice.req('POST', `/api/v1/tasks/${captured.json.id}/complete`, { wrapUpCode: 'processed' });
    expect(again.status).toBe(409);
    expect(again.json.state).toBe('completed');
    const explained = (await crm.req('GET', `/api/v1/tasks/${captured.json.id}/explain`)).json;
    expect(explained.classification.matchedRules).toEqual(['finance-gold']);
    expect(explained.offers).toMatchObject([{ name: 'Alice Advisor', state: 'accepted', step: 'primary' }]);
    expect(explained.waiting).toBeNull();
    const viaApi = await crm.req('GET', `/api/v1/tasks/${captured.json.id}`);
    expect(viaApi.json).toMatchObject({ state: 'completed', wrapUpCode: 'processed', assignee: offer.agentId });
    const events = (await crm.req('GET', `/api/v1/tasks/${captured.json.id}/events`)).json.items.map((e: { type: string }) => e.type);
    expect(events).toEqual(['task.created', 'task.queued', 'task.offered', 'task.assigned', 'task.completed']);
    stream.close();
    await alice.req('PUT', '/api/v1/me/presence', { status: 'not-ready', reason: 'lunch' });
  });

  it.skipIf(skip)('a declined or timed-out task goes back at its old place; RONA sets the agent not-ready', async () => {
    const bob = await Client.login(h.base, 'bob@worklane.local', 'bob123');
    const stream = await bob.stream();
    await bob.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const t = (await crm.req('POST', '/api/v1/tasks', { worktype: 'credit-request', source: 'bpm', externalId: 'cr-1', title: 'Raise limit' })).json;
    const first = (await stream.next((m) => m.type === 'offer.created' && m.offer.taskId === t.id)).offer;
    const declined = await bob.req('POST', `/api/v1/offers/${first.id}/decline`, { reason: 'on a call' });
    expect(declined.json.offer.state).toBe('declined');
    const requeued = (await crm.req('GET', `/api/v1/tasks/${t.id}`)).json;
    expect(requeued.state).toBe('queued');
    expect(requeued.enteredQueueAt).toBe(t.enteredQueueAt);
    await h.app.services.dispatcher.idle();
    const bobOffers = (await bob.req('GET', '/api/v1/me/offers')).json.items.map((o: { taskId: string }) => o.taskId);
    expect(bobOffers).not.toContain(t.id); // not re-offered to the decliner
    const why = (await crm.req('GET', `/api/v1/tasks/${t.id}/explain`)).json;
    expect(why.waiting.step.name).toBe('primary');
    expect(why.waiting.agents.find((a: { name: string }) => a.name === 'Bob Banker')).toMatchObject({ eligible: false, why: 'declined or let this task time out recently (others first)' });
    expect(why.waiting.agents.find((a: { name: string }) => a.name === 'Alice Advisor').why).toMatch(/not available|skill credit is 60/);
    expect(why.offers[0]).toMatchObject({ state: 'declined', declineReason: 'on a call' });

    const t2 = (await crm.req('POST', '/api/v1/tasks', { worktype: 'credit-request', source: 'bpm', externalId: 'cr-2', title: 'Raise limit again' })).json;
    const offer2 = (await stream.next((m) => m.type === 'offer.created' && m.offer.taskId === t2.id)).offer;
    await h.app.services.dispatcher.timeout(offer2.id); // what the offer timer calls when it fires
    const presence = await stream.next((m) => m.type === 'presence.changed' && m.presence.status === 'not-ready');
    expect(presence.presence).toMatchObject({ status: 'not-ready', reason: 'rona' });
    expect((await crm.req('GET', `/api/v1/tasks/${t2.id}`)).json.state).toBe('queued');
    const types = (await crm.req('GET', `/api/v1/tasks/${t2.id}/events`)).json.items.map((e: { type: string }) => e.type);
    expect(types).toContain('task.rona');
    stream.close();
  });

  it.skipIf(skip)('exports configuration and re-imports it as unchanged; bad documents are refused with pointers', async () => {
    const admin = await Client.login(h.base, 'admin@worklane.local', 'admin123');
    const doc = (await admin.req('GET', '/api/v1/config/export?format=json')).json;
    expect(JSON.stringify(doc)).not.toMatch(/password|argon2|wl_demo/);
    const dry = await admin.req('POST', '/api/v1/config/import', doc);
    expect(dry.json.applied).toBe(false);
    expect(dry.json.changes.filter((c: { change: string }) => c.change !== 'unchanged')).toEqual([]);
    const bad = await admin.req('POST', '/api/v1/config/import?apply=true', { ...doc, rules: [{ id: 'x', name: 'x', when: 'task.attributes.a ==', set: { queue: 'nowhere' } }] });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/rules/0/when', '/rules/0/set/queue']);
  });

  it.skipIf(skip)('keeps every acknowledged task across a restart and routes it after', async () => {
    const t = (await crm.req('POST', '/api/v1/tasks', { worktype: 'lead', source: 'web', externalId: 'lead-restart', title: 'Big lead', attributes: { value: 50000 } })).json;
    expect(t.priority).toBe(90);
    await h.restart();
    const carol = await Client.login(h.base, 'carol@worklane.local', 'carol123');
    const stream = await carol.stream();
    await carol.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const { offer } = await stream.next((m) => m.type === 'offer.created' && m.offer.taskId === t.id);
    expect(offer.task.title).toBe('Big lead');
    stream.close();
  });
  it.skipIf(skip)('an offer whose deadline passed while the server was down times out once after restart (RONA)', async () => {
    const dave = await Client.login(h.base, 'dave@worklane.local', 'dave123');
    const stream = await dave.stream();
    await dave.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const t = (await crm.req('POST', '/api/v1/tasks', invoice('down-1', { queue: 'back-office', priority: 999 }))).json;
    const { offer } = await stream.next((m) => m.type === 'offer.created' && m.offer.taskId === t.id);
    stream.close();
    await h.restart(async () => {
      await h.db.store.db.updateTable('offers').set({ expires_at: new Date(Date.now() - 60_000) }).where('id', '=', offer.id).execute();
    });
    await expect.poll(async () => (await crm.req('GET', `/api/v1/tasks/${t.id}/events`)).json.items.filter((e: { type: string }) => e.type === 'task.rona').length, { timeout: 5000 }).toBe(1);
    const again = await Client.login(h.base, 'dave@worklane.local', 'dave123');
    expect((await again.req('GET', '/api/v1/me/presence')).json).toMatchObject({ status: 'not-ready', reason: 'rona' });
    const o = await h.db.store.db.selectFrom('offers').select('state').where('id', '=', offer.id).executeTakeFirstOrThrow();
    expect(o.state).toBe('timed-out');
    await crm.req('POST', `/api/v1/tasks/${t.id}/cancel`, { reason: 'test done' });
  });
  it.skipIf(skip)('canceling an offered task rescinds the offer on the agent\'s screen and frees the capacity', async () => {
    const carol = await Client.login(h.base, 'carol@worklane.local', 'carol123');
    const stream = await carol.stream();
    await carol.req('PUT', '/api/v1/me/presence', { status: 'available' });
    await h.app.services.dispatcher.idle();
    const loadOf = () => h.app.services.dispatcher.agentSnapshot().find((a) => a.id === carolId)!.load;
    const carolId = (await carol.req('GET', '/api/v1/me')).json.user.id;
    const before = loadOf();
    const t = (await crm.req('POST', '/api/v1/tasks', { worktype: 'lead', source: 'web', externalId: 'lead-cancel', title: 'Lead to cancel', attributes: { value: 20000 } })).json;
    const { offer } = await stream.next((m) => m.type === 'offer.created' && m.offer.taskId === t.id);
    expect(loadOf()).toBe(before + 1);
    expect((await crm.req('POST', `/api/v1/tasks/${t.id}/cancel`, { reason: 'customer withdrew' })).json.state).toBe('canceled');
    expect(await stream.next((m) => m.type === 'offer.closed' && m.offerId === offer.id)).toMatchObject({ outcome: 'rescinded' });
    expect(loadOf()).toBe(before);
    stream.close();
  });
});

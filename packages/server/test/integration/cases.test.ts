import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, Client, startHarness, type Harness } from './harness.js';

const filesDir = mkdtempSync(join(tmpdir(), 'worklane-files-'));
process.env.WORKLANE_FILES_DIR = filesDir;
process.env.WORKLANE_FORM_BURST = '12';
process.env.WORKLANE_FORM_PER_MINUTE = '1';

// A 1x1 PNG, and a Windows executable's first bytes (type by content, whatever the name says).
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2a5d5f50000000049454e44ae426082', 'hex');
const EXE = Buffer.concat([Buffer.from('4d5a90000300000004000000ffff0000', 'hex'), Buffer.alloc(512, 0)]);

const technical = (extra: Record<string, unknown> = {}) => ({
  email: 'jo@example.com', name: 'Jo Customer', product: 'router', subject: 'Internet drops every evening', description: 'Since Monday the connection drops at 8 pm.', consent: true, ...extra,
});

async function multipart(client: Client, path: string, parts: [string, string | Blob, string?][]) {
  const form = new FormData();
  for (const [name, value, filename] of parts) if (typeof value === 'string') form.append(name, value);
  else form.append(name, value, filename);
  const headers: Record<string, string> = {};
  if (client.cookie) headers.cookie = client.cookie;
  if ((client as unknown as { apiKey?: string }).apiKey) headers.authorization = `Bearer ${(client as unknown as { apiKey: string }).apiKey}`;
  const res = await fetch(client.base + path, { method: 'POST', body: form, headers });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
}

describe.each(BACKENDS)('cases on $backend', ({ backend, skip }) => {
  let h: Harness;
  let admin: Client;
  let sam: Client;
  let api: Client;
  let alice: Client;
  let dave: Client;
  let carol: Client;
  let aliceId: string;
  let daveId: string;
  const anon = () => new Client(h.base);
  const idle = () => h.app.services.dispatcher.idle();
  const caseCount = async () => Number((await h.db.store.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  /** The offer of this case's live task to `who`, accepted. */
  async function takeOffer(who: Client, caseId: string) {
    await idle();
    const c = (await sam.req('GET', `/api/v1/cases/${caseId}`)).json;
    const live = c.tasks.find((t: { state: string }) => t.state !== 'completed' && t.state !== 'canceled');
    const offers = (await who.req('GET', '/api/v1/me/offers')).json.items;
    const offer = offers.find((o: { taskId: string }) => o.taskId === live.taskId);
    expect(offer, `offer of ${live.taskId}`).toBeTruthy();
    expect((await who.req('POST', `/api/v1/offers/${offer.id}/accept`)).status).toBe(200);
    return live.taskId as string;
  }

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    admin = await Client.login(h.base, 'admin@worklane.local', 'admin123');
    sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
    const key = await admin.req('POST', '/api/v1/api-keys', { name: 'case-system', scopes: ['cases:write', 'cases:read'] });
    api = new Client(h.base, key.json.key);
    alice = await Client.login(h.base, 'alice@worklane.local', 'alice123');
    dave = await Client.login(h.base, 'dave@worklane.local', 'dave123');
    carol = await Client.login(h.base, 'carol@worklane.local', 'carol123');
    aliceId = (await alice.req('GET', '/api/v1/me')).json.user.id;
    daveId = (await dave.req('GET', '/api/v1/me')).json.user.id;
  });
  afterAll(async () => {
    await h?.close();
    if (backend === 'postgres' || skip) rmSync(filesDir, { recursive: true, force: true });
  });

  it.skipIf(skip)('API: every field error at once, nothing created; then a case with its customer, SLA and first task', async () => {
    const before = await caseCount();
    const bad = await api.req('POST', '/api/v1/cases', { caseType: 'technical', fields: { email: 'not-an-email', product: 'toaster', serial: 'abc', consent: false, bogus: 1 } });
    expect(bad.status).toBe(400);
    const byPointer = Object.fromEntries(bad.json.errors.map((e: { pointer: string; message: string }) => [e.pointer, e.message]));
    expect(byPointer).toEqual({
      '/fields/email': 'must be an e-mail address',
      '/fields/name': 'is required',
      '/fields/product': '"toaster" is not one of the options',
      '/fields/serial': 'The serial number is 6 to 20 capital letters and digits (on the label under the device)',
      '/fields/subject': 'is required',
      '/fields/description': 'is required',
      '/fields/consent': 'must be checked',
      '/fields/bogus': 'is not a field of this form',
    });
    expect(await caseCount()).toBe(before);
    expect((await api.req('POST', '/api/v1/cases', { caseType: 'nope', fields: {} })).status).toBe(422);

    const r = await api.req('POST', '/api/v1/cases', { caseType: 'technical', fields: technical({ serial: 'AB12345' }) });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json).toMatchObject({ number: expect.stringMatching(/^C-\d{6}$/), status: 'open', caseType: 'technical', title: 'Internet drops every evening', currentStep: 'advisor', source: 'api' });
    expect(r.json.customer).toMatchObject({ email: 'jo@example.com', name: 'Jo Customer' });
    expect(r.json.sla.dueAt).toBeTruthy();
    expect(r.json.tasks).toHaveLength(1);
    expect(r.json.tasks[0]).toMatchObject({ step: 'advisor', queue: 'case-advisors', state: 'queued', ola: { dueAt: expect.any(String) } });
    const task = (await api.req('GET', `/api/v1/cases/${r.json.number}`)).json;
    expect(task.id).toBe(r.json.id);
    // A second case of the same e-mail links the same customer.
    const again = await api.req('POST', '/api/v1/cases', { caseType: 'technical', fields: technical({ email: 'JO@example.com', subject: 'Again' }) });
    expect(again.json.customerId).toBe(r.json.customerId);
    await sam.req('POST', `/api/v1/cases/${again.json.id}/close`, { resolution: 'duplicate' });
    await sam.req('POST', `/api/v1/cases/${r.json.id}/close`, { resolution: 'test done' });
  });

  it.skipIf(skip)('public form: the definition, every error at once with nothing created, then the case number', async () => {
    const form = await anon().req('GET', '/api/v1/public/forms/finance');
    expect(form.status).toBe(200);
    expect(form.json.form.fields.map((f: { name: string }) => f.name)).toContain('invoice');
    expect((await anon().req('GET', '/api/v1/public/forms/missing')).status).toBe(404);
    const before = await caseCount();
    const bad = await anon().req('POST', '/api/v1/public/forms/finance', { fields: { email: 'x@y', invoice: '123', amount: -5, reason: 'other', subject: 'Invoice', description: 'short' } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/fields/amount', '/fields/consent', '/fields/description', '/fields/email', '/fields/invoice', '/fields/name']);
    expect(bad.json.errors.find((e: { pointer: string }) => e.pointer === '/fields/invoice').message).toBe('Invoice numbers look like INV-2024001');
    expect(await caseCount()).toBe(before);
    const ok = await anon().req('POST', '/api/v1/public/forms/finance', {
      fields: { email: 'pat@example.com', name: 'Pat', firstName: 'Pat', customerNumber: 'C123456', invoice: 'INV-2024001', amount: 120, currency: 'EUR', reason: 'double-charge', subject: 'Charged twice', description: 'I was charged twice for March.', consent: true },
    });
    expect(ok.status, JSON.stringify(ok.json)).toBe(201);
    expect(ok.json).toMatchObject({ number: expect.stringMatching(/^C-\d{6}$/), status: 'open' });
    expect(Object.keys(ok.json).sort()).toEqual(['caseType', 'message', 'number', 'status']);
    const c = (await sam.req('GET', `/api/v1/cases/${ok.json.number}`)).json;
    expect(c).toMatchObject({ source: 'form', customer: { email: 'pat@example.com', externalId: 'C123456', firstName: 'Pat' }, tasks: [{ queue: 'finance-cases' }] });
    // An HTML form post (multipart, every value a string) goes through the same validation.
    const html = await multipart(anon(), '/api/v1/public/forms/replacement', [
      ['email', 'lee@example.com'], ['name', 'Lee'], ['orderNumber', 'A-1001'], ['defects', 'broken'], ['defects', 'missing-parts'], ['address', '1 Main St'],
      ['subject', 'Broken lamp'], ['description', 'The lamp arrived broken.'], ['consent', 'on'], ['photos', new Blob([PNG], { type: 'application/octet-stream' }), 'lamp.png'],
    ]);
    expect(html.status, JSON.stringify(html.json)).toBe(201);
    const rc = (await sam.req('GET', `/api/v1/cases/${html.json.number}`)).json;
    expect(rc.fields.defects).toEqual(['broken', 'missing-parts']);
    expect(rc.attachments).toMatchObject([{ name: 'lamp.png', contentType: 'image/png', field: 'photos' }]);
    expect(rc.fields.photos).toEqual([{ attachmentId: rc.attachments[0].id, name: 'lamp.png' }]);
    for (const x of [c, rc]) await sam.req('POST', `/api/v1/cases/${x.id}/close`, { resolution: 'test done' });
  });

  it.skipIf(skip)('the demo procedure: advisor escalates, the expert sends it back to the same advisor, who closes', async () => {
    for (const who of [alice, dave]) await who.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const created = (await api.req('POST', '/api/v1/cases', { caseType: 'technical', fields: technical({ email: 'flow@example.com', subject: 'Flow' }) })).json;
    const first = await takeOffer(alice, created.id);
    expect((await sam.req('GET', `/api/v1/cases/${created.id}`)).json.status).toBe('in-progress');
    expect((await alice.req('POST', `/api/v1/tasks/${first}/complete`, { wrapUpCode: 'escalate' })).status).toBe(200);
    let c = (await sam.req('GET', `/api/v1/cases/${created.id}`)).json;
    expect(c).toMatchObject({ status: 'escalated', currentStep: 'expert', escalationLevel: 1 });
    expect(c.tasks[1]).toMatchObject({ step: 'expert', queue: 'experts', kind: 'escalation', escalationLevel: 1 });

    const second = await takeOffer(dave, created.id);
    expect((await dave.req('POST', `/api/v1/tasks/${second}/complete`, { wrapUpCode: 'send-back' })).status).toBe(200);
    c = (await sam.req('GET', `/api/v1/cases/${created.id}`)).json;
    expect(c).toMatchObject({ status: 'open', currentStep: 'advisor', escalationLevel: 0 });
    expect(c.tasks[1]).toMatchObject({ assignee: daveId, wrapUpCode: 'send-back', state: 'completed' });
    expect(c.tasks[2]).toMatchObject({ step: 'advisor', kind: 'send-back', targetAgent: aliceId, queue: 'case-advisors' });

    const third = await takeOffer(alice, created.id);
    expect((await alice.req('POST', `/api/v1/tasks/${third}/complete`, { wrapUpCode: 'resolved' })).status).toBe(200);
    c = (await sam.req('GET', `/api/v1/cases/${created.id}`)).json;
    expect(c).toMatchObject({ status: 'closed', resolution: 'resolved', closedAt: expect.any(String) });
    expect(c.sla.paused).toBe(true);

    const timeline = (await sam.req('GET', `/api/v1/cases/${created.id}/timeline`)).json.items;
    const caseEvents = timeline.filter((e: { type: string }) => e.type.startsWith('case.')).map((e: { type: string; data: { change?: string } }) => e.type + (e.data.change ? `:${e.data.change}` : ''));
    expect(caseEvents).toEqual(['case.created', 'case.assigned', 'case.escalated', 'case.assigned', 'case.updated:sent-back', 'case.assigned', 'case.closed']);
    expect(timeline.filter((e: { type: string }) => e.type === 'task.completed')).toHaveLength(3);
    expect(timeline.every((e: { id: string }, i: number) => i === 0 || Number(e.id) > Number(timeline[i - 1].id))).toBe(true);
    // Dave worked on it, so he sees it.
    expect((await dave.req('GET', `/api/v1/cases/${created.id}`)).status).toBe(200);
    for (const who of [alice, dave]) await who.req('PUT', '/api/v1/me/presence', { status: 'not-ready', reason: 'lunch' });
  });

  it.skipIf(skip)('open case views hear of their case\'s task moving: offered, accepted (the case in progress), put back in its queue', async () => {
    const live = await sam.stream();
    const created = (await api.req('POST', '/api/v1/cases', { caseType: 'technical', fields: technical({ email: 'live@example.com', subject: 'Live' }) })).json;
    const heard = (m: { type: string; caseIds?: string[] }) => m.type === 'case.changed' && !!m.caseIds?.includes(created.id);
    /** The next notice of this case after whatever was heard so far (notices are coalesced over 200 ms). */
    const nextNotice = async (act: () => Promise<unknown>) => {
      await new Promise((r) => setTimeout(r, 300));
      live.messages.length = 0;
      await act();
      await live.next(heard);
    };
    try {
      await live.next(heard); // created
      await nextNotice(() => alice.req('PUT', '/api/v1/me/presence', { status: 'available' })); // its task offered to Alice
      await nextNotice(() => takeOffer(alice, created.id));
      expect((await sam.req('GET', `/api/v1/cases/${created.id}`)).json.status).toBe('in-progress');
      const taskId = (await sam.req('GET', `/api/v1/cases/${created.id}`)).json.tasks[0].taskId;
      await nextNotice(() => sam.req('POST', `/api/v1/tasks/${taskId}/pull-back`, {}));
      expect((await sam.req('GET', `/api/v1/cases/${created.id}`)).json.status).toBe('open');
    } finally {
      live.close();
      await alice.req('PUT', '/api/v1/me/presence', { status: 'not-ready', reason: 'lunch' });
      await sam.req('POST', `/api/v1/cases/${created.id}/close`, { resolution: 'test done' });
    }
  });

  it.skipIf(skip)('attachments: type by content, attachment disposition, nosniff; 404 for someone who may not see the case', async () => {
    const c = (await api.req('POST', '/api/v1/cases', { caseType: 'finance', fields: { email: 'att@example.com', name: 'Att', invoice: 'INV-1234', reason: 'refund', subject: 'Files', description: 'Attachments test case.', consent: true } })).json;
    const up = await multipart(api, `/api/v1/cases/${c.id}/attachments`, [['attachments', new Blob([PNG]), '../../etc/evil:name.exe'], ['attachments', new Blob(['plain words\n']), 'notes.png']]);
    expect(up.status, JSON.stringify(up.json)).toBe(201);
    expect(up.json.items.map((a: { name: string; contentType: string }) => [a.name, a.contentType])).toEqual([['evil_name.exe', 'image/png'], ['notes.png', 'text/plain']]);
    const exe = await multipart(api, `/api/v1/cases/${c.id}/attachments`, [['attachments', new Blob([EXE]), 'invoice.pdf']]);
    expect(exe.status).toBe(415);
    expect(exe.json.detail).toContain('application/x-msdownload');
    const png = up.json.items[0];
    const res = await fetch(`${h.base}/api/v1/attachments/${png.id}`, { headers: { cookie: sam.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="evil_name.exe"/);
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    // Dave (experts) has nothing to do with this finance case: not found, for the case and its file.
    expect((await dave.req('GET', `/api/v1/cases/${c.id}`)).status).toBe(404);
    expect((await dave.req('GET', `/api/v1/attachments/${png.id}`)).status).toBe(404);
    expect((await dave.req('GET', '/api/v1/cases')).json.items.map((x: { id: string }) => x.id)).not.toContain(c.id);
    // Carol is in the finance advisors' queue: she sees it.
    expect((await carol.req('GET', `/api/v1/attachments/${png.id}`)).status).toBe(200);
    expect((await anon().req('GET', `/api/v1/attachments/${png.id}`)).status).toBe(401);
    await sam.req('POST', `/api/v1/cases/${c.id}/close`, { resolution: 'test done' });
  });

  it.skipIf(skip)('an upload refused half-read (over the file count) does not stall its keep-alive connection', async () => {
    const c = (await api.req('POST', '/api/v1/cases', { caseType: 'finance', fields: { email: 'many@example.com', name: 'Many', invoice: 'INV-4321', reason: 'refund', subject: 'Many files', description: 'Too many files at once.', consent: true } })).json;
    const form = new FormData();
    // Long names make the body larger than the socket reads ahead: the rest stays unread on a refusal.
    for (let i = 0; i < 200; i++) form.append('attachments', new Blob(['%PDF-1.4 hello']), `${'x'.repeat(3000)}.pdf`);
    const payload = new Response(form);
    const body = Buffer.from(await payload.arrayBuffer());
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, data?: Buffer) => new Promise<number>((resolve, reject) => {
      const headers: Record<string, string> = { authorization: `Bearer ${(api as unknown as { apiKey: string }).apiKey}` };
      if (data) Object.assign(headers, { 'content-type': payload.headers.get('content-type')!, 'content-length': String(data.length) });
      const req = http.request(`${h.base}${path}`, { method, agent, headers, timeout: 5_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 5 s`)));
      req.on('error', reject);
      req.end(data);
    });
    try {
      // One socket for all: each request after a refused upload is read from the same connection.
      for (let i = 0; i < 3; i++) {
        expect(await send('POST', `/api/v1/cases/${c.id}/attachments`, body)).toBe(413);
        expect(await send('GET', `/api/v1/cases/${c.id}`)).toBe(200);
      }
    } finally {
      agent.destroy();
    }
    await sam.req('POST', `/api/v1/cases/${c.id}/close`, { resolution: 'test done' });
  });

  it.skipIf(skip)('customers: create, search, their cases; case types are validated on save with where and why', async () => {
    const c = await sam.req('POST', '/api/v1/customers', { name: 'Zed Quigley', email: 'zed@example.com', segment: 'Gold', phone: '+32 2 123 45 67' });
    expect(c.status).toBe(201);
    expect((await sam.req('POST', '/api/v1/customers', { name: 'Other', email: 'ZED@example.com' })).status).toBe(409);
    const found = (await sam.req('GET', '/api/v1/customers?q=quig')).json.items;
    expect(found.map((x: { id: string }) => x.id)).toEqual([c.json.id]);
    expect((await sam.req('GET', '/api/v1/customers?q=zed@ex')).json.items).toHaveLength(1);
    const k = (await api.req('POST', '/api/v1/cases', { caseType: 'technical', fields: technical({ email: 'ignored@example.com' }), customer: { id: c.json.id } })).json;
    expect(k.customerId).toBe(c.json.id);
    const theirs = (await sam.req('GET', `/api/v1/customers/${c.json.id}/cases`)).json.items;
    expect(theirs.map((x: { id: string }) => x.id)).toEqual([k.id]);
    expect((await sam.req('GET', '/api/v1/cases?q=quig')).json.items.map((x: { id: string }) => x.id)).toContain(k.id);
    expect((await sam.req('PATCH', `/api/v1/customers/${c.json.id}`, { segment: 'Silver', notes: 'VIP' })).json).toMatchObject({ segment: 'Silver', notes: 'VIP' });
    // Admin-defined custom profile fields: validated like form fields.
    const defined = await admin.req('PUT', '/api/v1/customer-fields', { fields: [{ name: 'loyalty', label: 'Loyalty number', type: 'text', pattern: 'L[0-9]{5}' }] });
    expect(defined.status, JSON.stringify(defined.json)).toBe(200);
    const badCustom = await sam.req('PATCH', `/api/v1/customers/${c.json.id}`, { custom: { loyalty: 'x', shoe: 42 } });
    expect(badCustom.json.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/custom/loyalty', '/custom/shoe']);
    expect((await sam.req('PATCH', `/api/v1/customers/${c.json.id}`, { custom: { loyalty: 'L12345' } })).json.custom).toEqual({ loyalty: 'L12345' });

    const bad = await admin.req('POST', '/api/v1/case-types', {
      id: 'broken', name: 'Broken',
      form: { fields: [{ name: 'x', label: 'X', type: 'select' }] },
      procedure: { start: 'a', steps: [{ id: 'a', queue: 'no-such-queue', worktype: 'case-advisor', transitions: { resolved: { close: true }, 'send-back': { to: 'a' } } }] },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((e: { pointer: string; message: string }) => `${e.pointer}: ${e.message}`)).toEqual([
      '/form/fields/0/options: needs at least one option',
      '/procedure/steps/0/queue: unknown queue "no-such-queue"',
      '/procedure/steps/0/transitions/send-back: "send-back" is not a wrap-up code of worktype "case-advisor" (it has: resolved, escalate)',
    ]);
    await sam.req('POST', `/api/v1/cases/${k.id}/close`, { resolution: 'test done' });
  });

  it.skipIf(skip)('manual escalation up the ladder only, comments, waiting for the customer, close and reopen to the last advisor', async () => {
    const c = (await api.req('POST', '/api/v1/cases', { caseType: 'replacement', fields: { email: 'rep@example.com', name: 'Rep', orderNumber: 'A-2002', defects: ['broken'], address: '2 Side St', subject: 'Cracked', description: 'The screen is cracked.', consent: true } })).json;
    expect((await sam.req('POST', `/api/v1/cases/${c.id}/comments`, { body: 'Called the customer.' })).status).toBe(201);
    const waiting = await sam.req('PATCH', `/api/v1/cases/${c.id}`, { status: 'waiting-for-customer', fields: { address: '3 Other St' } });
    expect(waiting.json).toMatchObject({ status: 'waiting-for-customer', fields: { address: '3 Other St' }, sla: { paused: true, dueAt: null } });
    expect(waiting.json.tasks[0].ola.dueAt).toBeNull(); // the task's OLA waits with the case
    expect((await sam.req('PATCH', `/api/v1/cases/${c.id}`, { fields: { defects: ['nope'] } })).json.errors[0].pointer).toBe('/fields/defects');
    expect((await sam.req('PATCH', `/api/v1/cases/${c.id}`, { status: 'closed' })).status).toBe(409);
    const up = await sam.req('POST', `/api/v1/cases/${c.id}/escalate`, { reason: 'customer is angry' });
    expect(up.json).toMatchObject({ status: 'escalated', currentStep: 'express', escalationLevel: 1 });
    expect(up.json.tasks.map((t: { state: string; queue: string }) => [t.state, t.queue])).toEqual([['canceled', 'field-service'], ['queued', 'express-delivery']]);
    const top = await sam.req('POST', `/api/v1/cases/${c.id}/escalate`, { reason: 'again' });
    expect(top).toMatchObject({ status: 409, json: { status: 'escalated', detail: 'The case is at the last escalation level' } });
    expect((await sam.req('GET', '/api/v1/cases?status=escalated&caseType=replacement')).json.items.map((x: { id: string }) => x.id)).toContain(c.id);
    const closed = await sam.req('POST', `/api/v1/cases/${c.id}/close`, { resolution: 'replaced', status: 'resolved' });
    expect(closed.json).toMatchObject({ status: 'resolved', resolution: 'replaced' });
    expect(closed.json.tasks.every((t: { state: string }) => t.state === 'canceled')).toBe(true);
    const reopened = await sam.req('POST', `/api/v1/cases/${c.id}/reopen`, { reason: 'still cracked' });
    expect(reopened.json).toMatchObject({ status: 'reopened', resolution: null, currentStep: 'advisor', sla: { paused: false } });
    expect(reopened.json.tasks.at(-1)).toMatchObject({ kind: 'reopen', queue: 'field-service', state: 'queued' });
    const types = (await sam.req('GET', `/api/v1/cases/${c.id}/timeline`)).json.items.map((e: { type: string }) => e.type).filter((t: string) => t.startsWith('case.'));
    expect(types).toEqual(['case.created', 'case.commented', 'case.updated', 'case.escalated', 'case.resolved', 'case.reopened']);
    const page = (await sam.req('GET', '/api/v1/cases?limit=2')).json;
    const next = (await sam.req('GET', `/api/v1/cases?limit=2&cursor=${page.nextCursor}`)).json;
    expect(next.items[0].createdAt <= page.items[1].createdAt).toBe(true);
    expect(next.items.map((x: { id: string }) => x.id)).not.toContain(page.items[1].id);
    await sam.req('POST', `/api/v1/cases/${c.id}/close`, { resolution: 'test done' });
  });

  it.skipIf(skip)('the public form is rate limited per address: 429 with Retry-After', async () => {
    let limited: { status: number; headers: Headers } | undefined;
    for (let i = 0; i < 20 && !limited; i++) {
      const r = await anon().req('POST', '/api/v1/public/forms/technical', { fields: {} });
      if (r.status === 429) limited = r;
      else expect(r.status).toBe(400);
    }
    expect(limited, 'limited within 20 tries').toBeTruthy();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalLink, signToken, serverSecret } from '../../src/portal/token.js';
import { BACKENDS, Client, startHarness, type Harness } from './harness.js';

// A 1×1 PNG: the photos field of the demo's Technical form accepts images only (sniffed from the bytes).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const fields = (email: string, subject: string) => ({
  email,
  name: `Customer ${email.split('@')[0]}`,
  product: 'router',
  subject,
  description: 'The router reboots every ten minutes.',
  consent: true,
});

const tokenOf = (link: string) => decodeURIComponent(new URL(link, 'http://x').searchParams.get('token')!);

describe.each(BACKENDS)('customer portal on $backend', ({ backend, skip }) => {
  let h: Harness;
  let sam: Client;
  /** Two customers: Alma (two cases, one with a photo from the form) and Bert (one case). */
  let almaId: string;
  let bertId: string;
  let almaCase: { id: string; number: string; attachments: { id: string; field: string | null }[] };
  let almaOther: { id: string; number: string };
  let bertCase: { id: string; number: string; attachments: { id: string }[] };

  const create = async (body: Record<string, unknown>) => {
    const r = await sam.req('POST', '/api/v1/cases', body);
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    return r.json;
  };
  /** Multipart with the client's cookie (what a browser's FormData post sends). */
  const multipart = async (c: Client, path: string, form: FormData, headers: Record<string, string> = {}) => {
    const res = await fetch(h.base + path, { method: 'POST', body: form, headers: { ...(c.cookie ? { cookie: c.cookie } : {}), ...headers } });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
  /** A browser that followed the customer's link. */
  const portalAs = async (customerId: string) => {
    const c = new Client(h.base);
    const r = await c.req('POST', '/api/v1/portal/session', { token: tokenOf(await portalLink(h.app.services.db, customerId)) });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.headers.get('set-cookie')).toMatch(/^wl_portal=[^;]+;.*HttpOnly/i);
    expect(r.headers.get('set-cookie')).toMatch(/SameSite=Lax/i);
    expect(r.headers.get('set-cookie')).toMatch(/Path=\/api\/v1\/portal/i);
    return c;
  };

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
    const form = new FormData();
    form.append('data', JSON.stringify({ caseType: 'technical', fields: fields('alma@example.com', 'Router keeps rebooting') }));
    form.append('photos', new Blob([PNG], { type: 'image/png' }), 'router.png');
    const made = await multipart(sam, '/api/v1/cases', form);
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    almaCase = made.json;
    // The 201 shows the case as stored: the customer and files a read gives (not read back to answer).
    const read = (await sam.req('GET', `/api/v1/cases/${made.json.id}`)).json;
    expect(made.json.attachments).toHaveLength(1);
    expect({ customer: made.json.customer, attachments: made.json.attachments }).toEqual({ customer: read.customer, attachments: read.attachments });
    almaId = made.json.customerId;
    almaOther = await create({ caseType: 'technical', fields: fields('alma@example.com', 'TV box has no sound') });
    bertCase = await create({ caseType: 'technical', fields: fields('bert@example.com', 'Modem lights blink red') });
    bertId = (bertCase as unknown as { customerId: string }).customerId;
    expect(almaId).toBeTruthy();
    expect(bertId).toBeTruthy();
    expect(bertId).not.toBe(almaId);
    // Bert sends a file through his own portal; a staff member adds an internal file to Alma's case.
    const bert = await portalAs(bertId);
    const f = new FormData();
    f.append('attachments', new Blob(['serial 1234'], { type: 'text/plain' }), 'serial.txt');
    const up = await multipart(bert, `/api/v1/portal/cases/${bertCase.id}/attachments`, f);
    expect(up.status, JSON.stringify(up.json)).toBe(201);
    const internal = new FormData();
    internal.append('attachments', new Blob(['internal diagnosis'], { type: 'text/plain' }), 'diagnosis.txt');
    expect((await multipart(sam, `/api/v1/cases/${almaCase.id}/attachments`, internal)).status).toBe(201);
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('a customer sees only their own cases, with the fields the case type chooses, and only their own files', async () => {
    const alma = await portalAs(almaId);
    expect((await alma.req('GET', '/api/v1/portal/session')).json.customer).toMatchObject({ id: almaId, email: 'alma@example.com' });
    const list = await alma.req('GET', '/api/v1/portal/cases');
    expect(list.status).toBe(200);
    expect(list.json.items.map((c: { number: string }) => c.number).sort()).toEqual([almaCase.number, almaOther.number].sort());
    const one = list.json.items.find((c: { id: string }) => c.id === almaCase.id);
    // Technical shows [number, status, caseType, sla, subject]: nothing else of the case.
    expect(one).toMatchObject({ number: almaCase.number, status: 'open', caseType: { id: 'technical', name: 'Technical' }, fields: [{ name: 'subject', label: 'Subject', value: 'Router keeps rebooting' }] });
    expect(one.sla.dueAt).toMatch(/^\d{4}-/);
    expect(one.sla.state).toBe('running');
    expect(JSON.stringify(list.json)).not.toContain('alma@example.com'); // form fields not chosen for the portal stay out
    expect(JSON.stringify(list.json)).not.toContain(bertCase.number);

    // Bert's case: 404 by id and by number, like a case that does not exist.
    for (const ref of [bertCase.id, bertCase.number]) {
      expect((await alma.req('GET', `/api/v1/portal/cases/${ref}`)).status).toBe(404);
      expect((await alma.req('POST', `/api/v1/portal/cases/${ref}/comments`, { body: 'hello' })).status).toBe(404);
    }
    const f = new FormData();
    f.append('attachments', new Blob(['x'], { type: 'text/plain' }), 'x.txt');
    expect((await multipart(alma, `/api/v1/portal/cases/${bertCase.id}/attachments`, f)).status).toBe(404);

    // Her case by number: the photo she sent is hers; the staff's internal file is not shown.
    const detail = await alma.req('GET', `/api/v1/portal/cases/${almaCase.number}`);
    expect(detail.status).toBe(200);
    expect(detail.json.attachments.map((a: { name: string }) => a.name)).toEqual(['router.png']);
    expect(detail.json.timeline[0]).toMatchObject({ kind: 'created' });
    const photo = detail.json.attachments[0];
    const got = await fetch(h.base + photo.url, { headers: { cookie: alma.cookie } });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(Buffer.from(await got.arrayBuffer()).equals(PNG)).toBe(true);
    const staffFile = (await sam.req('GET', `/api/v1/cases/${almaCase.id}/attachments`)).json.items.find((a: { name: string }) => a.name === 'diagnosis.txt');
    expect((await alma.req('GET', `/api/v1/portal/attachments/${staffFile.id}`)).status).toBe(404);
    // Bert's file: 404 for Alma, 200 for Bert.
    const bertFile = (await sam.req('GET', `/api/v1/cases/${bertCase.id}/attachments`)).json.items.find((a: { name: string }) => a.name === 'serial.txt');
    expect(bertFile.uploadedBy).toBe(`customer:${bertId}`);
    expect((await alma.req('GET', `/api/v1/portal/attachments/${bertFile.id}`)).status).toBe(404);
    const bert = await portalAs(bertId);
    expect((await bert.req('GET', `/api/v1/portal/attachments/${bertFile.id}`)).status).toBe(200);
    expect((await bert.req('GET', '/api/v1/portal/cases')).json.items.map((c: { id: string }) => c.id)).toEqual([bertCase.id]);
  });

  it.skipIf(skip)('the portal and staff sessions never mix', async () => {
    // No portal cookie: 401; a staff session is no portal session.
    expect((await new Client(h.base).req('GET', '/api/v1/portal/cases')).status).toBe(401);
    expect((await sam.req('GET', '/api/v1/portal/cases')).status).toBe(401);
    // The portal cookie opens nothing of the staff API.
    const alma = await portalAs(almaId);
    expect((await alma.req('GET', '/api/v1/cases')).status).toBe(401);
    expect((await alma.req('GET', `/api/v1/cases/${almaCase.id}`)).status).toBe(401);
    // The link token is not a session cookie, and a session cookie is not a link.
    const link = tokenOf(await portalLink(h.app.services.db, almaId));
    expect((await h.app.app.inject({ method: 'GET', url: '/api/v1/portal/cases', cookies: { wl_portal: link } })).statusCode).toBe(401);
    const session = alma.cookie.split('=').slice(1).join('=');
    expect((await new Client(h.base).req('POST', '/api/v1/portal/session', { token: decodeURIComponent(session) })).status).toBe(401);
    // Signed out: the cookie is cleared.
    const out = await alma.req('DELETE', '/api/v1/portal/session');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^wl_portal=;/);
  });

  it.skipIf(skip)('an altered token and an expired token are refused', async () => {
    const anon = new Client(h.base);
    const good = tokenOf(await portalLink(h.app.services.db, almaId));
    const [body, sig] = good.split('.') as [string, string];
    // Someone rewrites the payload to Bert (or stretches the expiry) and keeps the signature.
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    for (const changed of [{ ...payload, c: bertId }, { ...payload, exp: payload.exp + 365 * 86_400 }]) {
      const forged = `${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${sig}`;
      const r = await anon.req('POST', '/api/v1/portal/session', { token: forged });
      expect(r.status).toBe(401);
      expect(r.json.detail).toMatch(/not valid/);
      expect(r.headers.get('set-cookie')).toBeNull();
    }
    // One flipped character of the signature; no signature; garbage.
    const flipped = `${body}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    for (const token of [flipped, body, `${body}.`, 'x.y', '...']) expect((await anon.req('POST', '/api/v1/portal/session', { token })).status, token).toBe(401);
    // Signed with another secret.
    expect((await anon.req('POST', '/api/v1/portal/session', { token: signToken('another-secret-entirely', 'link', almaId, 60_000) })).status).toBe(401);
    // Expired: issued 8 days ago with the default 7-day life, and one that lasted a second.
    const old = tokenOf(await portalLink(h.app.services.db, almaId, undefined, Date.now() - 8 * 86_400_000));
    const short = tokenOf(await portalLink(h.app.services.db, almaId, 1000, Date.now() - 5000));
    for (const token of [old, short]) {
      const r = await anon.req('POST', '/api/v1/portal/session', { token });
      expect(r.status).toBe(401);
      expect(r.json.detail).toMatch(/expired/);
    }
    // An expired session cookie.
    const stale = signToken(await serverSecret(h.app.services.db), 'session', almaId, 1000, Date.now() - 60_000);
    const r = await h.app.app.inject({ method: 'GET', url: '/api/v1/portal/cases', cookies: { wl_portal: stale } });
    expect(r.statusCode).toBe(401);
    expect(r.json().detail).toMatch(/expired/);
    // The secret survives a restart: a link made before still works after.
    await h.restart();
    expect((await anon.req('POST', '/api/v1/portal/session', { token: good })).status).toBe(200);
  });

  it.skipIf(skip)("a customer's reply resumes a paused SLA clock (and the task's OLA); writes from another site are refused", async () => {
    const alma = await portalAs(almaId);
    const waiting = await sam.req('PATCH', `/api/v1/cases/${almaOther.id}`, { status: 'waiting-for-customer' });
    expect(waiting.status, JSON.stringify(waiting.json)).toBe(200);
    const paused = (await sam.req('GET', `/api/v1/cases/${almaOther.id}/sla`)).json;
    expect(paused.sla.pauses.at(-1).to).toBeNull();
    expect(paused.sla.state).toBe('paused');
    const listed = (await alma.req('GET', `/api/v1/portal/cases/${almaOther.id}`)).json;
    expect(listed).toMatchObject({ status: 'waiting-for-customer', waitingForYou: true, sla: { state: 'paused' } });

    // Another site posting with her cookie: refused, nothing changes.
    const csrf = await alma.req('POST', `/api/v1/portal/cases/${almaOther.id}/comments`, { body: 'forged' }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(csrf.status).toBe(403);
    expect((await sam.req('GET', `/api/v1/cases/${almaOther.id}`)).json.status).toBe('waiting-for-customer');

    await new Promise((r) => setTimeout(r, 50));
    const reply = await alma.req('POST', `/api/v1/portal/cases/${almaOther.id}/comments`, { body: 'The serial number is AB12345.' });
    expect(reply.status, JSON.stringify(reply.json)).toBe(201);
    expect(reply.json.status).toBe('in-progress');
    const after = (await sam.req('GET', `/api/v1/cases/${almaOther.id}/sla`)).json;
    expect(after.status).toBe('in-progress');
    expect(after.sla.state).not.toBe('paused');
    expect(after.sla.pauses.at(-1).to).not.toBeNull();
    expect(after.sla.dueAt).toMatch(/^\d{4}-/);
    // The staff see the customer's comment (visible to the customer) and its events.
    const comments = (await sam.req('GET', `/api/v1/cases/${almaOther.id}/comments`)).json.items;
    expect(comments.at(-1)).toMatchObject({ body: 'The serial number is AB12345.', visibility: 'customer', author: `customer:${almaId}` });
    const types = (await sam.req('GET', `/api/v1/cases/${almaOther.id}/timeline`)).json.items.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['case.commented', 'case.updated']));
    const tasks = await h.app.services.db.selectFrom('case_tasks').select('ola_paused').where('case_id', '=', almaOther.id).execute();
    expect(tasks.every((k) => k.ola_paused.every((p) => p.to !== null))).toBe(true);
    expect(tasks.some((k) => k.ola_paused.length > 0)).toBe(true);
    // Her timeline shows the status moves and her comment.
    const tl = (await alma.req('GET', `/api/v1/portal/cases/${almaOther.id}`)).json.timeline;
    expect(tl.filter((x: { kind: string }) => x.kind === 'status').map((x: { status: string }) => x.status)).toEqual(['waiting-for-customer', 'in-progress']);
    expect(tl.find((x: { kind: string }) => x.kind === 'comment')).toMatchObject({ fromYou: true, author: 'You', body: 'The serial number is AB12345.' });

    // A file counts as a reply too.
    expect((await sam.req('PATCH', `/api/v1/cases/${almaOther.id}`, { status: 'waiting-for-customer' })).status).toBe(200);
    const f = new FormData();
    f.append('attachments', new Blob([PNG], { type: 'image/png' }), 'label.png');
    const up = await multipart(alma, `/api/v1/portal/cases/${almaOther.id}/attachments`, f);
    expect(up.status, JSON.stringify(up.json)).toBe(201);
    expect(up.json).toMatchObject({ status: 'in-progress', items: [{ name: 'label.png', fromYou: true }] });

    // A closed case takes no more replies.
    expect((await sam.req('POST', `/api/v1/cases/${almaOther.id}/close`, { resolution: 'Replaced the router' })).status).toBe(200);
    const late = await alma.req('POST', `/api/v1/portal/cases/${almaOther.id}/comments`, { body: 'Thanks!' });
    expect(late.status).toBe(409);
    expect((await alma.req('GET', `/api/v1/portal/cases/${almaOther.id}`)).json).toMatchObject({ status: 'closed', canReply: false });
  });
});

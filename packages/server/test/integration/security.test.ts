import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApp } from '../../src/index.js';
import { sha256 } from '../../src/auth/crypto.js';
import { portalLink } from '../../src/portal/token.js';
import { trustProxyFrom } from '../../src/security/proxy.js';
import { BACKENDS, Client, DEMO_KEY, counts, startHarness, type Harness } from './harness.js';

describe.each(BACKENDS)('web security on $backend', ({ backend, skip }) => {
  let h: Harness;
  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('refuses cookie-authenticated writes, logins and stream upgrades coming from another site (CSRF)', async () => {
    const sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
    const host = new URL(h.base).host;
    const evil = { origin: 'https://evil.example' };
    const forged = await sam.req('POST', '/api/v1/tasks', { worktype: 'lead', title: 'x', attributes: { value: 1 } }, evil);
    expect(forged.status).toBe(403);
    expect(forged.json.detail).toBe('Cross-site request refused');
    expect((await sam.req('POST', '/api/v1/tasks', { worktype: 'lead', title: 'x', attributes: { value: 1 } }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    // The same page's own requests pass, and so do API keys (no browser attaches those by itself).
    const own = await sam.req('POST', '/api/v1/tasks', { worktype: 'lead', title: 'ok', attributes: { value: 1 } }, { origin: `http://${host}`, 'sec-fetch-site': 'same-origin' });
    expect(own.status).toBe(201);
    expect((await new Client(h.base, DEMO_KEY).req('POST', '/api/v1/tasks', { worktype: 'lead', title: 'key', attributes: { value: 1 } }, evil)).status).toBe(201);
    // Reads stay possible (they change nothing), cross-site logins do not.
    expect((await sam.req('GET', '/api/v1/me', undefined, evil)).status).toBe(200);
    const login = await new Client(h.base).req('POST', '/api/v1/auth/login', { email: 'sam@worklane.local', password: 'sam123' }, evil);
    expect(login.status).toBe(403);
    const ws = new WebSocket(h.base.replace('http', 'ws') + '/api/v1/stream', { headers: { cookie: sam.cookie, origin: 'https://evil.example' } });
    ws.on('error', () => {}); // the refusal also surfaces as an error event
    const refused = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      ws.once('open', () => {
        resolve(101);
        ws.close();
      });
    });
    expect(refused).toBe(403);
  });

  it.skipIf(skip)('locks an account out after 5 wrong passwords, even for the right one, and says when to retry', async () => {
    const c = new Client(h.base);
    for (let i = 0; i < 5; i++) expect((await c.req('POST', '/api/v1/auth/login', { email: 'carol@worklane.local', password: `wrong${i}` })).status).toBe(401);
    const locked = await c.req('POST', '/api/v1/auth/login', { email: 'carol@worklane.local', password: 'carol123' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    // Other accounts are unaffected.
    expect((await c.req('POST', '/api/v1/auth/login', { email: 'bob@worklane.local', password: 'bob123' })).status).toBe(200);
    const events = await h.db.store.db.selectFrom('events').select('type').where('type', '=', 'auth.locked-out').execute();
    expect(events).toHaveLength(1);
  });

  it.skipIf(skip)('answers with a Content-Security-Policy, nosniff and a same-origin referrer policy', async () => {
    const res = await fetch(h.base + '/api/v1/me');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
  });
  it.skipIf(skip)('session cookies: HttpOnly, SameSite, stored hashed; Secure behind TLS only when the proxy is trusted', async () => {
    const login = { email: 'sam@worklane.local', password: 'sam123' };
    const plain = await h.app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: login });
    const cookie = String(plain.headers['set-cookie']);
    expect(cookie).toMatch(/^wl_session=[^;]+;/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/i); // plain HTTP: a Secure cookie would never come back
    const token = decodeURIComponent(cookie.split(';')[0]!.split('=')[1]!);
    const rows = await h.db.store.db.selectFrom('sessions').select('id').execute();
    expect(rows.map((r) => r.id)).toContain(sha256(token));
    expect(rows.map((r) => r.id)).not.toContain(token);
    // A client cannot claim TLS by itself: X-Forwarded-Proto is ignored unless WORKLANE_TRUST_PROXY is set.
    const spoofed = await h.app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: login, headers: { 'x-forwarded-proto': 'https' } });
    expect(String(spoofed.headers['set-cookie'])).not.toMatch(/Secure/i);
    // Behind a trusted TLS proxy both the staff and the portal cookies are Secure.
    expect(trustProxyFrom(undefined)).toBe(false);
    expect(trustProxyFrom('true')).toBe(true);
    expect(trustProxyFrom('127.0.0.1, 10.0.0.0/8')).toEqual(['127.0.0.1', '10.0.0.0/8']);
    const proxied = await buildApp({ db: h.db.store.db, trustProxy: trustProxyFrom('127.0.0.1') });
    try {
      const tls = await proxied.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: login, headers: { 'x-forwarded-proto': 'https' }, remoteAddress: '127.0.0.1' });
      expect(tls.statusCode).toBe(200);
      expect(String(tls.headers['set-cookie'])).toMatch(/; Secure/i);
      const notFromProxy = await proxied.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: login, headers: { 'x-forwarded-proto': 'https' }, remoteAddress: '203.0.113.9' });
      expect(String(notFromProxy.headers['set-cookie'])).not.toMatch(/Secure/i);
      const sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
      const made = await sam.req('POST', '/api/v1/cases', { caseType: 'technical', fields: { email: 'secure@example.com', name: 'Sec Ure', product: 'router', subject: 'Cookies', description: 'Is the portal cookie Secure?', consent: true } });
      expect(made.status, JSON.stringify(made.json)).toBe(201);
      const link = new URL(await portalLink(h.db.store.db, made.json.customerId), 'http://x').searchParams.get('token')!;
      const portal = await proxied.app.inject({ method: 'POST', url: '/api/v1/portal/session', payload: { token: link }, headers: { 'x-forwarded-proto': 'https' }, remoteAddress: '127.0.0.1' });
      expect(portal.statusCode).toBe(200);
      expect(String(portal.headers['set-cookie'])).toMatch(/^wl_portal=[^;]+;.*HttpOnly.*; Secure|^wl_portal=[^;]+;.*Secure.*HttpOnly/i);
    } finally {
      await proxied.app.close();
    }
  });

  it.skipIf(skip)('CSRF: every cookie-authenticated write method and the portal refuse other sites and opaque origins', async () => {
    const admin = await Client.login(h.base, 'admin@worklane.local', 'admin123');
    for (const [method, path, body] of [
      ['PATCH', '/api/v1/skills/technical', { name: 'Hijacked' }],
      ['PUT', '/api/v1/routing-settings', {}],
      ['DELETE', '/api/v1/skills/technical', undefined],
      ['POST', '/api/v1/api-keys', { name: 'stolen', scopes: ['admin'] }],
    ] as const) {
      const variants: Record<string, string>[] = [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'same-site' }];
      for (const headers of variants) {
        const r = await admin.req(method, path, body, headers);
        expect(r.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(403);
      }
    }
    expect((await admin.req('GET', '/api/v1/skills/technical')).json.name).not.toBe('Hijacked');
    expect((await h.db.store.db.selectFrom('api_keys').select('id').where('name', '=', 'stolen').execute())).toEqual([]);
  });

  it.skipIf(skip)('API keys: shown once, stored hashed, never listed or logged, scoped (no escalation), revoked at once', async () => {
    const admin = await Client.login(h.base, 'admin@worklane.local', 'admin123');
    const made = await admin.req('POST', '/api/v1/api-keys', { name: 'once', scopes: ['config:write'] });
    expect(made.status).toBe(201);
    const key: string = made.json.key;
    const list = await admin.req('GET', '/api/v1/api-keys');
    expect(JSON.stringify(list.json)).not.toContain(key);
    expect(JSON.stringify(list.json)).not.toContain(sha256(key));
    const events = await h.db.store.db.selectFrom('events').select('data').where('type', 'like', 'api-key.%').execute();
    expect(JSON.stringify(events)).not.toContain(key);
    expect(JSON.stringify((await admin.req('GET', '/api/v1/config/export?format=json')).json)).not.toContain(key);
    // A key cannot mint a stronger key, nor revoke one.
    const scoped = new Client(h.base, key);
    expect((await scoped.req('POST', '/api/v1/api-keys', { name: 'stronger', scopes: ['admin'] })).status).toBe(403);
    expect((await scoped.req('DELETE', `/api/v1/api-keys/${made.json.id}`)).status).toBe(403);
    expect((await scoped.req('GET', '/api/v1/notification-templates')).status).toBe(200);
    // Revoked: refused from the next request on, even with many in flight at that moment.
    expect((await admin.req('DELETE', `/api/v1/api-keys/${made.json.id}`)).status).toBe(204);
    const after = await Promise.all(Array.from({ length: 5 }, () => scoped.req('GET', '/api/v1/notification-templates')));
    expect(after.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    // A key that is almost right (one character changed) is just as unknown.
    expect((await new Client(h.base, key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A')).req('GET', '/api/v1/notification-templates')).status).toBe(401);
  });

  const HOSTILE_URLS = ['javascript:alert(1)', 'JavaScript://%0Aalert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'vbscript:msgbox(1)', ' javascript:alert(1)', '//evil.example/x', 'ftp://files.example/x'];

  it.skipIf(skip)('task links: only absolute http(s) URLs, at capture and bulk capture; a 400 names the field and nothing is stored', async () => {
    const crm = new Client(h.base, DEMO_KEY);
    const task = (i: number, url: string) => ({ worktype: 'lead', source: 'url-check', externalId: `u-${backend}-${i}`, title: 'Link', attributes: { value: 1 }, url });
    const before = await counts(h.db.store);
    for (const [i, url] of HOSTILE_URLS.entries()) {
      const one = await crm.req('POST', '/api/v1/tasks', task(i, url));
      expect(one.status, url).toBe(400);
      expect(one.json.errors, url).toContainEqual({ pointer: '/url', message: 'must be an absolute http:// or https:// URL', in: 'body' });
      const bulk = await crm.req('POST', '/api/v1/tasks/bulk', { tasks: [task(100 + i, 'https://crm.example.com/ok'), task(200 + i, url)] });
      expect(bulk.status, url).toBe(400);
      expect(bulk.json.errors.map((e: { pointer: string }) => e.pointer), url).toContain('/tasks/1/url');
    }
    expect(await counts(h.db.store)).toEqual(before);
    for (const url of ['https://crm.example.com/orders/A-1?x=1#y', 'HTTP://crm.example.com/a']) {
      const ok = await crm.req('POST', '/api/v1/tasks', task(url.length, url));
      expect(ok.status, JSON.stringify(ok.json)).toBe(201);
      expect(ok.json.url).toBe(url);
    }
  });

  it.skipIf(skip)('worktype URL templates must start with a literal http(s):// (a placeholder cannot choose the scheme)', async () => {
    const admin = await Client.login(h.base, 'admin@worklane.local', 'admin123');
    const before = (await admin.req('GET', '/api/v1/worktypes/lead')).json;
    for (const urlTemplate of [...HOSTILE_URLS, '{{attributes.scheme}}://x/{{externalId}}', '/relative/{{externalId}}']) {
      const patch = await admin.req('PATCH', '/api/v1/worktypes/lead', { urlTemplate });
      expect(patch.status, urlTemplate).toBe(400);
      expect(patch.json.errors, urlTemplate).toContainEqual(expect.objectContaining({ pointer: '/urlTemplate', message: 'must be an absolute http:// or https:// URL' }));
      const made = await admin.req('POST', '/api/v1/worktypes', { id: 'bad-link', name: 'Bad link', defaultQueue: 'sales', urlTemplate });
      expect(made.status, urlTemplate).toBe(400);
      const imported = await admin.req('POST', '/api/v1/config/import?apply=true', { version: 1, worktypes: [{ ...before, urlTemplate }] });
      expect(imported.status, urlTemplate).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(imported.json), urlTemplate).toContain('urlTemplate');
    }
    expect((await admin.req('GET', '/api/v1/worktypes/lead')).json).toEqual(before);
    expect((await admin.req('GET', '/api/v1/worktypes/bad-link')).status).toBe(404);
    const ok = await admin.req('PATCH', '/api/v1/worktypes/lead', { urlTemplate: 'https://crm.example.com/leads/{{externalId}}?src={{source}}' });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    const t = await new Client(h.base, DEMO_KEY).req('POST', '/api/v1/tasks', { worktype: 'lead', source: 'tpl', externalId: `javascript:alert(1)-${backend}`, title: 'From template', attributes: { value: 1 } });
    expect(t.json.url).toBe(`https://crm.example.com/leads/javascript%3Aalert(1)-${backend}?src=tpl`);
    await admin.req('PATCH', '/api/v1/worktypes/lead', { urlTemplate: before.urlTemplate });
  });
});

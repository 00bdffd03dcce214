import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BACKENDS, Client, DEMO_KEY, startHarness, type Harness } from './harness.js';

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
});

// Everything a user typed is shown as text (issue 6, "Hostile input"): markup and `javascript:`
// addresses in every field of a task and of a case, put in through the API, then every screen that
// shows them is opened in Chromium. Nothing may run (no `window.__xss`, no dialog), no element may
// be made from the text (no <img src=x>, no script carrying it), and the text is shown literally.
// A Content-Security-Policy is on every page as a second line of defense.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { signToken } from '../packages/server/src/portal/token.js';
import { launchBrowser } from './browser.js';
import { DEMO_KEY, ROOT, startServerProcess, type ServerProcess } from './server.js';

const SHOTS = join(ROOT, 'test-results');
const SECRET = 'xss-test-secret-0123456789abcdef';

const SCRIPT = '<script>window.__xss=1</script>';
const IMG = '<img src=x onerror="window.__xss=1">';
const JS = 'javascript:window.__xss=1';
const EVIL = `${IMG} ${SCRIPT}`;

describe('user text is shown escaped on every screen', () => {
  let server: ServerProcess;
  let browser: Browser;
  const dialogs: string[] = [];
  let t1: { id: string; title: string };
  let t2: { id: string; title: string };
  let kase: { id: string; number: string; customerId: string };
  let LINK = '';

  const login = async (email: string, password: string) => {
    const res = await fetch(server.base + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    expect(res.status).toBe(200);
    return res.headers.get('set-cookie')!.split(';')[0]!;
  };
  const api = async (auth: Record<string, string>, method: string, path: string, body?: unknown) => {
    const res = await fetch(server.base + '/api/v1' + path, { method, headers: { ...auth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await res.json().catch(() => null);
    expect(res.status, `${method} ${path}: ${JSON.stringify(json)}`).toBeLessThan(300);
    return json;
  };

  /** A page that records dialogs; signs in unless `email` is null. */
  async function open(email: string | null, password = ''): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    if (email) {
      await page.goto(server.base + '/login');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/(agent|supervisor|admin)/);
    }
    return page;
  }

  /** Nothing ran, nothing was made from the text, and `text` is on the page as text. */
  async function clean(page: Page, where: string, ...texts: string[]): Promise<void> {
    for (const text of texts) await page.getByText(text, { exact: false }).first().waitFor({ timeout: 10_000 });
    const state = await page.evaluate(() => ({
      xss: (window as unknown as { __xss?: unknown }).__xss,
      imgs: document.querySelectorAll('img[src="x"], img[onerror]').length,
      scripts: [...document.scripts].filter((s) => (s.textContent ?? '').includes('__xss')).length,
      handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
      jsLinks: [...document.querySelectorAll('a[href], iframe[src]')].filter((e) => /^\s*javascript:/i.test(e.getAttribute('href') ?? e.getAttribute('src') ?? '')).length,
    }));
    expect(state, where).toEqual({ xss: undefined, imgs: 0, scripts: 0, handlers: 0, jsLinks: 0 });
    expect(dialogs, where).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `xss-${where}.png`), fullPage: true });
  }

  beforeAll(async () => {
    server = await startServerProcess({ env: { WORKLANE_SECRET: SECRET } });
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
    const crm = { authorization: `Bearer ${DEMO_KEY}` };
    // The API refuses a javascript: link outright (the web app refuses to follow one too).
    const refused = await fetch(server.base + '/api/v1/tasks', { method: 'POST', headers: { ...crm, 'content-type': 'application/json' }, body: JSON.stringify({ worktype: 'credit-request', title: 'js link', url: JS }) });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain('/url');
    // A real http link whose query carries the markup: framed and linked as given, never parsed.
    LINK = `${server.base}/source-system?q=${encodeURIComponent(EVIL)}&t=${encodeURIComponent(JS)}`;
    // Two tasks in the Back office workbin: one whose worktype frames the source page, one that links it.
    t1 = await api(crm, 'POST', '/tasks', {
      worktype: 'credit-request', source: 'xss', externalId: 'xss-1', queue: 'back-office',
      title: `Framed ${EVIL}`, description: `${SCRIPT} then ${IMG} then ${JS}`, url: LINK,
      attributes: { [IMG]: SCRIPT, note: IMG, link: JS },
    });
    t2 = await api(crm, 'POST', '/tasks', {
      worktype: 'invoice-dispute', source: 'xss', externalId: 'xss-2', queue: 'back-office',
      title: `Linked ${EVIL}`, description: IMG, url: LINK,
      attributes: { orderId: SCRIPT, department: 'Other' },
    });
    const sam = { cookie: await login('sam@worklane.local', 'sam123') };
    kase = await api(sam, 'POST', '/cases', {
      caseType: 'technical',
      fields: { email: 'xss.<img/src=x/onerror=window.__xss=1>@example.com', name: IMG, product: 'router', subject: `Case ${EVIL}`, description: `${SCRIPT} ${IMG} ${JS}`, consent: true },
    });
    await api(sam, 'POST', `/cases/${kase.id}/comments`, { body: `Comment ${EVIL}`, visibility: 'customer' });
    await api(sam, 'POST', `/cases/${kase.id}/comments`, { body: `Internal ${SCRIPT}` });
    await api(sam, 'PATCH', `/customers/${kase.customerId}`, { name: `Customer ${IMG}` });
    const admin = { cookie: await login('admin@worklane.local', 'admin123') };
    await api(admin, 'POST', '/skills', { id: 'xss-skill', name: `Skill ${IMG}` });
  });

  afterAll(async () => {
    await browser?.close();
    if (server) expect(await server.stop()).toBe(0);
  });

  it('pages carry a Content-Security-Policy that allows no inline script', async () => {
    for (const path of ['/', '/agent', '/login', '/portal', '/public/forms/technical']) {
      const res = await fetch(server.base + path);
      expect(res.headers.get('content-type'), path).toMatch(/text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
      expect(csp, path).toContain("object-src 'none'");
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  it('the agent: workbin, task view (title, description, attributes, source link), history, the case', async () => {
    const alice = await open('alice@worklane.local', 'alice123');
    await alice.getByRole('button', { name: /Back office/ }).click();
    const bin = alice.getByRole('region', { name: 'Back office' });
    await bin.getByRole('row', { name: t1.title }).waitFor();
    await clean(alice, 'workbin', t1.title, t2.title);

    await bin.getByRole('button', { name: `Claim ${t1.title}` }).click();
    await alice.getByRole('heading', { name: t1.title }).waitFor();
    await clean(alice, 'task-framed', t1.title, `${SCRIPT} then ${IMG} then ${JS}`, IMG, SCRIPT);
    expect(await alice.getByTitle('Source system page').getAttribute('src'), 'the frame shows the address as given').toBe(LINK);
    await alice.getByRole('region', { name: 'History' }).getByText(/Assigned|Claimed|Created/).first().waitFor();
    await clean(alice, 'task-history', t1.title);

    await alice.getByRole('button', { name: /Back office/ }).click();
    await bin.getByRole('button', { name: `Claim ${t2.title}` }).click();
    await alice.getByRole('heading', { name: t2.title }).waitFor();
    await clean(alice, 'task-linked', t2.title);
    expect(await alice.getByRole('link', { name: 'Open in source system' }).getAttribute('href'), 'the link goes to the address as given').toBe(LINK);
    await alice.getByRole('list', { name: 'My work' }).getByText(t1.title).waitFor();
    await clean(alice, 'my-work', t1.title, t2.title);

    // The case: its work waits in Alice's queue.
    await alice.goto(`${server.base}/cases/${kase.id}`);
    await alice.getByRole('heading', { name: `Case ${EVIL}` }).waitFor();
    await clean(alice, 'case', `Case ${EVIL}`, `${SCRIPT} ${IMG} ${JS}`, `Comment ${EVIL}`, `Internal ${SCRIPT}`, `Customer ${IMG}`);
    await alice.goto(`${server.base}/cases`);
    await clean(alice, 'cases-list', `Case ${EVIL}`);
    await alice.close();
  });

  it('the supervisor and the admin: tables of tasks, agents and configuration', async () => {
    const sam = await open('sam@worklane.local', 'sam123');
    await sam.goto(server.base + '/supervisor');
    await sam.getByRole('row', { name: t1.title }).waitFor({ timeout: 10_000 });
    await clean(sam, 'supervisor', t1.title, t2.title);
    await sam.close();
    const admin = await open('admin@worklane.local', 'admin123');
    await admin.goto(server.base + '/admin');
    await admin.getByText('Skills', { exact: true }).first().click().catch(() => {});
    await clean(admin, 'admin', `Skill ${IMG}`);
    await admin.close();
  });

  it('the customer portal: the list and the case with its comments', async () => {
    const page = await open(null);
    const token = signToken(SECRET, 'link', kase.customerId, 3_600_000);
    await page.goto(`${server.base}/portal?token=${encodeURIComponent(token)}`);
    await page.waitForURL(server.base + '/portal');
    await clean(page, 'portal-list', `Case ${EVIL}`);
    await page.getByRole('link', { name: `Case ${kase.number}` }).click();
    await clean(page, 'portal-case', `Comment ${EVIL}`);
    expect(await page.getByText(`Internal ${SCRIPT}`).count(), 'internal comments stay internal').toBe(0);
    await page.close();
  });
});

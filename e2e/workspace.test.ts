// The agent workspace and the supervisor's work controls in a real browser against a real server:
// push with RONA, pull from a no-cherry-picking workbin, a supervisor's assignment arriving live,
// and wrap-up with history. Screenshots land in test-results/workspace-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { DEMO_KEY, ROOT, startServerProcess, type ServerProcess } from './server.js';

const SHOTS = join(ROOT, 'test-results');

interface Task {
  id: string;
  title: string;
  state: string;
  assignee: string | null;
  wrapUpCode: string | null;
}

describe('agent workspace and supervisor controls in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let alice: Page;
  let bob: Page;
  let sam: Page;
  let assignedTask: Task;

  /** JSON call with the demo API key, or with a session cookie. */
  async function call<T>(method: string, path: string, body?: unknown, cookie?: string): Promise<T> {
    const headers: Record<string, string> = cookie ? { cookie } : { authorization: `Bearer ${DEMO_KEY}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(server.base + '/api/v1' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const capture = (externalId: string, title: string, extra: Record<string, unknown> = {}) =>
    call<Task>('POST', '/tasks', {
      worktype: 'invoice-dispute',
      source: 'crm',
      externalId,
      title,
      attributes: { orderId: externalId, department: 'Other', segment: 'Silver', amount: 75, currency: 'EUR' },
      ...extra,
    });

  /**
   * Test set-up through the admin API: a push queue that gives up on an offer after 5 s, a pull bin
   * limited to the best 3, and invoices whose source page opens embedded.
   */
  async function configure() {
    const login = await fetch(server.base + '/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@worklane.local', password: 'admin123' }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const doc = await call<{ queues: Record<string, unknown>[]; worktypes: Record<string, unknown>[] }>('GET', '/config/export?format=json', undefined, cookie);
    doc.queues = doc.queues.map((q) => (q.id === 'back-office' ? { ...q, distribution: 'pull', claimLimit: 3 } : q));
    doc.worktypes = doc.worktypes.map((w) => (w.id === 'invoice-dispute' ? { ...w, screenPop: 'frame' } : w));
    doc.queues.push({
      id: 'quick',
      name: 'Quick answers',
      members: { teams: ['front-office'] },
      targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 0 }],
      offerTimeoutSeconds: 5,
      distribution: 'push',
    });
    await call('POST', '/config/import?apply=true', doc, cookie);
  }

  async function open(email: string, password: string, home: RegExp, height = 900): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1440, height } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(server.base + '/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(home);
    await page.getByRole('status', { name: 'Live connection: connected' }).waitFor({ timeout: 10_000 });
    return page;
  }

  async function setPresence(page: Page, option: string) {
    await page.getByLabel('Presence').click();
    await page.getByRole('option', { name: option, exact: true }).click();
    await page.getByLabel(new RegExp(`^Current status: ${option.split(' —')[0]}`)).waitFor();
  }

  beforeAll(async () => {
    server = await startServerProcess();
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
    await configure();
    [alice, bob, sam] = await Promise.all([
      open('alice@worklane.local', 'alice123', /\/agent/),
      open('bob@worklane.local', 'bob123', /\/agent/),
      open('sam@worklane.local', 'sam123', /\/supervisor/, 1500),
    ]);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    if (server) expect(await server.stop(), 'graceful shutdown on SIGTERM').toBe(0);
  });

  it('push with RONA: an ignored offer goes to the next agent; the first is set not-ready RONA', async () => {
    await setPresence(alice, 'Available');
    await setPresence(bob, 'Available');
    const task = await capture('RONA-1', 'Quick question about invoice RONA-1', { queue: 'quick' });

    // Alice (billing 90) is the best match and gets it first; she lets it time out.
    const aliceOffer = alice.getByRole('dialog', { name: 'New task offered' });
    await aliceOffer.getByText('Quick question about invoice RONA-1').waitFor({ timeout: 5_000 });
    await aliceOffer.getByText(/Expires in/).waitFor();
    await alice.screenshot({ path: join(SHOTS, 'workspace-offer-countdown.png') });

    const bobOffer = bob.getByRole('dialog', { name: 'New task offered' });
    await bobOffer.getByText('Quick question about invoice RONA-1').waitFor({ timeout: 12_000 });
    await aliceOffer.waitFor({ state: 'hidden', timeout: 5_000 });
    await alice.getByLabel('Current status: Not ready: RONA').waitFor({ timeout: 5_000 });
    await alice.screenshot({ path: join(SHOTS, 'workspace-rona.png') });

    await bobOffer.getByRole('button', { name: 'Accept' }).click();
    await bob.getByRole('heading', { name: 'Quick question about invoice RONA-1' }).waitFor();
    const events = await call<{ items: { type: string }[] }>('GET', `/tasks/${task.id}/events`);
    expect(events.items.map((e) => e.type)).toEqual(expect.arrayContaining(['task.offered', 'task.rona', 'task.assigned']));
  });

  it('pull: claim the next best and a specific task from a no-cherry-picking workbin', async () => {
    for (const [i, p] of [[1, 10], [2, 60], [3, 40], [4, 20], [5, 5]] as const) await capture(`BIN-${i}`, `Back-office check ${i}`, { priority: p });

    await alice.getByRole('button', { name: /Back office/ }).click();
    const bin = alice.getByRole('region', { name: 'Back office' });
    await bin.getByRole('row', { name: 'Back-office check 5' }).waitFor();
    await bin.getByText('No cherry-picking: you can claim one of the best 3 tasks.').waitFor();
    // Best first: priority 60, 40, 20 are claimable; 10 and 5 are locked, and say why.
    const order = await bin.getByRole('row').evaluateAll((rows) => rows.slice(1).map((r) => r.getAttribute('aria-label')));
    expect(order).toEqual(['Back-office check 2', 'Back-office check 3', 'Back-office check 4', 'Back-office check 1', 'Back-office check 5']);
    const locked = bin.getByRole('button', { name: 'Claim Back-office check 1' });
    expect(await locked.getAttribute('aria-disabled')).toBe('true');
    await locked.hover();
    await alice.getByRole('tooltip').getByText(/only the best 3 waiting tasks can be claimed/).waitFor();
    await alice.waitForTimeout(300); // let the tooltip finish fading in for the screenshot
    await alice.screenshot({ path: join(SHOTS, 'workspace-workbin.png') });

    // Sort and filter are server-side; age puts the oldest first.
    await bin.getByText('Age', { exact: true }).click();
    await expect.poll(() => bin.getByRole('row').nth(1).getAttribute('aria-label')).toBe('Back-office check 1');
    await bin.getByLabel('Search').fill('check 4');
    await expect.poll(() => bin.getByRole('row').count()).toBe(2);
    await bin.getByLabel('Search').fill('');

    await alice.getByRole('button', { name: 'Claim next best' }).click();
    await alice.getByRole('heading', { name: 'Back-office check 2' }).waitFor();
    await alice.getByRole('list', { name: 'My work' }).getByText('Back-office check 2').waitFor();

    await alice.getByRole('button', { name: /Back office/ }).click();
    await bin.getByRole('row', { name: 'Back-office check 1' }).waitFor();
    await bin.getByRole('button', { name: 'Claim Back-office check 4' }).click();
    await alice.getByRole('heading', { name: 'Back-office check 4' }).waitFor();
    await alice.getByRole('toolbar', { name: 'Task actions' }).getByRole('button', { name: 'Transfer' }).waitFor();
    await alice.screenshot({ path: join(SHOTS, 'workspace-claimed.png') });

    // Keyboard: P pauses; the reason is required before anything is sent.
    await alice.keyboard.press('p');
    const pause = alice.getByRole('dialog', { name: /Pause/ });
    await pause.getByRole('button', { name: 'Pause task' }).click();
    await pause.getByText('Say what the task waits for').waitFor();
    await pause.getByLabel(/Waiting for/).fill('Signed form from the customer');
    await alice.screenshot({ path: join(SHOTS, 'workspace-pause.png') });
    await pause.getByRole('button', { name: 'Pause task' }).click();
    await pause.waitFor({ state: 'hidden' });
    // Paused work stays in the agent's work (using no capacity) until they resume it.
    await alice.getByText('Signed form from the customer').first().waitFor();
    await alice.getByRole('toolbar', { name: 'Task actions' }).getByRole('button', { name: /Resume/ }).waitFor();
    await alice.getByRole('list', { name: 'My work' }).getByText('Back-office check 4').waitFor();
  });

  it('a supervisor sees an escalation alert live, assigns a waiting task to a person, who sees it arrive live', async () => {
    // Alice escalates her other task (E): the supervisor gets a live alert.
    await alice.getByRole('list', { name: 'My work' }).getByText('Back-office check 2').click();
    await alice.getByRole('heading', { name: 'Back-office check 2' }).waitFor();
    await alice.keyboard.press('e');
    const escalate = alice.getByRole('dialog', { name: /Escalate/ });
    await escalate.getByLabel(/Reason/).fill('Amount above my approval limit');
    await escalate.getByRole('button', { name: 'Escalate' }).click();
    await escalate.waitFor({ state: 'hidden' });
    await sam.getByRole('list', { name: 'Alerts' }).getByText(/Back-office check 2.*escalated: Amount above my approval limit/).waitFor({ timeout: 5_000 });

    await sam.getByRole('row', { name: 'Back-office check 3' }).waitFor();
    await sam.getByRole('button', { name: 'Actions for Back-office check 3' }).click();
    await sam.getByRole('menuitem', { name: 'Assign…' }).click();
    const dialog = sam.getByRole('dialog', { name: /Assign/ });
    await dialog.getByRole('button', { name: 'Assign' }).click();
    await dialog.getByText('Pick the person who gets the task').waitFor(); // checked before any call
    await dialog.getByLabel('Agent').click();
    await sam.getByRole('option', { name: /Bob Banker/ }).click();
    await sam.screenshot({ path: join(SHOTS, 'workspace-assign.png') });
    await dialog.getByRole('button', { name: 'Assign' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await bob.getByRole('list', { name: 'My work' }).getByText('Back-office check 3').waitFor({ timeout: 5_000 });
    await bob.screenshot({ path: join(SHOTS, 'workspace-assigned-live.png') });
    const tasks = await call<{ items: Task[] }>('GET', '/tasks?limit=50');
    assignedTask = tasks.items.find((t) => t.title === 'Back-office check 3')!;
    expect(assignedTask).toMatchObject({ state: 'assigned' });
    await sam.getByRole('row', { name: 'Bob Banker' }).getByText('Busy').waitFor();
    await sam.evaluate(() => window.scrollTo(0, 0));
    await sam.screenshot({ path: join(SHOTS, 'workspace-supervisor.png') });
  });

  it('wrap-up: complete with a wrap-up code; the history shows it', async () => {
    await bob.getByRole('list', { name: 'My work' }).getByText('Back-office check 3').click();
    await bob.getByRole('heading', { name: 'Back-office check 3' }).waitFor();
    // Invoices pop their source page embedded while being worked (worktype screenPop: frame).
    expect(await bob.getByTitle('Source system page').getAttribute('src')).toBe('https://crm.example.com/orders/BIN-3');
    await bob.getByLabel('Wrap-up code').click();
    await bob.getByRole('option', { name: 'Need Follow-Up' }).click();
    await bob.getByLabel('Note (optional)').fill('Customer will call back');
    await bob.getByRole('button', { name: 'Complete task' }).click();
    await bob.getByText('Choose a task from My work').waitFor();

    // Open it again from the URL: state, wrap-up code and history.
    await bob.goto(`${server.base}/agent?task=${assignedTask.id}`);
    await bob.getByLabel('State: Completed').waitFor();
    await bob.getByRole('link', { name: 'Open in source system' }).waitFor();
    const history = bob.getByRole('region', { name: 'History' });
    await history.getByText('Completed', { exact: true }).waitFor();
    await history.getByText(/Wrap-up: Need Follow-Up · Note: Customer will call back/).waitFor();
    await bob.getByRole('region', { name: 'My day' }).getByLabel('Handled').getByText('1').waitFor();
    await bob.screenshot({ path: join(SHOTS, 'workspace-history.png'), fullPage: true });
    expect(await call<Task>('GET', `/tasks/${assignedTask.id}`)).toMatchObject({ state: 'completed', wrapUpCode: 'need-follow-up' });
  });

  it('reschedule, kept for me: the task leaves My work and waits under "Coming back to you"', async () => {
    const me = await alice.evaluate(() => fetch('/api/v1/me').then((r) => r.json()));
    const task = await capture('KEEP-1', 'Call back about invoice KEEP-1', { queue: 'back-office' });
    await call('POST', `/tasks/${task.id}/assign`, { agent: me.user.id });
    await alice.getByRole('list', { name: 'My work' }).getByText('Call back about invoice KEEP-1').click();
    await alice.getByRole('heading', { name: 'Call back about invoice KEEP-1' }).waitFor();
    await alice.getByRole('toolbar', { name: 'Task actions' }).getByRole('button', { name: /Reschedule/ }).click();
    const dialog = alice.getByRole('dialog', { name: /Reschedule/ });
    await dialog.getByRole('button', { name: 'Tomorrow 9:00' }).click();
    await dialog.getByLabel('Bring it back to me, not to the queue').check();
    await dialog.getByLabel('Reason (optional)').fill('Customer is free tomorrow morning');
    await alice.screenshot({ path: join(SHOTS, 'workspace-reschedule-keep.png') });
    await dialog.getByRole('button', { name: 'Reschedule', exact: true }).click();
    const later = alice.getByRole('list', { name: 'Coming back to you' });
    await later.getByText('Call back about invoice KEEP-1').waitFor();
    await later.getByText(/^back /).waitFor();
    expect(await alice.getByRole('list', { name: 'My work' }).getByText('Call back about invoice KEEP-1').count()).toBe(0);
    await alice.screenshot({ path: join(SHOTS, 'workspace-coming-back.png'), fullPage: true });
    expect(await call<Task & { targetAgent: string }>('GET', `/tasks/${task.id}`)).toMatchObject({ state: 'scheduled', targetAgent: me.user.id });
  });
});

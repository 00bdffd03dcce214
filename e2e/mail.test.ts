// Inbound e-mail in a real browser: mail sent over SMTP to the server's intake shows on the admin's
// Inbound e-mail tab with what it became; an unrouted one is retried after the configuration is fixed.
// Screenshot in test-results/mail-inbound.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { Mailbox } from './mailbox.js';
import { ROOT, freePort, startServerProcess, type ServerProcess } from './server.js';

const SHOTS = join(ROOT, 'test-results');

describe('inbound e-mail in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let smtpPort: number;
  let cookie: string;
  const outbox = new Mailbox();

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(server.base + '/api/v1' + path, { method, headers: { cookie, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
    return res.json();
  };

  beforeAll(async () => {
    smtpPort = await freePort();
    await outbox.start();
    server = await startServerProcess({ env: { WORKLANE_INBOUND_SMTP_PORT: String(smtpPort), WORKLANE_SMTP_URL: outbox.url, WORKLANE_NOTIFY_POLL_MS: '200' } });
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
    const login = await fetch(server.base + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@worklane.local', password: 'admin123' }) });
    cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    await admin('POST', '/worktypes', { id: 'support-mail', name: 'Support e-mail', mediaType: 'email', defaultQueue: 'back-office', mailbox: 'support@acme.test' });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await outbox.close();
  });

  it('lists what each message became, and Retry takes an unrouted one once a mailbox takes it', async () => {
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    await smtp.sendMail({ from: 'Jane Doe <jane@customer.test>', to: 'support@acme.test', subject: 'Broken link in my invoice', text: 'The link gives a 404.' });
    await smtp.sendMail({ from: 'Bill <bill@customer.test>', to: 'no-reply@worklane.local', subject: 'Question about billing', text: 'Who do I ask?' });
    smtp.close();

    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await page.goto(server.base + '/login');
    await page.getByLabel('Email').fill('admin@worklane.local');
    await page.getByLabel('Password').fill('admin123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/supervisor/);
    await page.goto(server.base + '/admin?tab=inbound-mail');
    const table = page.getByRole('table', { name: 'Inbound e-mail' });
    const done = table.getByRole('row').filter({ hasText: 'Broken link in my invoice' });
    await done.getByText('Task of support-mail').waitFor({ timeout: 15_000 });
    const unrouted = table.getByRole('row').filter({ hasText: 'Question about billing' });
    await unrouted.getByText('no mailbox for no-reply@worklane.local').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SHOTS, 'mail-inbound.png'), fullPage: true });

    // The administrator decides mail to the notifications' address is new support work too, and retries.
    await admin('PATCH', '/worktypes/support-mail', { mailbox: 'no-reply@worklane.local' });
    await unrouted.getByRole('button', { name: 'Retry Question about billing' }).click();
    await unrouted.getByText('Task of support-mail').waitFor({ timeout: 15_000 });
    const tasks = await admin('GET', '/tasks?worktype=support-mail');
    expect(tasks.items.map((t: { title: string }) => t.title).sort()).toEqual(['Broken link in my invoice', 'Question about billing']);
  });

  it('the agent answers a mail task from the task view; the answer reaches the sender and shows as sent', async () => {
    const tasks = await admin('GET', '/tasks?worktype=support-mail');
    const task = tasks.items.find((t: { title: string }) => t.title === 'Broken link in my invoice');
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const alice = await context.newPage();
    await alice.goto(server.base + '/login');
    await alice.getByLabel('Email').fill('alice@worklane.local');
    await alice.getByLabel('Password').fill('alice123');
    await alice.getByRole('button', { name: 'Sign in' }).click();
    await alice.waitForURL(/\/agent/);
    const me = await alice.evaluate(() => fetch('/api/v1/me').then((r) => r.json()));
    await admin('POST', `/tasks/${task.id}/assign`, { agent: me.user.id });
    await alice.goto(`${server.base}/agent?task=${task.id}`);
    const panel = alice.getByRole('region', { name: 'Reply by e-mail' });
    await panel.getByLabel('To jane@customer.test').fill('Thanks Jane, the link is fixed now.');
    await panel.getByLabel('To jane@customer.test').press('Control+Enter');
    const sent = await outbox.waitFor('jane@customer.test', /^Re: Broken link in my invoice$/);
    expect(sent.text?.trim()).toBe('Thanks Jane, the link is fixed now.');
    await panel.getByLabel('Replies sent').getByText('Sent', { exact: true }).waitFor({ timeout: 15_000 });
    await alice.getByRole('region', { name: 'History' }).getByText('Answered by e-mail').waitFor();
    await alice.screenshot({ path: join(SHOTS, 'mail-reply.png'), fullPage: true });
    await context.close();
  });
});

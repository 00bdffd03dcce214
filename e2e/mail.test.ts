// Inbound e-mail in a real browser: mail sent over SMTP to the server's intake shows on the admin's
// Inbound e-mail tab with what it became; an unrouted one is retried after the configuration is fixed.
// Screenshot in test-results/mail-inbound.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { ROOT, freePort, startServerProcess, type ServerProcess } from './server.js';

const SHOTS = join(ROOT, 'test-results');

describe('inbound e-mail in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let smtpPort: number;
  let cookie: string;

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(server.base + '/api/v1' + path, { method, headers: { cookie, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
    return res.json();
  };

  beforeAll(async () => {
    smtpPort = await freePort();
    server = await startServerProcess({ env: { WORKLANE_INBOUND_SMTP_PORT: String(smtpPort) } });
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
    const login = await fetch(server.base + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@worklane.local', password: 'admin123' }) });
    cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    await admin('POST', '/worktypes', { id: 'support-mail', name: 'Support e-mail', mediaType: 'email', defaultQueue: 'back-office', mailbox: 'support@acme.test' });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
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
});

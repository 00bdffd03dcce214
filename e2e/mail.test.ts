// Digital channels in a real browser. Inbound e-mail: mail sent over SMTP to the server's intake
// shows on the admin's Inbound e-mail tab with what it became; an unrouted one is retried after the
// configuration is fixed; the agent answers from the task view. Web chat: a visitor on /chat talks
// with the agent who accepts it, and gets the transcript by e-mail (the same real SMTP capture).
// Callback: a visitor asks on /callback, the agent calls and records that nobody answered.
// Screenshots in test-results/mail-*.png, chat-*.png and callback-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { goAvailable, launchBrowser, signIn } from './browser.js';
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
    await signIn(page, server.base, 'admin@worklane.local', 'admin123', /\/supervisor/);
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
    await signIn(alice, server.base, 'alice@worklane.local', 'alice123', /\/agent/);
    const me = await alice.evaluate(() => fetch('/api/v1/me').then((r) => r.json()));
    await admin('POST', `/tasks/${task.id}/assign`, { agent: me.user.id });
    await alice.goto(`${server.base}/agent?task=${task.id}`);
    const panel = alice.getByRole('region', { name: 'Reply by e-mail' });
    await panel.getByLabel('To jane@customer.test').fill('Thanks Jane, the link is fixed now.');
    await panel.getByLabel('To jane@customer.test').press('Control+Enter');
    const sent = await outbox.waitFor('jane@customer.test', /^Re: Broken link in my invoice$/);
    expect(sent.text?.trim()).toBe('Thanks Jane, the link is fixed now.');
    await panel.getByLabel('Conversation by e-mail').getByText('Sent', { exact: true }).waitFor({ timeout: 15_000 });
    await alice.getByRole('region', { name: 'History' }).getByText('Answered by e-mail').waitFor();
    await alice.screenshot({ path: join(SHOTS, 'mail-reply.png'), fullPage: true });
    await context.close();
  });

  it('web chat: the visitor waits, the agent accepts and answers with a standard response, both see each line live; the transcript arrives by e-mail', async () => {
    // The mail still waiting from above would be offered to Alice first: out of the way.
    for (const t of (await admin('GET', '/tasks?worktype=support-mail&state=open')).items as { id: string; state: string }[])
      if (t.state === 'queued' || t.state === 'offered') await admin('POST', `/tasks/${t.id}/cancel`, { reason: 'not part of the chat test' });
    const staff = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const alice: Page = await staff.newPage();
    await signIn(alice, server.base, 'alice@worklane.local', 'alice123', /\/agent/);
    await goAvailable(alice);

    const visitor = await (await browser.newContext({ viewport: { width: 800, height: 900 } })).newPage();
    await visitor.goto(server.base + '/chat');
    const form = visitor.getByRole('form', { name: 'Start a chat' });
    await form.getByRole('button', { name: 'Start chat' }).click();
    await form.getByText('Tell us your name').waitFor(); // nothing sent without a name
    await form.getByLabel('Your name').fill('Jane Doe');
    await form.getByLabel('E-mail').fill('jane@customer.test');
    await form.getByLabel('How can we help?').fill('Where is my refund for order 42?');
    await form.getByRole('button', { name: 'Start chat' }).click();
    await visitor.getByRole('heading', { name: 'Chat about Orders and billing' }).waitFor();

    const offer = alice.getByRole('dialog', { name: 'New task offered' });
    await offer.getByText('Chat with Jane Doe').waitFor({ timeout: 10_000 });
    await offer.getByRole('button', { name: 'Accept' }).click();
    const panel = alice.getByRole('region', { name: 'Chat with Jane Doe' });
    await panel.getByText('Where is my refund for order 42?').waitFor();
    await visitor.getByText('You are chatting with Alice Advisor').waitFor({ timeout: 10_000 });

    // A standard response, found by typing, names filled in, sent with Enter.
    await panel.getByRole('button', { name: 'Responses' }).click();
    await alice.getByLabel('Search standard responses').fill('greet');
    await alice.getByLabel('Standard responses').getByText('Greeting').waitFor();
    await alice.getByLabel('Search standard responses').press('Enter');
    const answer = panel.getByLabel('Your answer');
    expect(await answer.inputValue()).toBe('Hello Jane, this is Alice. How can I help you today?');
    await answer.press('Enter');
    await visitor.getByRole('log', { name: 'Conversation' }).getByText('Hello Jane, this is Alice. How can I help you today?').waitFor();

    await visitor.getByLabel('Your message').fill('It was due last week.');
    await visitor.getByLabel('Your message').press('Enter');
    await panel.getByRole('log', { name: 'Conversation' }).getByText('It was due last week.').waitFor();
    await answer.fill('Let me check');
    await visitor.getByText('Alice Advisor is typing…').waitFor();

    // Sam, who supervises the front office, watches the conversation from the supervisor page.
    const sam = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    await signIn(sam, server.base, 'sam@worklane.local', 'sam123', /\/supervisor/);
    await sam.getByRole('button', { name: 'Actions for Chat with Jane Doe' }).click();
    await sam.getByRole('menuitem', { name: 'Watch the conversation' }).click();
    const watching = sam.getByRole('dialog', { name: 'Conversation: Chat with Jane Doe' });
    await watching.getByRole('log', { name: 'Conversation' }).getByText('It was due last week.').waitFor();
    await watching.getByText('Talking', { exact: true }).waitFor();
    await sam.screenshot({ path: join(SHOTS, 'chat-supervisor.png') });
    await sam.context().close();
    await visitor.screenshot({ path: join(SHOTS, 'chat-visitor.png'), fullPage: true });
    await alice.screenshot({ path: join(SHOTS, 'chat-agent.png'), fullPage: true });

    // The visitor leaves; the agent sees it is over; the transcript goes out by e-mail.
    await visitor.getByRole('button', { name: 'End chat' }).click();
    await visitor.getByText('You left the chat.', { exact: true }).waitFor();
    await panel.getByText('Ended', { exact: true }).waitFor();
    const rating = visitor.getByRole('form', { name: 'Rate this chat' });
    await rating.getByRole('radio', { name: '5: Very happy' }).click();
    await rating.getByLabel('Comment (optional)').fill('Very helpful');
    await visitor.screenshot({ path: join(SHOTS, 'chat-visitor-ended.png'), fullPage: true });
    await rating.getByRole('button', { name: 'Send rating' }).click();
    await visitor.getByText('Thank you for your rating (5 of 5).').waitFor();
    await visitor.getByRole('button', { name: 'E-mail me the transcript' }).click();
    await visitor.getByText('The transcript is on its way to jane@customer.test.').waitFor();
    const mail = await outbox.waitFor('jane@customer.test', /^Your chat about Orders and billing$/);
    expect(mail.text).toContain('Alice Advisor: Hello Jane, this is Alice.');
    expect(mail.text).toContain('Jane Doe: It was due last week.');
    await staff.close();
  });

  it('callback: the visitor asks for a call (now, or a slot in office hours); the agent calls, nobody answers, it comes back later', async () => {
    // A topic without a calendar, so "as soon as possible" is offered whenever this runs.
    await admin('POST', '/worktypes', { id: 'quick-callback', name: 'Quick callback', mediaType: 'callback', defaultQueue: 'callbacks', callback: { maxAttempts: 2, retryMinutes: 30 } });
    const visitor = await (await browser.newContext({ viewport: { width: 800, height: 1000 } })).newPage();
    await visitor.goto(server.base + '/callback');
    const form = visitor.getByRole('form', { name: 'Ask for a callback' });
    // The demo's topic follows office hours: slots to pick from, by day.
    await form.getByRole('combobox', { name: 'About' }).click();
    await visitor.getByRole('option', { name: 'Call me back' }).click();
    await form.getByLabel('At a time I choose').check();
    await form.getByLabel('Time').getByRole('radio').first().waitFor({ state: 'attached' });
    await visitor.screenshot({ path: join(SHOTS, 'callback-form.png'), fullPage: true });
    await form.getByRole('combobox', { name: 'About' }).click();
    await visitor.getByRole('option', { name: 'Quick callback' }).click();
    await form.getByLabel('As soon as possible').check();
    await form.getByLabel('Your name').fill('Jane Doe');
    await form.getByLabel('Phone number').fill('not a number');
    await form.getByRole('button', { name: 'Call me back' }).click();
    await form.getByText('is not a phone number we can call', { exact: false }).waitFor();
    await form.getByLabel('Phone number').fill('+32 2 555 12 34');
    await form.getByRole('button', { name: 'Call me back' }).click();
    await visitor.getByRole('heading', { name: 'We will call you' }).waitFor();
    await visitor.getByText('+3225551234').waitFor();
    // Changed her mind: withdrawn; then she asks again, and keeps this one.
    await visitor.getByRole('button', { name: 'Cancel this callback' }).click();
    await visitor.getByRole('heading', { name: 'Callback canceled' }).waitFor();
    await visitor.getByRole('button', { name: 'Ask for a call' }).click();
    await form.getByRole('combobox', { name: 'About' }).click();
    await visitor.getByRole('option', { name: 'Quick callback' }).click();
    await form.getByLabel('As soon as possible').check();
    await form.getByLabel('Your name').fill('Jane Doe');
    await form.getByLabel('Phone number').fill('+32 2 555 12 34');
    await form.getByRole('button', { name: 'Call me back' }).click();
    await visitor.getByRole('heading', { name: 'We will call you' }).waitFor();

    const staff = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const alice = await staff.newPage();
    await signIn(alice, server.base, 'alice@worklane.local', 'alice123', /\/agent/);
    const status = alice.getByLabel(/^Current status: /);
    if (!/Available/.test((await status.getAttribute('aria-label')) ?? '')) {
      await alice.getByLabel('Presence').click();
      await alice.getByRole('option', { name: 'Available', exact: true }).click();
    }
    const offer = alice.getByRole('dialog', { name: 'New task offered' });
    await offer.getByText('Call back Jane Doe').waitFor({ timeout: 15_000 });
    await offer.getByRole('button', { name: 'Accept' }).click();
    const panel = alice.getByRole('region', { name: 'Call back Jane Doe' });
    await panel.getByRole('link', { name: 'Call +3225551234' }).waitFor();
    expect(await panel.getByRole('link', { name: 'Call +3225551234' }).getAttribute('href')).toBe('tel:+3225551234');
    await alice.screenshot({ path: join(SHOTS, 'callback-agent.png'), fullPage: true });
    await panel.getByLabel('Note (optional)').fill('voicemail');
    await panel.getByRole('button', { name: 'No answer' }).click();
    await alice.getByText('No task selected').waitFor();
    const tasks = (await admin('GET', '/tasks?worktype=quick-callback')).items as { id: string; state: string; title: string }[];
    expect(tasks.map((t) => t.state).sort()).toEqual(['canceled', 'scheduled']);
    const called = tasks.find((t) => t.state === 'scheduled')!;
    expect(called.title).toBe('Call back Jane Doe');
    const events = await admin('GET', `/tasks/${called.id}/events`);
    expect(events.items.map((e: { type: string }) => e.type)).toContain('callback.attempted');
    await staff.close();
  });

  it('the website widget: a button on another site opens the chat in a panel, while chat is open', async () => {
    // The organization's website, on another origin, with the one-line snippet.
    const site = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><title>Acme</title><h1>Acme shop</h1><script src="${server.base}/widget.js" data-page="chat" async></script>`);
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    const siteUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}/`;
    // Somebody of the chat queue is signed in (Bob, over the API): the button shows.
    const bob = await fetch(server.base + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bob@worklane.local', password: 'bob123' }) });
    const bobCookie = bob.headers.get('set-cookie')!.split(';')[0]!;
    await fetch(server.base + '/api/v1/me/presence', { method: 'PUT', headers: { cookie: bobCookie, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'available' }) });

    const page = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    await page.goto(siteUrl);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    const frame = page.frameLocator('iframe[title="Chat with us"]');
    await frame.getByRole('form', { name: 'Start a chat' }).getByLabel('Your name').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(SHOTS, 'chat-widget.png') });
    await page.keyboard.press('Escape');
    await page.locator('iframe').waitFor({ state: 'detached' });
    site.close();
  });

  it('chat bot: the shop assistant answers at once, and hands the visitor to an advisor when asked', async () => {
    const visitor = await (await browser.newContext({ viewport: { width: 800, height: 900 } })).newPage();
    await visitor.goto(server.base + '/chat');
    const form = visitor.getByRole('form', { name: 'Start a chat' });
    await form.getByLabel('About').first().click();
    await visitor.getByRole('option', { name: 'Shop assistant' }).click();
    await form.getByLabel('Your name').fill('Tom Visitor');
    await form.getByLabel('How can we help?').fill('Where is my order?');
    await form.getByRole('button', { name: 'Start chat' }).click();
    await visitor.getByRole('heading', { name: 'Chat about Shop assistant' }).waitFor();
    const log = visitor.getByRole('log', { name: 'Conversation' });
    await log.getByText('Orders leave our warehouse within one working day', { exact: false }).waitFor();
    await log.locator('[data-sender="bot"]').getByText(/^Ava ·/).first().waitFor();
    await visitor.getByLabel('Your message').fill('and a refund?');
    await visitor.getByLabel('Your message').press('Enter');
    await log.getByText('Refunds reach your account within five working days', { exact: false }).waitFor();
    await visitor.screenshot({ path: join(SHOTS, 'chat-bot.png'), fullPage: true });
    // Bob of the chat queue is signed in (over the API): the bot hands Tom over.
    const bob = await fetch(server.base + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bob@worklane.local', password: 'bob123' }) });
    await fetch(server.base + '/api/v1/me/presence', { method: 'PUT', headers: { cookie: bob.headers.get('set-cookie')!.split(';')[0]!, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'available' }) });
    await visitor.getByRole('button', { name: 'Talk to an advisor' }).click();
    await visitor.getByRole('status').getByText(/Waiting for an advisor|You are chatting with/).waitFor();
    await visitor.getByRole('button', { name: 'End chat' }).click();
    await visitor.getByText('You left the chat.').waitFor();
  });
});

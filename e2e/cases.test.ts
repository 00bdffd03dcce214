import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { Mailbox } from './mailbox.js';
import { ROOT, startServerProcess, type ServerProcess } from './server.js';

const SHOTS = join(ROOT, 'test-results');
/** Full-page screenshots from the top (the staff shell's header is fixed). */
async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `cases-${name}.png`), fullPage: true });
}

// A 1×1 PNG (the Technical form's Photos accept images, checked by the server from the bytes).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAAABJRU5ErkJggg==', 'base64');
const CUSTOMER = 'eve.customer@example.com';

async function signIn(ctx: BrowserContext, base: string, email: string, password: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(base + '/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/(agent|supervisor)/);
  return page;
}

async function available(page: Page): Promise<void> {
  await page.getByRole('status', { name: 'Live connection: connected' }).waitFor({ timeout: 10_000 });
  await page.getByLabel('Presence').click();
  await page.getByRole('option', { name: 'Available', exact: true }).click();
}

/** Accepts the offer that pops up (pushed to this agent) and opens the task's case in the workspace. */
async function acceptAndOpenCase(page: Page, number: string): Promise<void> {
  const offer = page.getByRole('dialog', { name: 'New task offered' });
  await offer.waitFor({ timeout: 15_000 });
  await expect.poll(() => offer.getByText(number).count()).toBeGreaterThan(0);
  await offer.getByRole('button', { name: 'Accept' }).click();
  await offer.waitFor({ state: 'hidden' });
  // The task's customer, with their cases (this one among them).
  const customer = page.getByRole('region', { name: 'Customer' });
  await customer.getByText('Eve Customer').waitFor();
  await customer.getByRole('link', { name: number }).waitFor();
  await page.getByRole('link', { name: `Open case ${number}` }).click();
  await page.getByRole('heading', { name: 'Router reboots every night' }).waitFor();
}

const caseStatus = (page: Page, label: string) => page.getByLabel(`Case status: ${label}`).waitFor({ timeout: 10_000 });

describe('cases end to end: public form, e-mail, portal, advisor, expert', () => {
  let server: ServerProcess;
  let mail: Mailbox;
  let browser: Browser;
  const api = async (path: string, init: RequestInit = {}) => {
    // Sam (supervisor) sees every case: the test's view behind the screens.
    const login = await fetch(server.base + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'sam@worklane.local', password: 'sam123' }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const res = await fetch(server.base + '/api/v1' + path, { ...init, headers: { cookie, 'content-type': 'application/json', ...(init.headers ?? {}) } });
    return res.json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    mail = new Mailbox();
    await mail.start();
    server = await startServerProcess({ env: { WORKLANE_SMTP_URL: mail.url, WORKLANE_NOTIFY_POLL_MS: '200' } });
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    if (server) {
      const code = await server.stop();
      expect(code, 'graceful shutdown on SIGTERM').toBe(0);
    }
    await mail?.close();
  });

  it('a customer submits the public form, follows the e-mailed portal link; the advisor escalates, the expert sends back, the advisor closes; the customer is told', async () => {
    // ——— The customer: the public form, with mistakes ———
    const customerCtx = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const customer = await customerCtx.newPage();
    await customer.goto(server.base + '/public/forms/technical');
    await customer.getByRole('heading', { name: 'Technical' }).waitFor();
    await customer.getByRole('textbox', { name: 'E-mail', exact: true }).fill(CUSTOMER);
    await customer.getByRole('textbox', { name: 'Name', exact: true }).fill('Eve Customer');
    await customer.getByLabel('Product').click();
    await customer.getByRole('option', { name: 'Router' }).click();
    await customer.getByRole('textbox', { name: 'Serial number' }).fill('abc'); // not 6-20 capitals and digits
    await customer.getByRole('textbox', { name: 'Subject' }).fill('Router reboots every night');
    await customer.getByRole('textbox', { name: 'What happened?' }).fill('Every night at 2:00 the router reboots and the TV stops.');
    // The consent box stays unchecked.
    await customer.getByRole('button', { name: 'Submit' }).click();
    // Every mistake at once, next to its field; nothing is sent.
    await customer.getByText('The serial number is 6 to 20 capital letters and digits').waitFor();
    await customer.getByText('must be checked').waitFor();
    await customer.getByText('2 fields need your attention.').waitFor();
    expect(await customer.getByRole('textbox', { name: 'Serial number' }).getAttribute('aria-invalid')).toBe('true');
    expect(await customer.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('serial'); // the first mistake has the focus
    await shot(customer, 'form-errors');

    // Corrected, but the "photo" is not a picture: the browser cannot tell, the server (by its bytes) can.
    await customer.getByRole('textbox', { name: 'Serial number' }).fill('RT2024X99');
    await customer.getByRole('checkbox', { name: /I agree that my data is used/ }).check();
    await customer.locator('input[type=file][name="photos"]').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('this is not a picture') });
    await customer.getByRole('button', { name: 'Submit' }).click();
    await customer.getByText('"photo.png" is text/plain; accepted: image/*').waitFor();
    await expect.poll(() => customer.getByText('The serial number is 6 to 20').count()).toBe(0);
    await shot(customer, 'form-server-error');
    expect((await api('/cases')).items).toHaveLength(0); // bad submissions create nothing

    await customer.locator('input[type=file][name="photos"]').setInputFiles({ name: 'router.png', mimeType: 'image/png', buffer: PNG });
    await customer.getByRole('button', { name: 'Submit' }).click();
    await customer.getByRole('heading', { name: 'Request received' }).waitFor();
    const number = (await customer.getByTestId('case-number').textContent())!.trim();
    expect(number).toMatch(/^C-\d{6}$/);
    await shot(customer, 'confirmation');
    const created = (await api('/cases')).items;
    expect(created).toHaveLength(1);
    const caseId: string = created[0].id;

    // ——— The confirmation e-mail, read from the real SMTP server, and its portal link ———
    const confirmation = await mail.waitFor(CUSTOMER, new RegExp(`We received your request ${number}`));
    const link = /https?:\/\/\S+\/portal\?token=[\w.%-]+/.exec(confirmation.text ?? '')?.[0];
    expect(link, confirmation.text).toBeTruthy();
    expect(link!.startsWith(server.base + '/portal?token=')).toBe(true);
    await customer.goto(link!);
    await customer.waitForURL(server.base + '/portal'); // the token leaves the address bar
    const card = customer.getByRole('listitem', { name: `Case ${number}` });
    await card.waitFor();
    await card.getByText('Open', { exact: true }).waitFor();
    await card.getByText('Router reboots every night').waitFor(); // the Subject, chosen for the portal
    await card.getByText('Answer due').waitFor();
    await shot(customer, 'portal-list');
    await card.getByRole('link', { name: `Case ${number}` }).click();
    await customer.getByRole('heading', { name: `Case ${number}` }).waitFor();
    await customer.getByRole('link', { name: 'router.png' }).waitFor();
    await shot(customer, 'portal-case');

    // ——— The advisor (Alice) gets the case's task pushed, waits for the customer ———
    const aliceCtx = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const alice = await signIn(aliceCtx, server.base, 'alice@worklane.local', 'alice123');
    await available(alice);
    await acceptAndOpenCase(alice, number);
    await caseStatus(alice, 'In progress');
    await alice.getByRole('progressbar', { name: /^SLA: \d+ % used$/ }).waitFor({ state: 'attached' }); // 0 % is a bar of no width
    await alice.getByRole('toolbar', { name: 'Case actions' }).getByRole('button', { name: 'Wait for customer' }).click();
    await caseStatus(alice, 'Waiting for customer');
    await expect.poll(async () => (await api(`/cases/${caseId}/sla`)).sla.state).toBe('paused');

    // The customer answers on the portal: the case goes back to work, the clock resumes, the advisor sees it live.
    await customer.reload();
    await customer.getByText('We are waiting for your answer').first().waitFor();
    await customer.getByLabel('Your message').fill('It also happens when the TV box is off.');
    await customer.getByRole('button', { name: 'Send' }).click();
    await customer.getByLabel('Status: In progress').waitFor();
    await customer.getByText('It also happens when the TV box is off.').waitFor();
    await caseStatus(alice, 'In progress');
    await alice.getByRole('list', { name: 'Comments' }).getByText('It also happens when the TV box is off.').waitFor();
    expect((await api(`/cases/${caseId}/sla`)).sla.state).not.toBe('paused');
    // What the customer was sent is on the case: the confirmation e-mail, to them, sent.
    const messages = alice.getByRole('region', { name: 'Messages' });
    await messages.getByText(CUSTOMER).first().waitFor();
    await messages.getByText('Sent', { exact: true }).first().waitFor();
    await messages.getByText(new RegExp(`We received your request ${number}`)).first().waitFor();
    await shot(alice, 'advisor-case');

    // The advisor escalates.
    await alice.getByRole('toolbar', { name: 'Case actions' }).getByRole('button', { name: 'Escalate' }).click();
    const esc = alice.getByRole('dialog', { name: `Escalate case ${number}` });
    await esc.getByRole('textbox', { name: 'Reason' }).fill('Firmware problem, needs an expert');
    await esc.getByRole('button', { name: 'Escalate' }).click();
    await caseStatus(alice, 'Escalated');

    // ——— The expert (Dave) gets the escalation and sends it back for verification ———
    const daveCtx = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const dave = await signIn(daveCtx, server.base, 'dave@worklane.local', 'dave123');
    await available(dave);
    await acceptAndOpenCase(dave, number);
    await dave.getByRole('progressbar', { name: /^OLA Expert group X: \d+ % used$/ }).waitFor({ state: 'attached' });
    await shot(dave, 'expert-case');
    await dave.getByRole('toolbar', { name: 'Case actions' }).getByRole('button', { name: 'Send back' }).click();
    const back = dave.getByRole('dialog', { name: `Send back case ${number}` });
    await back.getByLabel('Note for the advisor (optional)').fill('Firmware updated remotely; please confirm with the customer.');
    await back.getByRole('button', { name: 'Send back' }).click();
    await back.waitFor({ state: 'hidden' });

    // ——— Back to the same advisor, who closes the case ———
    await acceptAndOpenCase(alice, number);
    await alice.getByRole('toolbar', { name: 'Case actions' }).getByRole('button', { name: 'Close' }).click();
    const closeDialog = alice.getByRole('dialog', { name: `Close case ${number}` });
    await closeDialog.getByRole('textbox', { name: 'Resolution' }).fill('Firmware updated; the router no longer reboots');
    await closeDialog.getByRole('button', { name: 'Close case' }).click();
    await caseStatus(alice, 'Closed');
    await alice.getByRole('region', { name: 'Clocks' }).getByText('Stopped', { exact: true }).waitFor(); // the SLA stopped
    await alice.getByRole('region', { name: 'Timeline' }).getByText('Closed', { exact: true }).waitFor();
    await shot(alice, 'advisor-closed');
    const steps = (await api(`/cases/${caseId}`)).tasks.map((t: { step: string; kind: string }) => `${t.step}:${t.kind}`);
    expect(steps).toEqual(['advisor:start', 'expert:escalation', 'advisor:send-back']);

    // ——— The customer gets the closing e-mail, and the portal says so ———
    const closing = await mail.waitFor(CUSTOMER, new RegExp(`Your request ${number} is closed`));
    expect(closing.text).toContain('/portal?token=');
    await customer.reload();
    await customer.getByLabel('Status: Closed').waitFor();
    await customer.getByText('This case is closed').waitFor();
    await shot(customer, 'portal-closed');

    // ——— The supervisor sees what did not go out: the escalation SMS, for want of a number ———
    const samCtx = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const sam = await signIn(samCtx, server.base, 'sam@worklane.local', 'sam123');
    // Today's figures of the queues: the expert's completed escalation is one handled in Expert group X.
    const queues = sam.getByRole('region', { name: 'Queues' });
    await expect.poll(async () => (await queues.getByRole('row').filter({ hasText: 'Expert group X' }).getByRole('cell').nth(6).textContent())?.trim(), { timeout: 20_000 }).toBe('1'); // under load the figures may take a few seconds
    const undelivered = sam.getByRole('region', { name: 'Undelivered messages' });
    await undelivered.getByText('customer Eve Customer has no mobile number').first().waitFor();
    await undelivered.getByText('Not sent', { exact: true }).first().waitFor();
    await shot(sam, 'supervisor-undelivered');
    await undelivered.getByRole('link', { name: `Open case ${number}` }).first().click();
    await sam.getByRole('heading', { name: 'Router reboots every night' }).waitFor();
    await Promise.all([customerCtx.close(), aliceCtx.close(), daveCtx.close(), samCtx.close()]);
  });

  it('the mail server refuses a confirmation for now: the supervisor sees it retrying, with the reason, and sends it again', async () => {
    const refused = 'frank.busy@example.com';
    mail.refused.add(refused);
    const kase = await api('/cases', {
      method: 'POST',
      body: JSON.stringify({ caseType: 'technical', fields: { email: refused, name: 'Frank Busy', product: 'router', subject: 'No signal', description: 'The router shows no signal.', consent: true } }),
    });
    expect(kase.number).toMatch(/^C-\d{6}$/);
    const ctx = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const sam = await signIn(ctx, server.base, 'sam@worklane.local', 'sam123');
    // The live case figures: the new case is open, in its case type's row.
    const liveCases = sam.getByRole('region', { name: 'Cases', exact: true });
    await expect.poll(async () => Number(await liveCases.getByRole('row', { name: 'Technical' }).getByRole('cell').nth(1).textContent())).toBeGreaterThanOrEqual(1);
    await liveCases.getByText('No open case has passed its SLA warning.').waitFor();
    const undelivered = sam.getByRole('region', { name: 'Undelivered messages' });
    const row = undelivered.getByRole('row').filter({ has: sam.getByRole('link', { name: `Open case ${kase.number}` }) });
    await row.getByText('Retrying', { exact: true }).waitFor({ timeout: 20_000 }); // live: the list re-reads by itself
    await row.getByText(/is full, try later/).waitFor();
    await row.getByText(refused, { exact: true }).waitFor();
    await shot(sam, 'supervisor-retrying');
    // The mailbox has room again; the next automatic attempt is 30 s away, Send again is now.
    mail.refused.delete(refused);
    await row.getByRole('button', { name: 'Send again' }).click();
    const sent = await mail.waitFor(refused, new RegExp(`We received your request ${kase.number}`), 10_000);
    expect(sent.text).toContain('/portal?token=');
    await expect.poll(() => undelivered.getByRole('link', { name: `Open case ${kase.number}` }).count(), { timeout: 15_000 }).toBe(0);
    const log = (await api(`/cases/${kase.id}/notifications`)).items;
    expect(log[0]).toMatchObject({ caseNumber: kase.number, state: 'sent', attemptCount: 1 });

    // Frank's case is urgent: Sam gives it a 4-hour SLA around the clock; the clock shows the new deadline.
    await sam.goto(`${server.base}/cases/${kase.id}`);
    const clocks = sam.getByRole('region', { name: 'Clocks' });
    await clocks.getByRole('button', { name: 'Change SLA' }).click();
    const dialog = sam.getByRole('dialog', { name: `Change the SLA of ${kase.number}` });
    await dialog.getByLabel('Within').fill('4');
    await dialog.getByLabel('Unit').click();
    await sam.getByRole('option', { name: 'hours' }).click();
    await dialog.getByLabel('Counted in').click();
    await sam.getByRole('option', { name: 'Around the clock' }).click();
    await dialog.getByRole('button', { name: 'Save SLA' }).click();
    await dialog.waitFor({ state: 'detached' });
    await clocks.getByText('4 hours, calendar time').waitFor();
    const sla = await api(`/cases/${kase.id}/sla`);
    expect(sla.sla).toMatchObject({ policy: { duration: 4, unit: 'hours', mode: 'calendar' }, overridden: true });
    expect(Date.parse(sla.sla.dueAt) - Date.parse(sla.sla.startedAt)).toBe(4 * 3_600_000);
    await sam.getByRole('region', { name: 'Timeline' }).getByText('Changed: SLA').waitFor();
    await shot(sam, 'case-sla-changed');
    await ctx.close();
  });

  it('an agent creates a case during a call: the form from the case type, an existing customer found by search', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1360, height: 1000 } });
    const bob = await signIn(ctx, server.base, 'bob@worklane.local', 'bob123');
    await bob.getByRole('link', { name: 'Cases' }).click();
    await bob.getByRole('button', { name: 'New case' }).or(bob.getByRole('link', { name: 'New case' })).click();
    await bob.getByLabel('Case type').click();
    await bob.getByRole('option', { name: /^Finance/ }).click();
    await bob.getByText('Existing customer', { exact: true }).click();
    await bob.getByLabel('Find a customer').fill('eve');
    await bob.getByRole('button', { name: 'Choose Eve Customer' }).click();
    // The form's customer fields come from the chosen profile.
    expect(await bob.getByRole('textbox', { name: 'E-mail', exact: true }).inputValue()).toBe(CUSTOMER);
    expect(await bob.getByRole('textbox', { name: 'Name', exact: true }).inputValue()).toBe('Eve Customer');
    await bob.getByRole('textbox', { name: 'Invoice number' }).fill('2024-17'); // wrong format
    await bob.getByRole('button', { name: 'Create case' }).click();
    await bob.getByText('Invoice numbers look like INV-2024001').waitFor();
    await bob.getByText(/fields need attention/).waitFor();
    await shot(bob, 'new-case-errors');
    await bob.getByRole('textbox', { name: 'Invoice number' }).fill('INV-2024017');
    await bob.getByLabel('Reason').click();
    await bob.getByRole('option', { name: 'Charged twice' }).click();
    await bob.getByRole('textbox', { name: 'Subject' }).fill('Charged twice for March');
    await bob.getByRole('textbox', { name: 'What happened?' }).fill('The March invoice was debited twice from my account.');
    await bob.getByRole('checkbox', { name: /I agree that my data is used/ }).check();
    await bob.getByRole('button', { name: 'Create case' }).click();
    await bob.getByRole('heading', { name: 'Charged twice for March' }).waitFor();
    await caseStatus(bob, 'Open');
    await bob.getByRole('region', { name: 'Customer' }).getByText(CUSTOMER).waitFor();
    await shot(bob, 'new-case-created');
    const finance = (await api('/cases?caseType=finance')).items;
    expect(finance).toHaveLength(1);
    expect(finance[0]).toMatchObject({ source: 'agent', status: 'open' });

    // Eve's profile (CRM-light): from the case to her page; a bad e-mail is refused on its field; a phone and a segment saved.
    await bob.getByRole('link', { name: 'Profile of Eve Customer' }).click();
    await bob.getByRole('heading', { name: 'Eve Customer', level: 2 }).waitFor();
    await bob.getByRole('link', { name: finance[0].number }).waitFor();
    await bob.getByRole('button', { name: 'Edit profile' }).click();
    const profile = bob.getByRole('dialog', { name: 'Profile of Eve Customer' });
    await profile.getByLabel('E-mail').fill('not-an-email');
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await profile.getByText('must match format "email"').waitFor();
    await profile.getByLabel('E-mail').fill(CUSTOMER);
    await profile.getByLabel('Phone').fill('+32 470 12 34 56');
    await profile.getByLabel('Segment').fill('Gold');
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await profile.waitFor({ state: 'detached' });
    await bob.getByRole('link', { name: '+32 470 12 34 56' }).waitFor();
    // And found again by phone on the Customers page.
    await bob.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Customers' }).click();
    await bob.getByLabel('Search customers').fill('470 12');
    const found = bob.getByRole('region', { name: 'Customers found' });
    await found.getByRole('link', { name: 'Eve Customer' }).waitFor();
    await expect.poll(() => found.getByRole('link').count()).toBe(1); // Frank has no such phone
    await shot(bob, 'customers-search');
    const eve = (await api('/customers?q=eve')).items[0];
    expect(eve).toMatchObject({ phone: '+32 470 12 34 56', segment: 'Gold', email: CUSTOMER });
    await ctx.close();
  });
});

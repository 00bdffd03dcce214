// Outreach in a real browser. Social media routing: the administrator points the demo's Facebook page at the
// platform's API (here a real HTTP server on loopback) and sets its token; a customer's post that
// holds a keyword arrives signed on the webhook and is pushed to Alice, who answers publicly with
// "Ask to continue privately"; the answer reaches the API as a comment reply; the customer's next
// comment joins live; Sam sees the conversation on the supervisor's Social media panel.
// Outbound campaigns (preview mode): Sam creates a campaign, pastes a contact list (what the campaign
// cannot take is listed by contact) and starts it; Alice is offered each call with the script filled
// for the contact, one asks not to be called again, one does not answer; Sam reads the progress and
// finds the number on the do-not-call list. Screenshots in test-results/social-*.png, campaign-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { goAvailable, launchBrowser, signIn } from './browser.js';
import { ROOT, startServerProcess, type ServerProcess } from './server.js';

const SHOTS = join(ROOT, 'test-results');
const PAGE = '100200300'; // the demo page (packages/server/src/demo/social.ts)
const SECRET = 'demo-facebook-app-secret';

describe('social media and outbound campaigns in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let api: Server;
  let apiUrl: string;
  const calls: { path: string; auth: string | undefined; body: { message?: string } }[] = [];

  /** What Facebook posts to the page's webhook, signed with the app secret. */
  const postToPage = async (id: string, message: string, item: 'status' | 'comment' = 'status') => {
    const body = JSON.stringify({ object: 'page', entry: [{ id: PAGE, time: 1, changes: [{ field: 'feed', value: { item, verb: 'add', post_id: `${PAGE}_1`, ...(item === 'comment' ? { comment_id: id } : {}), message, from: { id: 'jane-1', name: 'Jane Doe' } } }] }] });
    const res = await fetch(`${server.base}/api/v1/social/accounts/demo-facebook/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` },
      body,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { items: { outcome: string }[] }).items[0]!;
  };

  beforeAll(async () => {
    server = await startServerProcess({ env: { WORKLANE_NOTIFY_POLL_MS: '200' } });
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
    api = createServer((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c));
      req.on('end', () => {
        calls.push({ path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(b) as { message?: string } });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ id: `reply-${calls.length}` }));
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}/v19.0`;
  }, 180_000);
  afterAll(async () => {
    api?.close();
    await browser?.close();
    await server?.stop();
  });

  it('the administrator sets the page up; a post is pushed to Alice, who answers publicly and asks to continue privately', async () => {
    // Ada points the demo page at the API and gives it a token (secrets are never shown back).
    const ada = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(ada, server.base, 'admin@worklane.local', 'admin123', /\/supervisor/);
    await ada.goto(`${server.base}/admin?tab=social`);
    const table = ada.getByRole('table', { name: 'Social media accounts' });
    const row = table.getByRole('row').filter({ hasText: 'Demo Shop on Facebook' });
    await row.getByText('order, refund, delivery').waitFor();
    await row.getByRole('button', { name: 'Edit' }).click();
    const form = ada.getByRole('dialog', { name: 'Edit Demo Shop on Facebook' });
    await form.getByLabel('API address').fill('ftp://nowhere');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText('must be an absolute http:// or https:// URL', { exact: true }).waitFor(); // the field's own error, the account unchanged
    await form.getByLabel('API address').fill(apiUrl);
    await form.getByLabel('Access token').fill('page-token-e2e');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'hidden' });
    await ada.screenshot({ path: join(SHOTS, 'social-accounts.png') });

    const alice = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    await signIn(alice, server.base, 'alice@worklane.local', 'alice123', /\/agent/);
    await goAvailable(alice);

    // Chatter without a keyword is left; a post about an order becomes work.
    expect((await postToPage(`${PAGE}_2`, 'What a lovely shop window')).outcome).toBe('filtered');
    expect((await postToPage(`${PAGE}_1`, 'Where is my order 12345? It is a week late.')).outcome).toBe('started');
    const offer = alice.getByRole('dialog', { name: 'New task offered' });
    await offer.getByText('Facebook post from Jane Doe').waitFor({ timeout: 10_000 });
    await offer.getByRole('button', { name: 'Accept' }).click();
    const panel = alice.getByRole('region', { name: 'Facebook posts by Jane Doe' });
    await panel.getByText('Public: everyone sees your answer').waitFor();
    await panel.getByText('Where is my order 12345? It is a week late.').waitFor();

    // Her comment under the post joins the conversation live.
    expect((await postToPage(`${PAGE}_1_7`, 'Order 12345, placed on Monday', 'comment')).outcome).toBe('joined');
    await panel.getByText('Order 12345, placed on Monday').waitFor({ timeout: 10_000 });

    await panel.getByRole('button', { name: 'Ask to continue privately' }).click();
    const answer = panel.getByLabel('Your answer');
    await expect.poll(() => answer.inputValue()).toContain('Hi Jane');
    await alice.screenshot({ path: join(SHOTS, 'social-agent.png') });
    await answer.press('Enter');
    await expect.poll(() => calls.length, { timeout: 10_000 }).toBe(1);
    expect(calls[0]).toMatchObject({ path: `/v19.0/${PAGE}_1_7/comments`, auth: 'Bearer page-token-e2e' });

    // Alice knows Jane: she links the conversation to the customer (made here by the administrator).
    const login = await fetch(`${server.base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@worklane.local', password: 'admin123' }) });
    const made = await fetch(`${server.base}/api/v1/customers`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: login.headers.get('set-cookie')!.split(';')[0]! }, body: JSON.stringify({ name: 'Doe', firstName: 'Jane', email: 'jane.doe@example.com' }) });
    expect(made.status).toBe(201);
    const link = alice.getByRole('region', { name: 'Customer' });
    const search = link.getByLabel('Link to a customer');
    await search.fill('jane.doe');
    await alice.getByRole('option', { name: /Jane Doe · jane\.doe@example\.com/ }).waitFor({ state: 'attached' });
    await alice.screenshot({ path: join(SHOTS, 'social-link-customer.png') });
    await search.press('ArrowDown');
    await search.press('Enter');
    await alice.getByRole('link', { name: 'Profile of Jane Doe' }).waitFor();
    expect(calls[0]!.body.message).toMatch(/^Hi Jane, .*please send us a private message on Facebook\.$/);

    // Sam sees it going on.
    const sam = await (await browser.newContext({ viewport: { width: 1440, height: 1100 } })).newPage();
    await signIn(sam, server.base, 'sam@worklane.local', 'sam123', /\/supervisor/);
    const social = sam.getByRole('region', { name: 'Social media' });
    const live = social.getByRole('row', { name: 'Demo Shop on Facebook' });
    await expect.poll(async () => (await live.getByRole('cell').allInnerTexts()).slice(1, 3)).toEqual(['1', '0']);
    await social.screenshot({ path: join(SHOTS, 'social-supervisor.png') });
  });

  it('a supervisor runs a campaign from a pasted list; the agent previews each call with its script; opted out joins the do-not-call list', async () => {
    const sam = await (await browser.newContext({ viewport: { width: 1440, height: 1100 } })).newPage();
    await signIn(sam, server.base, 'sam@worklane.local', 'sam123', /\/supervisor/);
    await sam.goto(`${server.base}/campaigns`);
    await sam.getByRole('table', { name: 'Campaigns' }).getByText('Gold card upgrade').waitFor(); // the demo's draft
    await sam.getByRole('table', { name: 'Campaigns' }).getByRole('button', { name: 'Gold card upgrade' }).click();
    // Its calling hours are the demo's office calendar: whether calls go out now, and until when.
    await sam.getByRole('region', { name: 'Gold card upgrade' }).getByTestId('calling-hours').getByText(/(Within|Outside) calling hours/).waitFor();
    await sam.screenshot({ path: join(SHOTS, 'campaign-hours.png') });
    await sam.getByRole('button', { name: 'New campaign' }).click();
    const form = sam.getByRole('dialog', { name: 'New campaign' });
    await form.getByLabel('Name').fill('Spring savings');
    await form.getByRole('button', { name: 'Create' }).click();
    await form.getByText('must have required property').or(form.getByText(/worktype/)).first().waitFor(); // no worktype chosen: said at the field
    await form.getByLabel('Calls are work of').click();
    await sam.getByRole('option', { name: 'Outbound call' }).click();
    await form.getByLabel('Script').fill('Hello {{name}}, this is {{agent}}. Your {{product}} could earn more in our savings plan.');
    // It ends itself in a week (the browser's local time, as the field shows it).
    const inAWeek = new Date(Date.now() + 7 * 86_400_000);
    await form.getByLabel('Ends at').fill(new Date(inAWeek.getTime() - inAWeek.getTimezoneOffset() * 60_000).toISOString().slice(0, 16));
    await form.getByRole('button', { name: 'Create' }).click();
    await form.waitFor({ state: 'hidden' });
    const detail = sam.getByRole('region', { name: 'Spring savings' });
    await detail.getByTestId('campaign-dates').getByText(/^Ends /).waitFor();
    await detail.getByLabel('Add contacts (CSV)').fill('phone,name,product\n0470 55 00 01,Jane Saver,current account\n0470550001,Jane again,x\n+32470100009,Letter writer,x\nnot a number,Nobody,x\n0470 55 00 02,Joe Saver,');
    await detail.getByRole('button', { name: 'Add contacts' }).click();
    await detail.getByText('2 added, 3 left out').waitFor();
    await detail.getByRole('table', { name: 'Contacts left out' }).getByText('on the do-not-call list').waitFor();
    await sam.screenshot({ path: join(SHOTS, 'campaign-contacts.png') });

    const alice = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    await signIn(alice, server.base, 'alice@worklane.local', 'alice123', /\/agent/);
    await goAvailable(alice);

    await detail.getByRole('button', { name: 'Start' }).click();
    await sam.getByText('Started: 2 calls to place').waitFor();
    const offer = alice.getByRole('dialog', { name: 'New task offered' });
    const seen: string[] = [];
    for (let i = 0; i < 2; i++) {
      await offer.getByText(/Spring savings: call/).waitFor({ timeout: 10_000 });
      await offer.getByRole('button', { name: 'Accept' }).click();
      const call = alice.getByRole('region', { name: /^Call (Jane|Joe) Saver$/ });
      await call.waitFor();
      const who = (await call.getByRole('heading').innerText()).replace('Call ', '');
      seen.push(who);
      const script = call.getByLabel('Script');
      if (who === 'Jane Saver') {
        await script.getByText('Hello Jane Saver, this is Alice. Your current account could earn more in our savings plan.').waitFor();
        await alice.screenshot({ path: join(SHOTS, 'campaign-call.png') });
        await call.getByRole('button', { name: 'Do not call again' }).click();
      } else {
        await script.getByText('Your [product] could earn more').waitFor(); // what the list did not say
        await call.getByRole('button', { name: 'No answer' }).click();
      }
      await call.waitFor({ state: 'hidden' });
    }
    expect(seen.sort()).toEqual(['Jane Saver', 'Joe Saver']);

    // Sam: one contact asked not to be called, one comes back later; Jane's number is on the list.
    const contacts = detail.getByRole('table', { name: 'Contacts' });
    await contacts.getByRole('row', { name: /Jane Saver/ }).getByText('Do not call').waitFor({ timeout: 15_000 });
    await contacts.getByRole('row', { name: /Joe Saver/ }).getByText('Waiting').waitFor();
    const dnc = sam.getByRole('region', { name: 'Do not call' });
    await dnc.getByText('0470550001').waitFor({ timeout: 15_000 });
    await sam.screenshot({ path: join(SHOTS, 'campaign-progress.png') });
  });
});

// Social media routing in a real browser: the administrator points the demo's Facebook page at the
// platform's API (here a real HTTP server on loopback) and sets its token; a customer's post that
// holds a keyword arrives signed on the webhook and is pushed to Alice, who answers publicly with
// "Ask to continue privately"; the answer reaches the API as a comment reply; the customer's next
// comment joins live; Sam sees the conversation on the supervisor's Social media panel.
// Screenshots in test-results/social-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, signIn } from './browser.js';
import { ROOT, startServerProcess, type ServerProcess } from './server.js';

const SHOTS = join(ROOT, 'test-results');
const PAGE = '100200300'; // the demo page (packages/server/src/demo/social.ts)
const SECRET = 'demo-facebook-app-secret';

describe('social media routing in a real browser', () => {
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
    await signIn(ada, server.base, 'admin@worklane.local', 'admin123', /\//);
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
    await alice.getByLabel('Presence').click();
    await alice.getByRole('option', { name: 'Available', exact: true }).click();
    await alice.getByLabel(/^Current status: Available/).waitFor();

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
    expect(calls[0]!.body.message).toMatch(/^Hi Jane, .*please send us a private message on Facebook\.$/);

    // Sam sees it going on.
    const sam = await (await browser.newContext({ viewport: { width: 1440, height: 1100 } })).newPage();
    await signIn(sam, server.base, 'sam@worklane.local', 'sam123', /\/supervisor/);
    const social = sam.getByRole('region', { name: 'Social media' });
    const live = social.getByRole('row', { name: 'Demo Shop on Facebook' });
    await expect.poll(async () => (await live.getByRole('cell').allInnerTexts()).slice(1, 3)).toEqual(['1', '0']);
    await social.screenshot({ path: join(SHOTS, 'social-supervisor.png') });
  });
});

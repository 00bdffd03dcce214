// Predictive engagement in a real browser: a website on another origin with engage.js; a visitor
// who searches is invited to chat, accepts, and talks to the agent, who sees the visit beside the
// chat; a visitor of the demo shop gets help shown and follows it; the supervisor watches visits
// live, opens a journey, and reads the funnel and what the outcome scores learned.
// Screenshots in test-results/engagement-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { goAvailable, launchBrowser, signIn } from './browser.js';
import { ROOT, startServerProcess, type ServerProcess } from './server.js';

const SHOTS = join(ROOT, 'test-results');

describe('predictive engagement in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let site: Server;
  let siteUrl: string;
  let cookie: string;

  beforeAll(async () => {
    // With the demo's past visits: the outcome score has something to learn from.
    server = await startServerProcess({ env: { WORKLANE_DEMO_HISTORY: '1' } });
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
    const login = await fetch(server.base + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@worklane.local', password: 'admin123' }) });
    cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const res = await fetch(server.base + '/api/v1/action-maps', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'gift-help', name: 'Gift card help', position: 1, trigger: { searches: ['gift card'] }, action: { kind: 'chat', topic: 'web-chat', message: 'Questions about gift cards? An advisor is here for you.' } }),
    });
    expect(res.status, await res.text()).toBe(201);
    // The organization's website, on another origin, with the one-line snippet.
    site = createServer((_req, r) => {
      r.setHeader('content-type', 'text/html');
      r.end(`<!doctype html><title>Acme gifts</title><h1>Acme gifts</h1><script src="${server.base}/engage.js" async></script>`);
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    siteUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}/`;
  }, 180_000);
  afterAll(async () => {
    site?.close();
    await browser?.close();
    await server?.stop();
  });

  it('invites a visitor who searched to chat; the agent sees where they have been', async () => {
    const alice: Page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    await signIn(alice, server.base, 'alice@worklane.local', 'alice123', /\/agent/);
    await goAvailable(alice);

    const visitor = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    await visitor.goto(siteUrl + '?q=gift+card+balance');
    const invitation = visitor.getByRole('dialog', { name: 'Chat invitation' });
    await invitation.getByText('Questions about gift cards? An advisor is here for you.').waitFor({ timeout: 15_000 });
    await visitor.screenshot({ path: join(SHOTS, 'engagement-invitation.png') });
    await invitation.getByRole('button', { name: 'Chat now' }).click();
    const chat = visitor.frameLocator('iframe[title="Chat"]');
    const form = chat.getByRole('form', { name: 'Start a chat' });
    await form.getByLabel('Your name').fill('Gina Gifts');
    await form.getByLabel('How can we help?').fill('How do I check my gift card balance?');
    await form.getByRole('button', { name: 'Start chat' }).click();
    await chat.getByRole('heading', { name: 'Chat about Orders and billing' }).waitFor();

    const offer = alice.getByRole('dialog', { name: 'New task offered' });
    await offer.getByText('Chat with Gina Gifts').waitFor({ timeout: 10_000 });
    await offer.getByRole('button', { name: 'Accept' }).click();
    const visit = alice.getByRole('region', { name: 'Website visit' });
    await visit.getByRole('list', { name: 'Pages, searches and events' }).getByText('searched "gift card balance"').waitFor({ timeout: 10_000 });
    await visit.getByText('Gift card help: accepted').waitFor();
    await chat.getByText('You are chatting with Alice Advisor').waitFor({ timeout: 10_000 });
    const answer = alice.getByRole('region', { name: 'Chat with Gina Gifts' }).getByLabel('Your answer');
    await answer.fill('Hello Gina, the balance is on the back of the card, or I can look it up.');
    await answer.press('Enter');
    await chat.getByRole('log', { name: 'Conversation' }).getByText('Hello Gina, the balance is on the back of the card').waitFor();
    await alice.screenshot({ path: join(SHOTS, 'engagement-agent.png'), fullPage: true });
  });

  it('shows help to a shop visitor looking for returns, and the supervisor watches visits live and reads the funnel', async () => {
    const shopper = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    await shopper.goto(server.base + '/shop/index.html');
    await shopper.getByRole('searchbox', { name: 'Search the shop' }).or(shopper.getByLabel('Search the shop')).first().fill('refund');
    await shopper.getByLabel('Search the shop').press('Enter');
    const help = shopper.getByRole('dialog', { name: 'Returns are free' });
    await help.getByText(/Return anything within 30 days/).waitFor({ timeout: 15_000 });
    await help.getByRole('button', { name: 'Show me' }).click();
    await shopper.getByRole('heading', { name: 'Returns and refunds' }).waitFor();

    const sam = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    await signIn(sam, server.base, 'sam@worklane.local', 'sam123', /\/supervisor/);
    await sam.getByRole('link', { name: 'Visitors' }).click();
    const live = sam.getByRole('table', { name: 'Visits going on now' });
    const row = live.getByRole('row').filter({ hasText: '/shop/returns.html' });
    await row.getByText('Returns help: accepted').waitFor({ timeout: 15_000 });
    await row.getByText('Looking for returns').waitFor();
    await live.getByRole('row').filter({ hasText: 'Gift card help: accepted' }).waitFor();
    await row.getByRole('button', { name: /Open the journey of an anonymous visitor/ }).click();
    const drawer = sam.getByRole('dialog', { name: 'Website visit' });
    const steps = drawer.getByRole('list', { name: 'Pages, searches and events' });
    await steps.getByText('searched "refund"').waitFor();
    await steps.getByText(/\/shop\/returns\.html — Returns/).waitFor();
    await sam.waitForTimeout(300); // the drawer's slide-in, for the screenshot
    await sam.screenshot({ path: join(SHOTS, 'engagement-live.png') });
    await sam.keyboard.press('Escape');

    await sam.getByRole('tab', { name: 'Engagement' }).click();
    await sam.getByRole('img', { name: /^Gift card help funnel: Qualified 1, Offered 1, Accepted 1, Engaged 1$/ }).waitFor({ timeout: 10_000 });
    await sam.getByRole('img', { name: /^Web chats by origin: .*From an invitation 1/ }).waitFor();
    await sam.screenshot({ path: join(SHOTS, 'engagement-funnel.png'), fullPage: true });

    await sam.getByRole('tab', { name: 'Outcome scores' }).click();
    await sam.getByText(/^Purchase: \d+ of \d+ visits/).waitFor();
    await sam.getByRole('img', { name: /^What tells about Purchase: / }).waitFor();
    await sam.screenshot({ path: join(SHOTS, 'engagement-models.png'), fullPage: true });
  });
});

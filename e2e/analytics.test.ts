// Conversation analytics in a real browser, on the demo's made-up chats: Ann the analyst sees
// delivery questions rising, which agent forgets to give their name, the customers' sentiment; she
// filters the conversations that broke the no-brush-off rule and opens one beside what was found.
// Screenshots in test-results/analytics-*.png.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, signIn } from './browser.js';
import { ROOT, startServerProcess, type ServerProcess } from './server.js';

const SHOTS = join(ROOT, 'test-results');

describe('conversation analytics in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    // The demo's history: two weeks of chats for the analyzer to read (it does within seconds of the start).
    server = await startServerProcess({ env: { WORKLANE_DEMO_HISTORY: '1', WORKLANE_ANALYTICS_POLL_MS: '500' } });
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows rising topics, compliance per agent and sentiment, and the conversations behind them', async () => {
    const ann = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    await signIn(ann, server.base, 'ann@worklane.local', 'ann123', /\/reports/);
    await ann.getByRole('link', { name: 'Conversations' }).click();
    await ann.getByRole('group', { name: 'Rising topics' }).getByText(/↑ Delivery/).waitFor({ timeout: 30_000 });
    const compliance = ann.getByRole('table', { name: 'Compliance' });
    await compliance.getByRole('row').filter({ hasText: 'Agent gives their name' }).getByText(/Bob Banker \d+\/\d+/).waitFor();
    await ann.getByRole('table', { name: 'Sentiment by agent' }).getByRole('row').filter({ hasText: 'Alice Advisor' }).waitFor();
    await ann.screenshot({ path: join(SHOTS, 'analytics-overview.png'), fullPage: true });

    // Over the last 30 days: the whole made-up history, so Bob's rare brush-offs are in.
    await ann.getByRole('radiogroup', { name: 'Period' }).getByText('30 days').click();
    await ann.locator('input[aria-label="Rule broken"]').click();
    await ann.getByRole('option', { name: 'No brush-off' }).click();
    const rows = ann.getByRole('table', { name: 'Analyzed conversations' }).getByRole('row');
    await rows.nth(1).getByText('No brush-off').waitFor();
    await rows.nth(1).getByRole('button', { name: /^Open Chat with / }).click();
    const drawer = ann.getByRole('dialog');
    const found = drawer.getByRole('region', { name: 'What the analytics found' });
    await found.getByText('No brush-off: said').waitFor({ timeout: 10_000 });
    await found.getByText(/"Please calm down, I am doing what I can\."/).waitFor();
    await drawer.getByRole('log', { name: 'Conversation' }).getByText('Please calm down, I am doing what I can.').waitFor();
    await ann.waitForTimeout(300); // the drawer's slide-in, for the screenshot
    await ann.screenshot({ path: join(SHOTS, 'analytics-conversation.png') });
  });
});

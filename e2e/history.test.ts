// What the demo's made-up history feeds, in a real browser, on one server (its start with the
// history is the slow part):
// - conversation analytics: Ann the analyst sees delivery questions rising, which agent forgets to
//   give their name, the customers' sentiment; she filters the conversations that broke the
//   no-brush-off rule and opens one beside what was found (test-results/analytics-*.png);
// - workforce management: Sam sees this week's plan learned from the history, publishes next week,
//   Alice reads her week and asks for a day off, Sam approves it and it is cut out of her week;
//   adherence live and over the week (test-results/workforce-*.png).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { goAvailable, launchBrowser, signIn } from './browser.js';
import { ROOT, startServerProcess, type ServerProcess } from './server.js';

const SHOTS = join(ROOT, 'test-results');

describe("the demo's history in a real browser", () => {
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

  it('workforce: the plan from the history, publishing, my schedule, time off asked and approved, adherence', async () => {
    const DAY = 86_400_000;
    const monday = (t: number) => {
      const d = new Date(t);
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - ((d.getUTCDay() + 6) % 7) * DAY);
    };
    const next = monday(Date.now() + 7 * DAY);
    const tuesday = new Date(next.getTime() + DAY).toISOString().slice(0, 10);
    const wednesday = new Date(next.getTime() + 2 * DAY).toISOString().slice(0, 10);
    const sam = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    await signIn(sam, server.base, 'sam@worklane.local', 'sam123', /\/supervisor/);
    await sam.getByRole('link', { name: 'Workforce' }).click();
    await sam.getByRole('img', { name: /^People per hour: most needed \d+/ }).waitFor();
    const grid = sam.getByRole('table', { name: 'Schedule by person and day' });
    await grid.getByRole('row').filter({ hasText: 'Alice Advisor' }).waitFor();
    await sam.getByText('Published', { exact: true }).waitFor();
    await sam.getByRole('table', { name: 'Forecast per queue' }).getByRole('row').filter({ hasText: 'Finance' }).waitFor();
    await sam.screenshot({ path: join(SHOTS, 'workforce-plan.png'), fullPage: true });

    // Sam gives Carol this Monday off by hand.
    const thisMonday = monday(Date.now()).toISOString().slice(0, 10);
    await grid.getByRole('button', { name: `Edit Carol Closer, ${thisMonday}` }).click();
    const dialog = sam.getByRole('dialog');
    while ((await dialog.getByRole('button', { name: /^Remove activity \d+$/ }).count()) > 0) await dialog.getByRole('button', { name: /^Remove activity \d+$/ }).first().click();
    await dialog.getByText('Nothing scheduled: a day off.').waitFor();
    await dialog.getByRole('button', { name: 'Save the day' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await grid.getByRole('button', { name: `Edit Carol Closer, ${thisMonday}` }).getByText('off', { exact: true }).waitFor();
    // ...and then a 10:00 to 14:00 stretch of work after all.
    await grid.getByRole('button', { name: `Edit Carol Closer, ${thisMonday}` }).click();
    await dialog.getByRole('button', { name: 'Add activity' }).click();
    await dialog.getByLabel('From 1').fill('10:00');
    await dialog.getByLabel('To 1').fill('14:00');
    await dialog.getByRole('button', { name: 'Save the day' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await grid.getByRole('button', { name: `Edit Carol Closer, ${thisMonday}` }).getByText('10:00–14:00').waitFor();

    // Next week is the demo's draft: publish it.
    await sam.getByRole('button', { name: 'Next week' }).click();
    await sam.getByText('Draft', { exact: true }).waitFor();
    await sam.getByRole('button', { name: 'Publish' }).click();
    await sam.getByText('Published', { exact: true }).waitFor();

    // Alice reads her next week and asks for Tuesday off.
    const alice = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await signIn(alice, server.base, 'alice@worklane.local', 'alice123', /\/agent/);
    await alice.getByRole('link', { name: 'My schedule' }).click();
    await alice.getByRole('button', { name: 'Next week' }).click();
    await alice.getByRole('table', { name: /My week: \d+(\.\d)? h/ }).getByText(/^Work \d\d:\d\d–\d\d:\d\d$/).first().waitFor();
    // Her wishes: Fridays off.
    const wishes = alice.getByRole('form', { name: 'My wishes' });
    await wishes.getByRole('group', { name: 'Days I would rather have off' }).getByText('Fri').click();
    await wishes.getByRole('button', { name: 'Save wishes' }).click();
    await alice.getByText('Saved: the next schedule weighs your wishes').waitFor();
    await alice.getByLabel(/^From/).fill(`${tuesday}T00:00`);
    await alice.getByLabel(/^To( \*)?$/).fill(`${wednesday}T00:00`);
    await alice.getByLabel('Note', { exact: true }).fill('Dentist');
    await alice.getByRole('button', { name: 'Ask', exact: true }).click();
    await alice.getByRole('table', { name: 'My time off' }).getByText('requested').waitFor();

    // Sam approves it: Tuesday is time off in her week.
    await sam.getByRole('tab', { name: /Time off/ }).click();
    const row = sam.getByRole('table', { name: 'Time off' }).getByRole('row').filter({ hasText: 'Dentist' });
    await row.getByRole('button', { name: 'Approve time off of Alice Advisor' }).click();
    await row.getByText('approved').waitFor();
    await sam.getByRole('tab', { name: 'Plan' }).click();
    const aliceRow = sam.getByRole('table', { name: 'Schedule by person and day' }).getByRole('row').filter({ hasText: 'Alice Advisor' });
    await aliceRow.getByText('Time off', { exact: true }).waitFor();
    await sam.screenshot({ path: join(SHOTS, 'workforce-time-off.png'), fullPage: true });
    await alice.reload();
    await alice.getByRole('table', { name: 'My time off' }).getByText('approved').waitFor();

    // Adherence: Alice signs in to work; the live table says whether that keeps to her schedule now.
    await alice.goto(`${server.base}/agent`);
    await goAvailable(alice);
    await sam.getByRole('button', { name: 'Previous week' }).click();
    await sam.getByRole('tab', { name: 'Adherence' }).click();
    const live = sam.getByRole('table', { name: 'Now' }).getByRole('row').filter({ hasText: 'Alice Advisor' });
    await live.getByText(/^(In|Out of) adherence$/).waitFor({ timeout: 20_000 });
    expect(await live.getByText('Available').count()).toBe(1);
    await sam.getByRole('heading', { name: /^The week( so far)?$/ }).waitFor();
    await sam.screenshot({ path: join(SHOTS, 'workforce-adherence.png'), fullPage: true });

    // The planning settings as a form: Carol down to 24 hours a week.
    await sam.getByRole('tab', { name: 'Settings' }).click();
    const carol = sam.getByLabel('Hours a week of Carol Closer');
    await carol.fill('24');
    await sam.getByRole('button', { name: 'Save settings' }).click();
    await sam.getByText('Planning settings saved: the next forecast and draft use them').waitFor();
    await sam.screenshot({ path: join(SHOTS, 'workforce-settings.png'), fullPage: true });

    // Shift bidding on the week after next: a draft opened for bids, Alice ranks a line, Sam closes it.
    await sam.getByRole('tab', { name: 'Plan' }).click();
    await sam.getByRole('button', { name: 'Next week' }).click();
    await sam.getByRole('button', { name: 'Next week' }).click();
    await sam.getByRole('button', { name: 'Generate draft' }).click();
    await sam.getByRole('button', { name: 'Open bidding' }).click();
    await sam.getByText('Open for bids', { exact: true }).waitFor();
    await alice.getByRole('link', { name: 'My schedule' }).click();
    await alice.getByRole('button', { name: 'Next week' }).click();
    await alice.getByRole('button', { name: 'Next week' }).click();
    const lines = alice.getByRole('table', { name: 'Lines to bid for' });
    await lines.getByRole('button', { name: /^Add line \d+ to my bid$/ }).first().click();
    await alice.getByRole('table', { name: 'My bid' }).getByText(/^Line \d+: /).waitFor();
    await alice.getByRole('button', { name: 'Save bid' }).click();
    await alice.getByText('Bid saved: lines are awarded by seniority when the bidding closes').waitFor();
    await alice.screenshot({ path: join(SHOTS, 'workforce-bidding.png'), fullPage: true });
    await sam.reload();
    await sam.getByText('1 of 4 people have bid').waitFor();
    await sam.getByRole('button', { name: 'Close bidding' }).click();
    await sam.getByText(/^Bidding closed: \d+ line\(s\) changed hands/).waitFor();
    await sam.getByText('Draft', { exact: true }).waitFor();
  });
});

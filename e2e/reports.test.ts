// The analyst's Reports page in a real browser against a real server: tasks captured a moment ago
// show up in the queue activity report (the rollup has not run yet: the un-rolled tail counts),
// the chart and the total, and the CSV link points at the same report. Screenshot: test-results/reports.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { DEMO_KEY, ROOT, startServerProcess, type ServerProcess } from './server.js';

const SHOTS = join(ROOT, 'test-results');

describe('historical reports in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  const captured: string[] = [];

  beforeAll(async () => {
    server = await startServerProcess();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    mkdirSync(SHOTS, { recursive: true });
    for (const n of [1, 2, 3]) {
      const res = await fetch(`${server.base}/api/v1/tasks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ worktype: 'invoice-dispute', source: 'crm', externalId: `REP-E2E-${n}`, title: `Report ${n}`, attributes: { orderId: `REP-E2E-${n}`, department: 'Finance', segment: 'Gold', amount: 10, currency: 'EUR' } }),
      });
      expect(res.status).toBe(201);
      captured.push(((await res.json()) as { id: string }).id);
    }
  });

  afterAll(async () => {
    await browser?.close();
    if (server) expect(await server.stop(), 'graceful shutdown on SIGTERM').toBe(0);
  });

  it('the analyst sees today\'s captures in queue activity, with a CSV link', async () => {
    await page.goto(server.base + '/login');
    await page.getByLabel('Email').fill('ann@worklane.local');
    await page.getByLabel('Password').fill('ann123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/reports/);
    await page.getByRole('heading', { name: 'Reports', level: 2 }).waitFor();

    // Default: queue activity by day over the last 7 days; today's Finance row has the 3 captures.
    const row = page.getByRole('row').filter({ hasText: 'Finance' }).last();
    await row.waitFor();
    const cells = await row.getByRole('cell').allInnerTexts();
    expect(cells[1]).toBe('Finance');
    expect(cells[2]).toBe('3'); // Created
    const total = await page.getByRole('row').filter({ hasText: 'Total' }).getByRole('cell').allInnerTexts();
    expect(Number(total[2])).toBeGreaterThanOrEqual(3);

    const csv = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(csv).toMatch(/^\/api\/v1\/reports\/queue-activity\?.*format=csv/);
    const res = await page.request.get(server.base + csv!);
    expect(res.headers()['content-disposition']).toMatch(/^attachment; filename="queue-activity_/);
    expect((await res.text()).split('\r\n')[0]).toMatch(/^Period start,Queue id,Queue,Created,/);

    // Filters are real controls: pick a case type, the table empties out (no case tasks yet).
    await page.getByLabel('Case type').first().click();
    await page.getByRole('option', { name: 'Technical' }).click();
    await page.getByText('Nothing happened in this range with these filters.').waitFor();
    await page.getByLabel('Case type').first().click();
    await page.getByRole('option', { name: 'Technical' }).click(); // picking it again clears it
    await row.waitFor();
    await page.screenshot({ path: join(SHOTS, 'reports.png'), fullPage: true });
  });

  it('the analyst sees Finance miss its abandon goal on Insights, drills down and sets its own goal', async () => {
    // One of the three gives up while waiting: Finance abandons 1 of 1 answered-or-abandoned (demo default goal: at most 5 %).
    const cancel = await fetch(`${server.base}/api/v1/tasks/${captured[2]}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'customer gave up' }) });
    expect(cancel.status).toBe(200);

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Insights' }).click();
    await page.getByRole('heading', { name: 'Insights', level: 2 }).waitFor();
    const findings = page.getByRole('list', { name: 'Findings' });
    const missed = findings.getByRole('listitem').filter({ hasText: 'Abandon rate in Finance: 100 %, against a goal of at most 5 %' });
    await missed.waitFor();
    await expect.poll(() => missed.getByText('Missed goal').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'insights.png'), fullPage: true });

    // Drill down into Finance from the finding: one card, the agents of that queue.
    await missed.getByRole('button', { name: 'Open Finance' }).click();
    await page.getByRole('heading', { name: 'Agents in Finance' }).waitFor();
    await page.getByRole('button', { name: 'All queues' }).waitFor();
    expect(await page.getByTestId('finance-abandonedPercent').innerText()).toBe('100.0 %');

    // Finance's own goal: a dialog with the default shown, saved for real, and the card meets it.
    await page.getByRole('button', { name: 'Goals of Finance' }).click();
    const dialog = page.getByRole('dialog', { name: 'Goals: Finance' });
    const field = dialog.getByLabel(/Abandon rate/);
    expect(await field.getAttribute('placeholder')).toBe('default: 5.0 %');
    await field.fill('100');
    await dialog.getByRole('button', { name: 'Save goals' }).click();
    await dialog.waitFor({ state: 'detached' });
    const card = page.getByRole('region', { name: 'Finance' });
    await expect.poll(() => card.getByText('goal ≤ 100.0 %').count()).toBe(1);
    const saved = await page.request.get(server.base + '/api/v1/kpi-targets');
    expect((await saved.json()).items).toContainEqual({ kpi: 'abandonedPercent', goal: 100, queue: 'finance' });
    await page.screenshot({ path: join(SHOTS, 'insights-finance.png'), fullPage: true });
  });
});

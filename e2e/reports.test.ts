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
});

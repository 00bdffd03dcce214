// Insights on the demo as `npm start` makes it (with its two weeks of made-up history), as the
// supervisor Sam: the findings name Finance's bad day and Bob's long handle times, "Look closer"
// opens that day by the hour. Screenshot: test-results/insights-demo.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { ROOT, startServerProcess, type ServerProcess } from './server.js';

const SHOTS = join(ROOT, 'test-results');

describe('KPI insights on the demo history in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startServerProcess({ env: { WORKLANE_DEMO_HISTORY: '1' } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    if (server) expect(await server.stop(), 'graceful shutdown on SIGTERM').toBe(0);
  });

  it('the supervisor finds the bad day and the slow agent, and looks closer at the day', async () => {
    await page.goto(server.base + '/login');
    await page.getByLabel('Email').fill('sam@worklane.local');
    await page.getByLabel('Password').fill('sam123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/supervisor/);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Insights' }).click();

    const findings = page.getByRole('list', { name: 'Findings' });
    await findings.waitFor();
    await findings.getByText(/^Average handle time of Bob Banker: \d+ min, against \d+ min usual among agents$/).waitFor();
    const bad = findings.getByRole('listitem').filter({ hasText: /^Unusual period.*Average wait in Finance on (\d{4}-\d{2}-\d{2}): / });
    const day = /on (\d{4}-\d{2}-\d{2})/.exec(await bad.innerText())![1]!;
    // Bob is marked in the agents table too, worst first.
    const firstAgent = page.getByRole('region', { name: 'Agents' }).getByRole('row').nth(1);
    expect(await firstAgent.innerText()).toMatch(/^Bob Banker[\s\S]*unusual/i);
    await page.screenshot({ path: join(SHOTS, 'insights-demo.png'), fullPage: true });

    await bad.getByRole('button', { name: 'Look closer' }).click();
    const settings = page.getByRole('form', { name: 'Insight settings' });
    await expect.poll(() => settings.getByLabel('Per', { exact: true }).inputValue()).toBe('Hour');
    expect(await settings.getByLabel('From', { exact: true }).inputValue()).toBe(day);
    expect(await settings.getByLabel('To (inclusive)', { exact: true }).inputValue()).toBe(day);
    // That day by the hour: Finance's bars are one per hour.
    const spark = page.getByRole('region', { name: 'Finance' }).getByRole('img', { name: /^Average wait per period: / });
    // Wait for the hourly answer (the daily one stays on screen while it loads): 24 periods, each labelled with its hour.
    await expect.poll(async () => ((await spark.getAttribute('aria-label')) ?? '').match(/\d{2}:00/g)?.length ?? 0).toBe(24);
    expect(await spark.getAttribute('aria-label')).toMatch(/10:00/);
  });
});

import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, never a downloaded browser. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (as root)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Signs a page in through the login form and waits for the landing page (`/agent`, `/supervisor`...). */
export async function signIn(page: Page, base: string, email: string, password: string, lands: RegExp): Promise<void> {
  await page.goto(base + '/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(lands);
}

/** Sets the signed-in agent Available from the presence menu and waits until the header says so. */
export async function goAvailable(page: Page): Promise<void> {
  await page.getByLabel('Presence').click();
  await page.getByRole('option', { name: 'Available', exact: true }).click();
  await page.getByLabel(/^Current status: Available/).waitFor();
}

// Single sign-on in a real browser: the sign-in page offers the company's provider (a real OpenID
// provider on loopback), a click signs in and lands where the person was going, and a refusal comes
// back to the sign-in page with a message. Screenshots in test-results/sso-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { ROOT, freePort, startServerProcess, type ServerProcess } from './server.js';
import { startIdp, type Idp } from '../packages/server/test/integration/idp.js';

const SHOTS = join(ROOT, 'test-results');

describe('single sign-on in a real browser', () => {
  let server: ServerProcess;
  let idp: Idp;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    idp = await startIdp(`http://127.0.0.1:${port}/api/v1/auth/sso/callback`);
    server = await startServerProcess({
      port,
      env: { WORKLANE_OIDC_ISSUER: idp.issuer, WORKLANE_OIDC_CLIENT_ID: idp.clientId, WORKLANE_OIDC_CLIENT_SECRET: idp.clientSecret, WORKLANE_OIDC_LABEL: 'Acme ID' },
    });
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await idp?.close();
  });

  it('signs in with the provider and lands on the page asked for; a person without an account is told why', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    // Signed out, Alice opens the cases list: the sign-in page, then the provider, then the cases.
    await page.goto(server.base + '/cases');
    await page.waitForURL(/\/login/);
    const button = page.getByRole('link', { name: 'Sign in with Acme ID' });
    await button.waitFor();
    await page.screenshot({ path: join(SHOTS, 'sso-login.png') });
    idp.signInAs = { sub: 'acme-alice', email: 'alice@worklane.local', email_verified: true, name: 'Alice' };
    await button.click();
    await page.waitForURL((u) => u.pathname === '/cases');
    await page.getByText('Alice', { exact: false }).first().waitFor();
    const me = await page.evaluate(() => fetch('/api/v1/me').then((r) => r.json()));
    expect(me.user.email).toBe('alice@worklane.local');
    await page.screenshot({ path: join(SHOTS, 'sso-landed.png') });
    // Signing out signs out at the provider too (its confirmation), then back to the sign-in page.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.origin === idp.issuer);
    await page.screenshot({ path: join(SHOTS, 'sso-signing-out.png') });
    await page.getByRole('button', { name: /Yes, sign me out/i }).click();
    await page.waitForURL((u) => u.origin === server.base && u.pathname === '/login');
    await page.getByRole('link', { name: 'Sign in with Acme ID' }).waitFor();
    expect((await page.evaluate(() => fetch('/api/v1/me').then((r) => r.status)))).toBe(401);
    await context.close();

    const stranger = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const other = await stranger.newPage();
    idp.signInAs = { sub: 'acme-zed', email: 'zed@acme.example', email_verified: true, name: 'Zed' };
    await other.goto(server.base + '/login');
    await other.getByRole('link', { name: 'Sign in with Acme ID' }).click();
    await other.waitForURL(/sso_error=no-account/);
    await other.getByRole('alert').getByText('You have no Worklane account yet').waitFor();
    // The password form is still there for people with a password.
    expect(await other.getByLabel('Password').isVisible()).toBe(true);
    await other.screenshot({ path: join(SHOTS, 'sso-refused.png') });
    await stranger.close();
  });
});

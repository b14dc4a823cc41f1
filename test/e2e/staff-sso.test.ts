import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser } from '../support/browser.ts';
import { startSsoTestServer, type SsoTestServer } from '../support/sso.ts';

// Single sign-on in Chromium, with the app on http://localhost and the provider on
// http://127.0.0.1: two different sites, as a city's provider is, so the browser applies its
// SameSite rules to the way back. The pages of the flow pass axe in German and English.

let server: SsoTestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startSsoTestServer({ appHost: 'localhost', loginForm: true });
  server.op.accounts.set('alice-0001', { name: 'Alice Beispiel', groups: ['wc-caseworker'] });
  server.op.accounts.set('bob-0002', { name: 'Bob Muster', groups: ['parks'] });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const SSO_BUTTON = { de: 'Mit dem Konto der Stadt anmelden', en: 'Sign in with your city account' };

describe('single sign-on in a browser', () => {
  for (const lang of ['de', 'en'] as const) {
    it(`signs in through the provider on another site and lands signed in (${lang})`, async () => {
      const context = await browser.newContext({ locale: lang });
      const page = await context.newPage();
      const cspErrors: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspErrors.push(message.text());
      });
      await page.goto(`${server.url}/staff/account`);
      expect(new URL(page.url()).pathname).toBe('/staff/sign-in');
      expect(await axeViolations(page)).toEqual([]);
      server.op.loginAs('alice-0001');
      await page.getByRole('link', { name: SSO_BUTTON[lang] }).click();
      // At the provider's own page (another site): the way back starts there.
      await page.getByRole('button', { name: 'Sign in at the city' }).click();
      await page.waitForURL((url) => url.pathname === '/staff/account');
      await expect(page.locator('body').textContent()).resolves.toContain('Alice Beispiel');
      expect(cspErrors).toEqual([]);
      await context.close();
    });

    it(`explains a refusal and an expired sign-in on axe-clean pages (${lang})`, async () => {
      const context = await browser.newContext({ locale: lang });
      const page = await context.newPage();
      server.op.loginAs('bob-0002');
      const refused = await page.goto(`${server.url}/staff/sign-in/sso`);
      await page.getByRole('button', { name: 'Sign in at the city' }).click();
      await page.waitForURL((url) => url.pathname === '/staff/sign-in/sso/callback');
      expect(refused).not.toBeNull();
      await expect(page.locator('h1').textContent()).resolves.toBe(
        lang === 'de' ? 'Kein Zugang' : 'No access',
      );
      expect(await axeViolations(page)).toEqual([]);

      const expired = await page.goto(`${server.url}/staff/sign-in/sso/callback?code=x&state=y`);
      expect(expired?.status()).toBe(400);
      await expect(page.locator('h1').textContent()).resolves.toBe(
        lang === 'de' ? 'Anmeldung abgelaufen' : 'Sign-in expired',
      );
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    });
  }

  it('shows an axe-clean page while it takes the signed-in browser on', async () => {
    const context = await browser.newContext({ locale: 'de' });
    const page = await context.newPage();
    // The page moves on at once (Refresh header); a 204 for its target holds it for axe.
    await page.route('**/staff', (route) => route.fulfill({ status: 204 }));
    server.op.loginAs('alice-0001');
    await page.goto(`${server.url}/staff/sign-in/sso`);
    await page.getByRole('button', { name: 'Sign in at the city' }).click();
    await page.waitForURL((url) => url.pathname === '/staff/sign-in/sso/callback');
    await expect(page.locator('h1').textContent()).resolves.toBe('Angemeldet');
    expect(await axeViolations(page)).toEqual([]);
    await page.unroute('**/staff');
    await page.getByRole('link', { name: 'Weiter zum Bereich für Mitarbeitende' }).click();
    await page.waitForURL((url) => url.pathname === '/staff');
    await expect(page.locator('h1').textContent()).resolves.toBe('Übersicht');
    await context.close();
  });
});

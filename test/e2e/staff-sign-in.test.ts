import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser } from '../support/browser.ts';
import { TEST_STAFF_PASSWORD } from '../support/database-admin.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { totpCode } from '../support/staff.ts';

// Signing in as staff do it, in Chromium, by keyboard: user name and password, the code of
// the authenticator app; every page axe-clean in German and English, no CSP violation.

let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const pathOf = (page: Page) => new URL(page.url()).pathname;

async function checked(page: Page, lang: 'de' | 'en') {
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
  expect(await axeViolations(page)).toEqual([]);
}

describe('staff sign-in in the browser', () => {
  for (const lang of ['de', 'en'] as const) {
    it(`signs in by keyboard with password and app code (${lang})`, async () => {
      const context = await browser.newContext({ locale: lang === 'de' ? 'de-DE' : 'en-GB' });
      const page = await context.newPage();
      const cspViolations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });
      await page.goto(`${server.url}/staff/account?lang=${lang}`);
      expect(pathOf(page)).toBe('/staff/sign-in');
      await checked(page, lang);

      const username = lang === 'de' ? 'sachbearbeitung' : 'teamleitung';
      await page.keyboard.press('Tab'); // skip link
      await page.locator('#username').focus();
      await page.keyboard.type(username);
      await page.keyboard.press('Tab');
      await page.keyboard.type(TEST_STAFF_PASSWORD);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/staff\/sign-in\/code/);
      await checked(page, lang);

      // A wrong code: the message next to the field, still axe-clean.
      await page.locator('#code').fill('000000');
      await page.keyboard.press('Enter');
      await page.locator('#code-error').waitFor();
      await checked(page, lang);

      await page.locator('#code').fill(await totpCode(server.database.db, username));
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/staff\/account/);
      await checked(page, lang);
      await page.goto(`${server.url}/staff`);
      await checked(page, lang);
      expect(cspViolations).toEqual([]);
      await context.close();
    });
  }
});

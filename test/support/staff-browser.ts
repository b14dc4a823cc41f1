import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Db } from '../../src/platform/db/database.ts';
import { TEST_STAFF_PASSWORD } from './database-admin.ts';
import { totpCode } from './staff.ts';

// A member of staff signed in in Chromium as a person does it: user name and password, then
// the app's code; the page's CSP violations are collected for the test to check.

export type BrowserSession = { context: BrowserContext; page: Page; csp: string[] };

export async function signInInBrowser(
  browser: Browser,
  base: { url: string; db: Db },
  username: string,
  options: { locale?: string; now?: Date } = {},
): Promise<BrowserSession> {
  const context = await browser.newContext(options.locale ? { locale: options.locale } : {});
  const page = await context.newPage();
  const csp: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) csp.push(message.text());
  });
  await page.goto(`${base.url}/staff/sign-in`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(TEST_STAFF_PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/staff\/sign-in\/code/);
  await page.locator('#code').fill(await totpCode(base.db, username, options.now));
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname === '/staff');
  return { context, page, csp };
}

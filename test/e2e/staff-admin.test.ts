import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser } from '../support/browser.ts';
import { signInInBrowser, type BrowserSession } from '../support/staff-browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// Staff administration and the audit trail in Chromium: every page of both screens in German
// and English, axe-clean and without CSP violations, including the pages with messages; a
// new account created by keyboard; the CSV export downloaded.

let server: TestServer;
let browser: Browser;
let admin: Session;
let dpo: Session;

type Session = BrowserSession;

const signedIn = (username: string): Promise<Session> =>
  signInInBrowser(browser, { url: server.url, db: server.database.db }, username);

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  admin = await signedIn('admin');
  dpo = await signedIn('datenschutz');
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function clean(session: Session, lang: string) {
  const { page } = session;
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
  expect(await axeViolations(page), page.url()).toEqual([]);
  expect(session.csp).toEqual([]);
}

async function visit(session: Session, path: string) {
  const response = await session.page.goto(`${server.url}${path}`);
  return response?.status() ?? 0;
}

/** Submits a form (by `press`) and waits for the page that answers. */
async function submitWith(page: Page, press: () => Promise<void>) {
  const answer = page.waitForEvent('framenavigated');
  await press();
  await answer;
  await page.waitForLoadState('load');
}

describe.each(['de', 'en'] as const)('staff accounts in %s', (lang) => {
  it('lists, creates (by keyboard), edits and confirms, every page axe-clean', async () => {
    const { page } = admin;
    expect(await visit(admin, `/staff/accounts?lang=${lang}`)).toBe(200);
    await clean(admin, lang);
    expect(await page.locator('table.accounts tbody tr').count()).toBeGreaterThanOrEqual(6);

    expect(await visit(admin, '/staff/accounts/new')).toBe(200);
    await clean(admin, lang);

    // Sent empty: the summary and each field's message.
    await submitWith(page, () => page.locator('main button[type=submit]').click());
    expect(await page.locator('.error-summary a[href="#user"]').count()).toBe(1);
    expect(await page.locator('#grant-error').count()).toBe(1);
    await clean(admin, lang);

    // Filled in by keyboard.
    const username = `e2e.${lang}`;
    await page.locator('#user').focus();
    await page.keyboard.type(username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(`Test ${lang.toUpperCase()}`);
    await page.locator('#grant-caseworker-north').focus();
    await page.keyboard.press('Space');
    await page.locator('#lang-0').focus();
    await page.keyboard.type('fa');
    await page.keyboard.press('Tab');
    await page.keyboard.press('End'); // the last level: native speaker
    await page.locator('main button[type=submit]').focus();
    await submitWith(page, () => page.keyboard.press('Enter'));
    const password = await page.locator('#one-time-password').textContent();
    expect(password).toMatch(/^[a-z0-9-]{23}$/);
    await clean(admin, lang);

    expect(await visit(admin, `/staff/accounts/edit?user=${username}`)).toBe(200);
    expect(await page.locator('#grant-caseworker-north').isChecked()).toBe(true);
    expect(await page.locator('#level-0').inputValue()).toBe('native');
    await clean(admin, lang);

    // A bad change: the message next to the field.
    await page.locator('#displayName').fill('');
    await submitWith(page, () => page.locator('#displayName').press('Enter'));
    expect(await page.locator('#displayName-error').count()).toBe(1);
    await clean(admin, lang);

    await page.locator('#displayName').fill(`Test ${lang} geändert`);
    await submitWith(page, () => page.locator('#displayName').press('Enter'));
    expect(new URL(page.url()).searchParams.get('done')).toBe('saved');
    expect(await page.locator('.notice[role=status]').count()).toBe(1);
    await clean(admin, lang);

    // Deactivation asks first; the confirmation page, then back without a change.
    await submitWith(page, () =>
      page.locator('form[action="/staff/accounts/deactivate"] button').click(),
    );
    expect(await page.locator('input[name=confirm][value=yes]').count()).toBe(1);
    await clean(admin, lang);
    await submitWith(page, () =>
      page.locator('form[action="/staff/accounts/deactivate"] button').click(),
    );
    expect(new URL(page.url()).searchParams.get('done')).toBe('deactivated');
    await clean(admin, lang);

    // Refused: deactivating oneself.
    expect(await visit(admin, '/staff/accounts/edit?user=admin')).toBe(200);
    await submitWith(page, () =>
      page.locator('form[action="/staff/accounts/deactivate"] button').click(),
    );
    expect(await page.locator('.error-summary[role=alert]').count()).toBe(1);
    await clean(admin, lang);
  });
});

describe.each(['de', 'en'] as const)('the audit trail in %s', (lang) => {
  it('searches, pages, explains a bad filter and shows the chain check, axe-clean', async () => {
    const { page } = dpo;
    expect(await visit(dpo, `/staff/audit?lang=${lang}`)).toBe(200);
    expect(await page.locator('table.audit-table tbody tr').count()).toBeGreaterThan(0);
    await clean(dpo, lang);

    await page.locator('#actor').fill('admin');
    await page.locator('#action').selectOption('change');
    await submitWith(page, () => page.locator('#actor').press('Enter'));
    expect(new URL(page.url()).searchParams.get('actor')).toBe('admin');
    await clean(dpo, lang);

    expect(await visit(dpo, '/staff/audit?from=2026-13-01')).toBe(400);
    expect(await page.locator('#from-error').count()).toBe(1);
    await clean(dpo, lang);

    expect(await visit(dpo, '/staff/audit/verify')).toBe(200);
    expect(await page.locator('.notice[role=status]').count()).toBe(1);
    await clean(dpo, lang);
  });
});

describe('the CSV export', () => {
  it('downloads the searched entries', async () => {
    const { page } = dpo;
    await visit(dpo, '/staff/audit?action=sign_in&lang=en');
    const download = page.waitForEvent('download');
    await page.locator('form[action="/staff/audit/export"] button').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
    const stream = await file.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const lines = Buffer.concat(chunks).toString('utf8').trim().split('\n');
    expect(lines[0]).toContain('seq,at,actor_id,actor_name,action');
    expect(lines.slice(1).every((line) => line.includes(',sign_in,'))).toBe(true);
    expect(lines.length).toBeGreaterThan(2);
  });
});

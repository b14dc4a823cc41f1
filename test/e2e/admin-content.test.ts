import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser } from '../support/browser.ts';
import { signInInBrowser, type BrowserSession } from '../support/staff-browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// Office and concern administration in Chromium, in German and English: every page (with its
// messages) axe-clean, without CSP violations, a label on every field and no positive
// tabindex; opening hours and an Arabic concern text changed with the keyboard and seen on
// the public pages.

let server: TestServer;
let browser: Browser;
let admin: Session;

type Session = BrowserSession;

const signedIn = (username: string): Promise<Session> =>
  signInInBrowser(browser, { url: server.url, db: server.database.db }, username, {
    locale: 'de-DE',
  });

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  admin = await signedIn('admin');
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** axe, CSP, a label for every field, no positive tabindex. */
async function clean(lang: string) {
  const { page } = admin;
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
  expect(await axeViolations(page), page.url()).toEqual([]);
  expect(admin.csp).toEqual([]);
  const problems = await page.evaluate(() => {
    const unlabeled = [
      ...document.querySelectorAll<HTMLInputElement>('input:not([type=hidden]), select, textarea'),
    ]
      .filter((field) => (field.labels?.length ?? 0) === 0)
      .map((field) => `unlabeled ${field.name}`);
    const positive = [...document.querySelectorAll('[tabindex]')]
      .filter((element) => Number(element.getAttribute('tabindex')) > 0)
      .map((element) => `tabindex on ${element.tagName}`);
    return [...unlabeled, ...positive];
  });
  expect(problems, page.url()).toEqual([]);
}

async function visit(path: string) {
  const response = await admin.page.goto(`${server.url}${path}`);
  return response?.status() ?? 0;
}

/** Submits a form (by `press`) and waits for the page that answers. */
async function submitWith(page: Page, press: () => Promise<void>) {
  const answer = page.waitForEvent('framenavigated');
  await press();
  await answer;
  await page.waitForLoadState('load');
}

/** Tabs forward from the focused element until `selector` has the focus. */
async function tabTo(page: Page, selector: string, limit = 200) {
  for (let i = 0; i < limit; i += 1) {
    if (await page.locator(selector).evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} not reached by Tab`);
}

const publicPage = async (path: string) => (await fetch(`${server.url}${path}`)).text();

describe.each(['de', 'en'] as const)('office administration in %s', (lang) => {
  const opens = lang === 'de' ? '09:15' : '09:45';

  it('lists the offices and changes opening hours of central by keyboard', async () => {
    const { page } = admin;
    expect(await visit(`/staff/offices?lang=${lang}`)).toBe(200);
    await clean(lang);

    expect(await visit('/staff/offices/central')).toBe(200);
    await clean(lang);

    // Closes before it opens: the summary links to the field, the message sits beside it.
    await page.locator('#h1_0_opens').fill('12:00');
    await page.locator('#h1_0_closes').fill('08:00');
    await page.locator('#h1_0_closes').focus();
    await tabTo(page, '.hours-form button[type=submit]');
    await submitWith(page, () => page.keyboard.press('Enter'));
    expect(await page.locator('.error-summary a[href="#h1_0_closes"]').count()).toBe(1);
    expect(await page.locator('#h1_0_closes-error').count()).toBe(1);
    await clean(lang);

    await page.locator('#h1_0_opens').fill(opens);
    await page.locator('#h1_0_closes').fill('12:00');
    await page.locator('#h1_0_closes').focus();
    await tabTo(page, '.hours-form button[type=submit]');
    await submitWith(page, () => page.keyboard.press('Enter'));
    expect(new URL(page.url()).searchParams.get('saved')).toBe('hours');
    expect(await page.locator('.notice[role=status]').count()).toBe(1);
    await clean(lang);

    expect(await publicPage('/de/offices/central')).toContain(
      `<th scope="row">Montag</th><td>${opens} bis 12:00 Uhr</td>`,
    );
  });

  it('shows a bad address next to its field', async () => {
    const { page } = admin;
    expect(await visit('/staff/offices/north')).toBe(200);
    await page.locator('#postalCode').fill('123');
    await submitWith(page, () => page.locator('#postalCode').press('Enter'));
    expect(await page.locator('#postalCode-error').count()).toBe(1);
    await clean(lang);
  });
});

describe.each(['de', 'en'] as const)('concern administration in %s', (lang) => {
  const title = lang === 'de' ? 'التجنّس – نص جديد' : 'التجنّس – نص محدّث';

  it('shows the translation status of every concern and of one concern', async () => {
    expect(await visit(`/staff/concerns?lang=${lang}`)).toBe(200);
    await clean(lang);
    expect(await visit('/staff/concerns/naturalisation')).toBe(200);
    await clean(lang);
  });

  it('edits an Arabic text by keyboard, previews and publishes it', async () => {
    const { page } = admin;
    expect(await visit('/staff/concerns/naturalisation/ar')).toBe(200);
    await clean(lang);
    expect(await page.locator('#title').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('#title').getAttribute('lang')).toBe('ar');

    await page.locator('#title').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(title);
    await tabTo(page, 'main form button[type=submit]');
    await submitWith(page, () => page.keyboard.press('Enter'));
    expect(new URL(page.url()).pathname).toBe('/staff/concerns/naturalisation/ar/preview');
    expect(await page.locator('.preview h1').textContent()).toBe(title);
    await clean(lang);
    // The public page does not show a draft.
    expect(await publicPage('/ar/concerns/naturalisation')).not.toContain(title);

    await page.locator('main form[action$="/publish"] button').focus();
    await submitWith(page, () => page.keyboard.press('Enter'));
    expect(new URL(page.url()).searchParams.get('published')).toBe('ar');
    await clean(lang);

    expect(await publicPage('/ar/concerns/naturalisation')).toContain(title);
  });

  it('shows the messages of a bad German text and the preview without a draft', async () => {
    const { page } = admin;
    expect(await visit('/staff/concerns/naturalisation/de')).toBe(200);
    await clean(lang);
    await page.locator('#title').fill('');
    await submitWith(page, () => page.locator('#title').press('Enter'));
    expect(await page.locator('.error-summary a[href="#title"]').count()).toBe(1);
    expect(await page.locator('#title-error').count()).toBe(1);
    await clean(lang);

    expect(await visit('/staff/concerns/naturalisation/en/preview')).toBe(200);
    await clean(lang);
  });
});

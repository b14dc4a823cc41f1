import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser } from '../support/browser.ts';
import { signInInBrowser, type BrowserSession } from '../support/staff-browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { DEMO_STAFF } from '../support/staff.ts';

// What a user trial of the staff area found, in Chromium: error pages inside the staff
// layout in the staff language (axe-clean in German and English), the confirmation of a
// save where the page returns to, bullets of a right-to-left preview on the right, and the
// sign-in page saying that signing out worked.

let server: TestServer;
let browser: Browser;

type Session = BrowserSession;

const signedIn = (username: string): Promise<Session> =>
  signInInBrowser(browser, { url: server.url, db: server.database.db }, username, {
    locale: 'de-DE',
  });

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function clean(session: Session, lang: 'de' | 'en') {
  const { page } = session;
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
  expect(await axeViolations(page), page.url()).toEqual([]);
  expect(session.csp).toEqual([]);
}

async function visit(session: Session, path: string) {
  const response = await session.page.goto(`${server.url}${path}`);
  return response?.status() ?? 0;
}

const heading = (page: Page) => page.locator('h1').innerText();

describe('error pages under /staff', () => {
  it('refuses reception the office administration inside the staff layout, then signs out', async () => {
    const reception = await signedIn(DEMO_STAFF.reception);
    const { page } = reception;
    for (const [lang, title] of [
      ['en', 'No access'],
      ['de', 'Kein Zugriff'],
    ] as const) {
      expect(await visit(reception, `/staff/offices?lang=${lang}`)).toBe(403);
      expect(await heading(page)).toBe(title);
      expect(await page.locator('body.staff nav.main-nav a[href="/staff/day"]').count()).toBe(1);
      await clean(reception, lang);
    }
    for (const lang of ['en', 'de'] as const) {
      expect(await visit(reception, `/staff/no-such-page?lang=${lang}`)).toBe(404);
      expect(await heading(page)).toBe(lang === 'en' ? 'Page not found' : 'Seite nicht gefunden');
      expect(await page.locator('body.staff main a[href="/staff"]').count()).toBe(1);
      await clean(reception, lang);
    }

    // Signing out: the sign-in page says it worked.
    expect(await visit(reception, '/staff?lang=en')).toBe(200);
    await page.locator('form[action="/staff/sign-out"] button').click();
    await page.waitForURL((url) => url.pathname === '/staff/sign-in');
    expect(new URL(page.url()).searchParams.get('signedOut')).toBe('1');
    expect(await page.locator('p[role=status]').innerText()).toBe('You are signed out.');
    await clean(reception, 'en');
    await reception.context.close();
  });
});

describe('administration', () => {
  let admin: Session;
  beforeAll(async () => {
    admin = await signedIn(DEMO_STAFF.administrator);
  });
  afterAll(async () => admin?.context.close());

  it('confirms a saved office section in view, under its heading', async () => {
    const { page } = admin;
    for (const lang of ['de', 'en'] as const) {
      expect(await visit(admin, `/staff/offices/central?lang=${lang}`)).toBe(200);
      // The last form of the page: at the top, its notice would be far off-screen.
      const answer = page.waitForURL(/#languages-heading$/);
      await page.locator('#languages-heading ~ form button[type=submit]').click();
      await answer;
      const notice = page.locator('#languages-heading + p.notice[role=status]');
      expect(await notice.count()).toBe(1);
      const inView = await notice.evaluate((el) => {
        const box = el.getBoundingClientRect();
        return box.top >= 0 && box.bottom <= window.innerHeight;
      });
      expect(inView).toBe(true);
      expect(await page.locator('[role=status]').count()).toBe(1);
      await clean(admin, lang);
    }
  });

  it('previews an Arabic concern page right to left, bullets on the right', async () => {
    const { page } = admin;
    expect(await visit(admin, '/staff/concerns/naturalisation/ar/preview?lang=en')).toBe(200);
    const preview = page.locator('.preview');
    expect(await preview.getAttribute('lang')).toBe('ar');
    expect(await preview.getAttribute('dir')).toBe('rtl');
    const sides = await page.locator('.preview ul.checklist').evaluate((list) => {
      const item = list.querySelector('li')!.getBoundingClientRect();
      const box = list.getBoundingClientRect();
      return {
        direction: getComputedStyle(list).direction,
        // The list's indent (where the markers sit) is on the side the items start from.
        indentRight: box.right - item.right,
        indentLeft: item.left - box.left,
      };
    });
    expect(sides.direction).toBe('rtl');
    expect(sides.indentRight).toBeGreaterThan(10);
    expect(sides.indentLeft).toBeLessThan(1);
    await clean(admin, 'en');
  });
});

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookAppointment, extendSlotWindow } from '../../src/appointments/service.ts';
import { MUSTERSTADT, person, slotAt } from '../support/booking.ts';
import { axeViolations, launchBrowser } from '../support/browser.ts';
import { signInInBrowser } from '../support/staff-browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The day view and capacity administration in Chromium: every state axe-clean in German and
// English without CSP violations, and reception marking an arrival with the keyboard only.

const NOW = new Date('2027-03-22T07:50:00Z'); // Monday, 08:50 in Musterstadt
let server: TestServer;
let browser: Browser;
const cspViolations: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ clock: () => NOW });
  const db = server.database.db;
  await extendSlotWindow(db, MUSTERSTADT, new Date('2027-03-15T06:00:00Z'));
  for (const [n, startsAt, familyName] of [
    [1, '2027-03-22T07:00:00Z', 'Haddad'],
    [2, '2027-03-22T07:15:00Z', 'Kowalski'],
  ] as const) {
    const slot = await slotAt(db, 'address-registration', 'central', startsAt);
    const result = await bookAppointment(
      { db, clock: () => new Date('2027-03-20T10:00:00Z'), baseUrl: server.url },
      MUSTERSTADT,
      {
        slotId: slot.id,
        concernId: 'address-registration',
        person: person(n, {
          familyName,
          email: null,
          phone: '+49 30 1234567',
          interpreterLanguage: 'uk',
        }),
      },
    );
    if (!result.ok) throw new Error('booking failed');
  }
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signedIn(username: string) {
  const session = await signInInBrowser(
    browser,
    { url: server.url, db: server.database.db },
    username,
    { locale: 'de-DE', now: NOW },
  );
  session.page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return { context: session.context, page: session.page };
}

async function checked(page: Page, url: string, lang: 'de' | 'en') {
  await page.goto(`${server.url}${url}${url.includes('?') ? '&' : '?'}lang=${lang}`);
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
  expect(await axeViolations(page), `${url} (${lang})`).toEqual([]);
}

describe('the day view in the browser', () => {
  it('is axe-clean in German and English; reception marks an arrival by keyboard', async () => {
    const { context, page } = await signedIn('empfang');
    for (const lang of ['de', 'en'] as const) {
      await checked(page, '/staff/day?office=central&day=2027-03-22', lang);
      await checked(page, '/staff/day?office=central&day=2027-02-30', lang); // the message
      await checked(page, '/staff/day?office=central&day=2027-03-23', lang); // no appointments
    }

    await page.goto(`${server.url}/staff/day?office=central&day=2027-03-22&lang=en`);
    // From the top of the page, Tab until the first "Arrived" button (Haddad, 08:00).
    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(() => {
        const element = document.activeElement;
        return element?.tagName === 'BUTTON' && /^Arrived: Haddad/.test(element.textContent ?? '');
      });
    }
    expect(found).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/notice=arrived/);
    expect(await page.locator('[role=status]').textContent()).toContain('Marked as arrived.');
    const row = page.locator('tr', { hasText: 'Haddad' });
    expect(await row.textContent()).toContain('Arrived at 08:50');
    // The page returns to the row just marked, so the keyboard continues from there.
    expect(new URL(page.url()).hash).toMatch(/^#booking-\d+$/);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
    expect(cspViolations).toEqual([]);
  });
});

describe('capacity administration in the browser', () => {
  it('is axe-clean in German and English: rules, closures, preview, messages', async () => {
    const { context, page } = await signedIn('teamleitung');
    for (const lang of ['de', 'en'] as const) {
      await checked(page, '/staff/capacity?office=central&concern=address-registration', lang);
      // A preview of fewer desks on Mondays, made by keyboard in the first row.
      await page.locator('#desks_0').fill('1');
      await page.locator('#desks_0').press('Enter');
      await page.locator('#preview-title').waitFor();
      expect(await axeViolations(page), `preview (${lang})`).toEqual([]);
      // A wrong end time: the message beside the field and in the summary.
      await page.locator('#ends_1').fill('07:00');
      await page.locator('#ends_1').press('Enter');
      await page.locator('#ends_1-error').waitFor();
      expect(await axeViolations(page), `errors (${lang})`).toEqual([]);
    }
    await context.close();

    const admin = await signedIn('admin');
    for (const lang of ['de', 'en'] as const) {
      // With the release policy form, which only administrators get.
      await checked(admin.page, '/staff/capacity?office=north&concern=residence-extension', lang);
      expect(await admin.page.locator('#slotMinutes').count()).toBe(1);
    }
    await admin.context.close();
    expect(cspViolations).toEqual([]);
  });
});

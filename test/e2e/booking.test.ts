import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUSTERSTADT } from '../support/booking.ts';
import { bookAppointment, extendSlotWindow } from '../../src/appointments/service.ts';
import { axeViolations, launchBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The booking journey as newcomers use it: German without JavaScript, Arabic with it,
// axe-core on every page, then view, move and cancel the appointment.

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  await extendSlotWindow(server.database.db, MUSTERSTADT, new Date());
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const path = (page: Page) => new URL(page.url()).pathname;

async function checkPage(page: Page, pagesSeen: string[]) {
  pagesSeen.push(path(page));
  expect(await axeViolations(page), path(page)).toEqual([]);
}

async function bookAddressRegistration(page: Page, lang: string, withAxe: boolean) {
  const seen: string[] = [];
  const step = async () => {
    if (withAxe) await checkPage(page, seen);
  };
  await page.goto(`${server.url}/${lang}/book`);
  await step();
  await page.locator('button[type=submit]').click(); // nothing chosen: error summary
  expect(await page.locator('.error-summary').count()).toBe(1);
  await step();
  await page.check('input[value="address-registration"]');
  await page.locator('button[type=submit]').click();
  expect(path(page)).toBe(`/${lang}/book/office`);
  await step();
  await page.check('input[value="central"]');
  await page.locator('button[type=submit]').click();
  expect(path(page)).toBe(`/${lang}/book/day`);
  await step();
  await page.locator('input[name=day]').first().check();
  await page.locator('button[type=submit]').click();
  expect(path(page)).toBe(`/${lang}/book/time`);
  await step();
  await page.locator('input[name=slot]').first().check();
  await page.locator('button[type=submit]').click();
  expect(path(page)).toBe(`/${lang}/book/details`);
  await step();
  await page.locator('button[type=submit]').click(); // empty details: errors, nothing stored
  expect(await page.locator('.error-summary li').count()).toBeGreaterThanOrEqual(3);
  await step();
  await page.fill('#familyName', 'Haddad');
  await page.fill('#givenNames', 'Rania');
  await page.fill('#dobDay', '14');
  await page.fill('#dobMonth', '2');
  await page.fill('#dobYear', '1991');
  await page.fill('#email', 'rania.haddad@example.org');
  await page.check('input[name=interpreter][value=yes]');
  await page.selectOption('#interpreterLanguage', 'ar');
  await page.locator('button[type=submit]').click();
  expect(path(page)).toBe(`/${lang}/book/check`);
  await step();
  expect(await page.locator('.summary-list').textContent()).toContain('Haddad, Rania');
  await page.locator('button[type=submit]').click();
  expect(path(page)).toBe(`/${lang}/book/confirmation`);
  await step();
  const code = (await page.locator('.booking-code').textContent())?.trim() ?? '';
  expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
  expect(await page.locator('.qr svg').count()).toBe(1);
  expect(await page.locator('.checklist li').count()).toBeGreaterThan(1);
  return { code, seen };
}

describe('booking in German without JavaScript', () => {
  it('books, shows the confirmation, then moves and cancels the appointment', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const { code } = await bookAddressRegistration(page, 'de', false);
    const { db } = server.database;
    const booked = await sql<{ booked: number; slot_id: string }>`
      SELECT s.booked, b.slot_id FROM booking b JOIN slot s ON s.id = b.slot_id WHERE b.code = ${code}`.execute(
      db,
    );
    expect(booked.rows[0]?.booked).toBe(1);
    const mail = await sql<{
      subject: string;
    }>`SELECT subject FROM mail_outbox WHERE recipient = 'rania.haddad@example.org'`.execute(db);
    expect(mail.rows[0]?.subject).toMatch(/^Ihr Termin am /);

    const ics = await context.request.get(`${server.url}/de/booking.ics`);
    expect(ics.headers()['content-type']).toContain('text/calendar');
    expect(await ics.text()).toContain('DTSTART;TZID=Europe/Berlin:');

    // A new browser: look the booking up by code and date of birth.
    const other = await browser.newContext({ javaScriptEnabled: false });
    const manage = await other.newPage();
    await manage.goto(`${server.url}/de/manage`);
    await manage.fill('#code', code.toLowerCase());
    await manage.fill('#dobDay', '14');
    await manage.fill('#dobMonth', '2');
    await manage.fill('#dobYear', '1990'); // wrong year: not found, no details shown
    await manage.locator('button[type=submit]').click();
    expect(await manage.locator('.error-summary').textContent()).toContain('keinen Termin');
    await manage.fill('#dobYear', '1991');
    await manage.locator('button[type=submit]').click();
    expect(path(manage)).toBe('/de/manage/booking');

    await manage.getByRole('link', { name: 'Termin verschieben' }).click();
    await manage.locator('input[name=day]').last().check();
    await manage.locator('button[type=submit]').click();
    await manage.locator('input[name=slot]').last().check();
    await manage.locator('button[type=submit]').click();
    expect(path(manage)).toBe('/de/manage/booking');
    expect(await manage.locator('.notice').first().textContent()).toContain('verschoben');
    const moved = await sql<{ old: number; new: number }>`
      SELECT (SELECT booked FROM slot WHERE id = ${booked.rows[0]?.slot_id ?? '0'}) AS old,
             (SELECT s.booked FROM booking b JOIN slot s ON s.id = b.slot_id WHERE b.code = ${code}) AS new`.execute(
      db,
    );
    expect(moved.rows[0]).toEqual({ old: 0, new: 1 });
    // The move sends the updated confirmation.
    const mails = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM mail_outbox WHERE recipient = 'rania.haddad@example.org'`.execute(
      db,
    );
    expect(mails.rows[0]?.n).toBe(2);

    await manage.getByRole('button', { name: 'Termin absagen' }).click();
    expect(path(manage)).toBe('/de/manage/cancelled');
    const after = await sql<{ status: string; booked: number }>`
      SELECT b.status, s.booked FROM booking b JOIN slot s ON s.id = b.slot_id WHERE b.code = ${code}`.execute(
      db,
    );
    expect(after.rows[0]).toEqual({ status: 'cancelled', booked: 0 });
    await other.close();
    await context.close();
  });
});

describe('booking in Arabic', () => {
  it('works right to left and every page of the journey passes axe', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { seen } = await bookAddressRegistration(page, 'ar', true);
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(seen).toContain('/ar/book/details');
    // Managing the appointment: view, move (day, time), cancel; every page checked.
    await page.goto(`${server.url}/ar/manage/booking`);
    await checkPage(page, seen);
    await page.locator('a[href="/ar/manage/reschedule"]').click();
    await checkPage(page, seen);
    await page.locator('input[name=day]').last().check();
    await page.locator('button[type=submit]').click();
    await checkPage(page, seen);
    await page.locator('input[name=slot]').last().check();
    await page.locator('button[type=submit]').click();
    expect(path(page)).toBe('/ar/manage/booking');
    await checkPage(page, seen);
    await page.locator('.actions button[type=submit]').click();
    expect(path(page)).toBe('/ar/manage/cancelled');
    await checkPage(page, seen);
    // The lookup form; the code field stays left to right inside the right-to-left page.
    await page.goto(`${server.url}/ar/manage`);
    await checkPage(page, seen);
    expect(await page.locator('#code').getAttribute('dir')).toBe('ltr');
    await context.close();
  });

  it('refuses a second active booking of the same person for the same concern', async () => {
    // An active booking of "Karimi, Dunya" at the central office…
    const { db } = server.database;
    const first = await sql<{ id: string }>`
      SELECT id FROM slot WHERE concern_id = 'address-registration' AND office_id = 'central'
        AND booked < capacity AND released_at <= now() AND starts_at > now()
      ORDER BY starts_at LIMIT 1`.execute(db);
    const created = await bookAppointment(
      { db, clock: () => new Date(), baseUrl: server.url },
      MUSTERSTADT,
      {
        slotId: first.rows[0]?.id ?? '',
        concernId: 'address-registration',
        person: {
          familyName: 'Karimi',
          givenNames: 'Dunya',
          dateOfBirth: '1991-02-14',
          email: null,
          phone: '+49 151 1111111',
          language: 'fa',
          interpreterLanguage: null,
        },
      },
    );
    expect(created.ok).toBe(true);
    // …and the same person, spelt otherwise, tries again at another office.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/ar/book?concern=address-registration`);
    await page.check('input[value="north"]');
    await page.locator('button[type=submit]').click();
    await page.locator('input[name=day]').first().check();
    await page.locator('button[type=submit]').click();
    await page.locator('input[name=slot]').first().check();
    await page.locator('button[type=submit]').click();
    await page.fill('#familyName', 'KARIMI');
    await page.fill('#givenNames', 'dunya');
    await page.fill('#dobDay', '14');
    await page.fill('#dobMonth', '02');
    await page.fill('#dobYear', '1991');
    await page.fill('#phone', '+49 151 2345678');
    await page.check('input[name=interpreter][value=no]');
    await page.locator('button[type=submit]').click();
    const response = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.locator('button[type=submit]').click();
    expect((await response).status()).toBe(409);
    expect(await page.locator('h1').textContent()).toMatch(/[\u0600-\u06ff]/);
    expect(await page.locator('a[href="/ar/manage"]').count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});

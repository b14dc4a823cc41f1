import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/support/app.ts';
import { FormClient } from '../../../test/support/form-client.ts';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { DEMO_STAFF, signIn } from '../../../test/support/staff.ts';

// Errors under /staff are answered in the staff area's frame and language (`?lang=`, then
// its cookie), with the signed-in navigation once the guard knows who asks; the public
// pages and the API answer as before.

let server: TestServer;
let reception: FormClient;
let admin: FormClient;

beforeAll(async () => {
  server = await startTestServer();
  reception = new FormClient(server.url);
  admin = new FormClient(server.url);
  await signIn(reception, server.database.db, DEMO_STAFF.reception);
  await signIn(admin, server.database.db, DEMO_STAFF.administrator);
});
afterAll(async () => server?.close());

/** The page's text without tags. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

function expectStaffFrame(html: string, lang: 'de' | 'en') {
  expect(html).toContain(`<html lang="${lang}" dir="ltr">`);
  expect(html).toContain('<body class="staff">');
  expect(html).toContain('<a href="/staff">');
  // Not the public portal's header and its way home.
  expect(html).not.toContain('Zur Startseite</a>');
  expect(html).not.toContain('class="language-switcher');
}

describe('error pages under /staff', () => {
  it('refuses reception the office administration in English, in the staff layout', async () => {
    const page = await reception.get('/staff/offices?lang=en');
    expect(page.status).toBe(403);
    expectStaffFrame(page.html, 'en');
    const shown = text(page.html);
    expect(shown).toContain('No access');
    expect(shown).toContain('Your roles do not allow this page or action.');
    expect(shown).toContain("Back to the staff area's home page");
    expect(page.html).toContain('<title>No access – Welcome Center – staff</title>');
    // Signed in: the areas reception may use, and the way out.
    expect(page.html).toContain('aria-label="Areas"');
    expect(page.html).toContain('href="/staff/day"');
    expect(page.html).not.toContain('href="/staff/offices"');
    expect(page.html).toContain('action="/staff/sign-out"');
  });

  it('shows the signed-in navigation when the refusal comes from the handler too', async () => {
    // Reception reaches the day view, but not the day of an office outside theirs.
    const page = await reception.get('/staff/day?office=north&lang=en');
    expect(page.status).toBe(403);
    expectStaffFrame(page.html, 'en');
    expect(page.html).toContain('aria-label="Areas"');
    expect(page.html).toContain('action="/staff/sign-out"');
    expect(text(page.html)).toContain('Signed in as');
  });

  it('answers an unknown record and an unknown page with "not found" in the remembered language', async () => {
    const record = await admin.get('/staff/offices/nowhere?lang=en');
    expect(record.status).toBe(404);
    expectStaffFrame(record.html, 'en');
    expect(text(record.html)).toContain('Page not found');
    expect(record.html).toContain('action="/staff/sign-out"');

    // No route: the guard never ran, the language comes from the cookie set above.
    const page = await admin.get('/staff/no-such-page');
    expect(page.status).toBe(404);
    expectStaffFrame(page.html, 'en');
    expect(text(page.html)).toContain('This page or record does not exist (any more).');

    const german = await admin.get('/staff/no-such-page?lang=de');
    expect(german.status).toBe(404);
    expectStaffFrame(german.html, 'de');
    expect(text(german.html)).toContain('Seite nicht gefunden');
  });

  it('answers a form from an ended session and a too large form inside the staff layout', async () => {
    const expired = await admin.post('/staff/account/sign-out-everywhere', { _csrf: 'stale' });
    expect(expired.status).toBe(403);
    expectStaffFrame(expired.html, 'de');
    expect(text(expired.html)).toContain('Formular abgelaufen');

    const large = await fetch(`${server.url}/staff/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'wc_staff_lang=en' },
      body: `username=${'x'.repeat(100 * 1024)}`,
    });
    expect(large.status).toBe(413);
    const html = await large.text();
    expectStaffFrame(html, 'en');
    expect(text(html)).toContain('Request not understood');
  });

  it('leaves the public pages and the API as they were', async () => {
    const publicPage = await fetch(`${server.url}/de/no-such-page`);
    expect(publicPage.status).toBe(404);
    const html = await publicPage.text();
    expect(html).not.toContain('<body class="staff">');
    expect(html).toContain('Zur Startseite');

    const api = await fetch(`${server.url}/api/no-such-thing`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });

    // Not the staff area, though it starts alike.
    const staffing = await fetch(`${server.url}/staffing`);
    expect(await staffing.text()).not.toContain('<body class="staff">');
  });
});

describe('a too-many-requests answer under /staff', () => {
  let limited: FastifyInstance;
  beforeAll(async () => {
    limited = await createTestApp(server.database.db, { RATE_LIMIT_PER_MINUTE: '2' });
  });
  afterAll(async () => limited?.close());

  it('is in the staff layout and the language of the cookie, before any other hook ran', async () => {
    let last = await limited.inject({ url: '/staff/sign-in' });
    for (let i = 0; i < 3; i += 1) {
      last = await limited.inject({
        url: '/staff/sign-in',
        headers: { cookie: 'wc_staff_lang=en' },
      });
    }
    expect(last.statusCode).toBe(429);
    expect(last.headers['retry-after']).toBeDefined();
    expectStaffFrame(last.body, 'en');
    expect(text(last.body)).toContain('Too many requests');
  });
});

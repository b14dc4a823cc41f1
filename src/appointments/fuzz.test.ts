import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotsFrom } from '../../test/support/booking.ts';
import { startTestServer, type TestServer } from '../../test/support/server.ts';

// Random and malformed input to every booking POST route and API endpoint: never a 5xx,
// never a booking or a mail written for invalid input.

let server: TestServer;
let cookie = '';
let csrf = '';

beforeAll(async () => {
  server = await startTestServer({ clock: () => new Date('2027-03-20T10:00:00Z') });
  await slotsFrom(server.database.db, '2027-03-22', 7);
  // A real journey cookie and CSRF token, so that the random bodies reach the handlers.
  const res = await fetch(`${server.url}/de/book`);
  cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  csrf = (await res.text()).match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
  expect(csrf).not.toBe('');
});
afterAll(() => server.close());

async function counts() {
  const result = await sql<{ bookings: number; mails: number; booked: number }>`
    SELECT (SELECT count(*)::int FROM booking) AS bookings,
           (SELECT count(*)::int FROM mail_outbox) AS mails,
           (SELECT coalesce(sum(booked), 0)::int FROM slot) AS booked`.execute(server.database.db);
  return result.rows[0];
}

const FORM_ROUTES = [
  '/de/book',
  '/de/book/office',
  '/de/book/day',
  '/de/book/time',
  '/de/book/details',
  '/de/book/check',
  '/de/manage',
  '/de/manage/cancel',
  '/de/manage/reschedule',
  '/de/manage/reschedule/time',
  '/staff/login',
];
const API_ROUTES = ['/api/v1/bookings', '/api/v1/bookings/lookup', '/api/v1/bookings/cancel'];
const FIELDS = [
  'concern',
  'office',
  'day',
  'slot',
  'familyName',
  'givenNames',
  'dobDay',
  'dobMonth',
  'dobYear',
  'email',
  'phone',
  'language',
  'interpreter',
  'interpreterLanguage',
  'code',
  'username',
  'password',
  'slotId',
  'concernId',
  'dateOfBirth',
];

const value = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '99999999999999999999',
    '2027-02-30',
    'address-registration',
    'central',
    '1',
    "'; DROP TABLE slot; --",
    '<script>',
    '\u0000',
    'yes',
    'de',
  ),
  fc.integer().map(String),
);
const formBody = fc.dictionary(
  fc.constantFrom(...FIELDS),
  fc.oneof(value, fc.array(value, { maxLength: 3 })),
);
const jsonBody = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(fc.jsonValue(), value)),
);

describe('random input', () => {
  it('to the HTML forms never causes a 5xx or a booking', async () => {
    const before = await counts();
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FORM_ROUTES), formBody, async (route, body) => {
        const form = new URLSearchParams({ _csrf: csrf });
        for (const [key, v] of Object.entries(body)) {
          for (const item of Array.isArray(v) ? v : [v]) form.append(key, item);
        }
        const res = await fetch(`${server.url}${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
          body: form,
          redirect: 'manual',
        });
        expect(res.status, `${route} ${form.toString()}`).toBeLessThan(500);
        statuses.add(res.status);
      }),
      { numRuns: 300 },
    );
    expect(await counts()).toEqual(before);
    // The bodies got past the CSRF check to the handlers (validation errors, redirects).
    expect([...statuses]).toEqual(expect.arrayContaining([303, 400]));
  });

  it('to the JSON API never causes a 5xx or a booking', async () => {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...API_ROUTES),
        jsonBody,
        fc.boolean(),
        async (route, body, garble) => {
          const text = JSON.stringify(body) ?? 'null';
          const res = await fetch(`${server.url}${route}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: garble ? text.slice(0, Math.max(0, text.length - 1)) : text,
          });
          expect(res.status, `${route} ${text}`).toBeLessThan(500);
          expect(res.headers.get('content-type')).toContain('application/json');
        },
      ),
      { numRuns: 300 },
    );
    expect(await counts()).toEqual(before);
  });
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotAt, slotsFrom } from '../../test/support/booking.ts';
import { FormClient } from '../../test/support/form-client.ts';
import { startTestServer, type TestServer } from '../../test/support/server.ts';

// The HTML journey over HTTP: the time taken meanwhile, and forms without a CSRF token.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock: () => new Date('2027-03-20T10:00:00Z') });
  await slotsFrom(server.database.db, '2027-03-22', 14);
});
afterAll(() => server.close());

const details = {
  familyName: 'Nowak',
  givenNames: 'Ewa',
  dobDay: '3',
  dobMonth: '11',
  dobYear: '1985',
  email: '',
  phone: '0151 2345678',
  language: 'en',
  interpreter: 'no',
  interpreterLanguage: '',
};

describe('the booking journey', () => {
  it('offers the next free times when the chosen one was taken meanwhile', async () => {
    const client = new FormClient(server.url);
    await client.get('/en/book');
    expect((await client.post('/en/book', { concern: 'address-registration' })).location).toBe(
      '/en/book/office',
    );
    await client.get('/en/book/office');
    expect((await client.post('/en/book/office', { office: 'north' })).location).toBe(
      '/en/book/day',
    );
    await client.get('/en/book/day');
    await client.post('/en/book/day', { day: '2027-03-24' });
    await client.get('/en/book/time');
    const chosen = await slotAt(
      server.database.db,
      'address-registration',
      'north',
      '2027-03-24T07:00:00Z',
    );
    await client.post('/en/book/time', { slot: chosen.id });
    await client.get('/en/book/details');
    expect((await client.post('/en/book/details', details)).location).toBe('/en/book/check');
    await client.get('/en/book/check');

    // Someone else takes the last place first.
    await sql`UPDATE slot SET booked = capacity WHERE id = ${chosen.id}`.execute(
      server.database.db,
    );
    const taken = await client.post('/en/book/check', {});
    expect(taken.status).toBe(409);
    expect(taken.html).toContain('This time has just been taken');
    const alternatives = [...taken.html.matchAll(/name="slot" value="(\d+)"/g)].map((m) => m[1]);
    expect(alternatives.length).toBeGreaterThan(0);
    expect(alternatives).not.toContain(chosen.id);

    expect((await client.post('/en/book/time', { slot: alternatives[0] ?? '' })).location).toBe(
      '/en/book/check',
    );
    await client.get('/en/book/check');
    const plantedCookie = client.cookieHeader;
    expect((await client.post('/en/book/check', {})).location).toBe('/en/book/confirmation');
    // The session got a new id with the booking: the cookie from before sees nothing of it.
    const replayed = await fetch(`${server.url}/en/book/confirmation`, {
      headers: { cookie: plantedCookie },
      redirect: 'manual',
    });
    expect(replayed.headers.get('location')).toBe('/en/manage');
    const confirmation = await client.get('/en/book/confirmation');
    expect(confirmation.html).toContain('Your appointment is booked');
    // The first alternative: the office's next free time, Monday 22 March at 08:00.
    expect(confirmation.html).toContain('Monday, March 22, 2027');
    expect(confirmation.html).toContain('<dd>08:00</dd>');
  });

  it('shows Farsi readers the dates of the German letter: Gregorian, in Persian digits', async () => {
    const client = new FormClient(server.url);
    await client.get('/fa/book?concern=address-registration');
    await client.get('/fa/book/office');
    await client.post('/fa/book/office', { office: 'central' });
    await client.get('/fa/book/day');
    await client.post('/fa/book/day', { day: '2027-03-25' });
    const slot = await slotAt(
      server.database.db,
      'address-registration',
      'central',
      '2027-03-25T08:00:00Z',
    );
    await client.get('/fa/book/time');
    await client.post('/fa/book/time', { slot: slot.id });
    await client.get('/fa/book/details');
    const typed = { ...details, givenNames: 'Dunya', dobDay: '17', dobMonth: '5', dobYear: '1990' };
    const cookieBefore = client.cookieHeader;
    expect((await client.post('/fa/book/details', typed)).location).toBe('/fa/book/check');
    // Personal details give the session a new id: the cookie from before sees none of them.
    const replayed = await fetch(`${server.url}/fa/book/details`, {
      headers: { cookie: cookieBefore },
      redirect: 'manual',
    });
    expect(replayed.headers.get('location')).toBe('/fa/book');
    const check = (await client.get('/fa/book/check')).html;
    expect(check).toContain('۱۹۹۰'); // born 1990, not 1369 (Solar Hijri)
    expect(check).toContain('۲۰۲۷'); // the appointment in 2027, as in the German letter
    expect(check).not.toContain('۱۳۶۹');
    expect(check).not.toContain('اردیبهشت');
  });

  it('shows every error of the details form at once, in the order of its fields', async () => {
    const client = new FormClient(server.url);
    await client.get('/en/book?concern=address-registration');
    await client.get('/en/book/office');
    await client.post('/en/book/office', { office: 'central' });
    await client.get('/en/book/day');
    await client.post('/en/book/day', { day: '2027-03-25' });
    const slot = await slotAt(
      server.database.db,
      'address-registration',
      'central',
      '2027-03-25T08:15:00Z',
    );
    await client.get('/en/book/time');
    await client.post('/en/book/time', { slot: slot.id });
    await client.get('/en/book/details');
    // As a browser sends it: the unchecked interpreter question is missing altogether.
    const empty = await client.post('/en/book/details', {
      familyName: '',
      givenNames: '',
      dobDay: '',
      dobMonth: '',
      dobYear: '',
      email: '',
      phone: '',
      language: 'en',
      interpreterLanguage: '',
    });
    expect(empty.status).toBe(400);
    const linked = [...empty.html.matchAll(/<li><a href="#([a-zA-Z]+)"/g)].map((m) => m[1]);
    expect(linked).toEqual(['familyName', 'givenNames', 'dobDay', 'email', 'interpreter']);
  });

  it('takes only a time of the chosen concern at the chosen office', async () => {
    const client = new FormClient(server.url);
    await client.get('/en/book?concern=address-registration');
    await client.get('/en/book/office');
    await client.post('/en/book/office', { office: 'north' });
    await client.get('/en/book/day');
    await client.post('/en/book/day', { day: '2027-03-25' });
    const elsewhere = await slotAt(
      server.database.db,
      'address-registration',
      'central',
      '2027-03-25T09:00:00Z',
    );
    await client.get('/en/book/time');
    const refused = await client.post('/en/book/time', { slot: elsewhere.id });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('error-summary');
    // Nothing was stored: the details page still sends the reader back to the time.
    expect((await client.get('/en/book/details')).location).toBe('/en/book/time');
  });

  it('answers a look-up whose body is not a form with the form again, not a server error', async () => {
    const client = new FormClient(server.url);
    await client.get('/en/manage');
    const res = await fetch(`${server.url}/en/manage`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-csrf-token': client.csrfToken,
        cookie: client.cookieHeader,
      },
      body: '[]',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('error-summary');
  });

  it('refuses a form without a valid CSRF token, changing nothing', async () => {
    const res = await fetch(`${server.url}/en/book`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'concern=address-registration',
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('This form has expired');
  });
});

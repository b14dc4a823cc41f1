import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUSTERSTADT, person, slotAt } from '../../test/support/booking.ts';
import { FormClient } from '../../test/support/form-client.ts';
import { startTestServer, type TestServer } from '../../test/support/server.ts';
import { signIn } from '../../test/support/staff.ts';
import { bookAppointment, extendSlotWindow, type Booking } from './service.ts';

// The day view as reception, a caseworker and a team lead use it: the day's appointments of
// their office (never another office's), filtered by concern, without whole booking codes,
// every opening in the audit trail; reception marks arrivals and no-shows on the day only.

let now = new Date('2027-03-22T07:50:00Z'); // Monday, 08:50 in Musterstadt
let server: TestServer;
let reception: FormClient;
let caseworker: FormClient;
let lead: FormClient;
const booked: Record<'rania' | 'olena' | 'north' | 'tomorrow', Booking> = {} as never;

const db = () => server.database.db;

async function book(
  concern: string,
  office: string,
  startsAt: string,
  who: Parameters<typeof person>[1] & { n: number },
) {
  const slot = await slotAt(db(), concern, office, startsAt);
  const { n, ...details } = who;
  const result = await bookAppointment(
    { db: db(), clock: () => new Date('2027-03-20T10:00:00Z'), baseUrl: server.url },
    MUSTERSTADT,
    {
      slotId: slot.id,
      concernId: concern,
      person: person(n, { email: null, phone: '+49 30 1234567', ...details }),
    },
  );
  if (!result.ok) throw new Error(`booking failed: ${result.reason}`);
  return result.booking;
}

beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
  await extendSlotWindow(db(), MUSTERSTADT, new Date('2027-03-15T06:00:00Z'));
  booked.rania = await book('address-registration', 'central', '2027-03-22T07:00:00Z', {
    n: 1,
    familyName: 'Haddad',
    givenNames: 'Rania',
    language: 'ar',
    interpreterLanguage: 'ar',
  });
  booked.olena = await book('work-permit', 'central', '2027-03-22T08:00:00Z', { n: 2 });
  booked.north = await book('address-registration', 'north', '2027-03-22T07:00:00Z', {
    n: 3,
    familyName: 'Nordmann',
  });
  booked.tomorrow = await book('address-registration', 'central', '2027-03-23T07:00:00Z', {
    n: 4,
    familyName: 'Morgen',
  });
  reception = new FormClient(server.url);
  await signIn(reception, db(), 'empfang', { now });
  caseworker = new FormClient(server.url);
  await signIn(caseworker, db(), 'sachbearbeitung', { now });
  lead = new FormClient(server.url);
  await signIn(lead, db(), 'teamleitung', { now });
  for (const client of [reception, caseworker, lead]) await client.get('/staff/day?lang=en');
});
afterAll(async () => server?.close());

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

const readAudits = () =>
  db()
    .selectFrom('audit_event')
    .where('action', '=', 'read')
    .where('subject_type', '=', 'office-day')
    .select(['subject_id', 'actor_name', 'fields', 'details', 'purpose'])
    .orderBy('seq')
    .execute();

const attendanceOf = (id: string) =>
  db()
    .selectFrom('booking')
    .where('id', '=', id)
    .select(['arrived_at', 'no_show_at'])
    .executeTakeFirstOrThrow();

describe('the day list', () => {
  it("shows the office's appointments of the day without whole codes, and audits it", async () => {
    const page = await reception.get('/staff/day?office=central&day=2027-03-22');
    expect(page.status).toBe(200);
    const shown = text(page.html);
    // Worded so that no office name needs an article.
    expect(shown).toContain(
      'Appointments on Monday, March 22, 2027 – Welcome Center at the Town Hall',
    );
    const german = await fetch(`${server.url}/staff/day?office=central&day=2027-03-22&lang=de`, {
      headers: { cookie: reception.cookieHeader },
    });
    expect(text(await german.text())).toContain(
      'Termine am Montag, 22. März 2027 – Welcome Center im Rathaus',
    );
    expect(shown).toContain('2 appointments');
    expect(shown).toContain('Haddad, Rania');
    expect(shown).toContain('Yes: Arabic');
    expect(shown).toContain('Petrenko');
    expect(shown).not.toContain('Nordmann'); // north
    expect(shown).not.toContain('Morgen'); // tomorrow
    for (const b of [booked.rania, booked.olena]) {
      expect(page.html).not.toContain(b.code);
      expect(page.html).not.toContain(b.code.slice(0, 4));
      expect(page.html).toContain(`<code>${b.code.slice(-3)}</code>`);
    }
    expect(page.html).not.toContain(booked.rania.dateOfBirth);
    // 08:00 then 09:00, with the buttons reception uses.
    expect(shown.indexOf('Haddad')).toBeLessThan(shown.indexOf('Petrenko'));
    expect(page.html).toContain('action="/staff/day/attendance"');

    const audits = await readAudits();
    expect(audits.at(-1)).toMatchObject({
      subject_id: 'central/2027-03-22',
      actor_name: 'empfang',
      purpose: 'appointments of the day at the office (reception, preparation)',
    });
    expect(audits.at(-1)?.fields).toEqual(
      expect.arrayContaining(['family_name', 'given_names', 'language', 'interpreter_language']),
    );
    expect((audits.at(-1)?.details as { bookings: string[] }).bookings).toEqual([
      booked.rania.id,
      booked.olena.id,
    ]);
  });

  it('opens today at the first office of the member by default, and filters by concern', async () => {
    const page = await caseworker.get('/staff/day');
    expect(page.status).toBe(200);
    expect(text(page.html)).toContain('Haddad, Rania');
    // Caseworkers read the list but do not mark attendance.
    expect(page.html).not.toContain('action="/staff/day/attendance"');
    const filtered = await caseworker.get(
      '/staff/day?office=central&day=2027-03-22&concern=work-permit',
    );
    const shown = text(filtered.html);
    expect(shown).toContain('Petrenko');
    expect(shown).not.toContain('Haddad');
    const audit = (await readAudits()).at(-1);
    expect(audit?.details).toMatchObject({ concern: 'work-permit', bookings: [booked.olena.id] });
  });

  it('refuses offices outside the member’s reach', async () => {
    const before = (await readAudits()).length;
    expect((await reception.get('/staff/day?office=north&day=2027-03-22')).status).toBe(403);
    expect((await lead.get('/staff/day?office=north')).status).toBe(403);
    expect((await caseworker.get('/staff/day?office=nowhere')).status).toBe(403);
    expect((await readAudits()).length).toBe(before);
  });

  it('answers a day that is no date or out of range with a message, not an error', async () => {
    const before = (await readAudits()).length;
    for (const [day, message] of [
      ['2027-02-30', 'Enter a day as a real date'],
      ['22.03.2027', 'Enter a day as a real date'],
      ['99999-01-01', 'Enter a day as a real date'],
      [
        '2030-01-01',
        'Choose a day between Saturday, March 21, 2026 and Wednesday, March 22, 2028.',
      ],
      ['1900-01-01', 'Choose a day between'],
    ]) {
      const page = await reception.get(`/staff/day?office=central&day=${encodeURIComponent(day!)}`);
      expect(page.status, day).toBe(400);
      expect(text(page.html), day).toContain(message);
      expect(page.html).toContain('href="#day"');
      expect(page.html).not.toContain('Haddad');
    }
    expect((await readAudits()).length).toBe(before);
  });

  it('shows another day without attendance buttons', async () => {
    const page = await reception.get('/staff/day?office=central&day=2027-03-23');
    expect(text(page.html)).toContain('Morgen');
    expect(page.html).not.toContain('action="/staff/day/attendance"');
  });
});

describe('attendance', () => {
  const mark = (client: FormClient, booking: Booking, value: string, office = 'central') =>
    client.post('/staff/day/attendance', {
      booking: booking.id,
      mark: value,
      office,
      day: '2027-03-22',
    });

  it('reception marks an arrival; it shows in the list and the audit trail', async () => {
    await reception.get('/staff/day?office=central&day=2027-03-22');
    const res = await mark(reception, booked.rania, 'arrived');
    expect(res.status).toBe(303);
    expect(res.location).toBe(
      `/staff/day?office=central&day=2027-03-22&notice=arrived#booking-${booked.rania.id}`,
    );
    const page = await reception.get(res.location!.split('#')[0]!);
    expect(text(page.html)).toContain('Marked as arrived.');
    expect(text(page.html)).toContain('Arrived at 08:50');
    expect((await attendanceOf(booked.rania.id)).arrived_at).toEqual(now);
    // Marked twice: the first time stays.
    now = new Date('2027-03-22T07:55:00Z');
    await mark(reception, booked.rania, 'arrived');
    expect((await attendanceOf(booked.rania.id)).arrived_at).toEqual(
      new Date('2027-03-22T07:50:00Z'),
    );
    const change = await db()
      .selectFrom('audit_event')
      .where('action', '=', 'change')
      .where('subject_type', '=', 'booking')
      .where('subject_id', '=', booked.rania.id)
      .select(['actor_name', 'fields', 'details'])
      .executeTakeFirstOrThrow();
    expect(change).toMatchObject({
      actor_name: 'empfang',
      fields: ['arrived_at'],
      details: { mark: 'arrived', office: 'central', day: '2027-03-22' },
    });
  });

  it('marks a no-show only once the appointment has begun, and takes a mark back', async () => {
    const early = await mark(reception, booked.olena, 'no_show'); // 09:00, now 08:55
    expect(early.location).toContain('notice=unchanged');
    expect(await attendanceOf(booked.olena.id)).toEqual({ arrived_at: null, no_show_at: null });
    now = new Date('2027-03-22T08:10:00Z');
    const late = await mark(lead, booked.olena, 'no_show');
    expect(late.location).toContain('notice=no_show');
    expect((await attendanceOf(booked.olena.id)).no_show_at).toEqual(now);
    const page = await lead.get('/staff/day?office=central&day=2027-03-22');
    expect(text(page.html)).toContain('Did not come');
    const undo = await mark(lead, booked.olena, 'expected');
    expect(undo.location).toContain('notice=expected');
    expect(await attendanceOf(booked.olena.id)).toEqual({ arrived_at: null, no_show_at: null });
  });

  it('changes nothing on another day, at another office or for those who may not mark', async () => {
    const tomorrow = await mark(reception, booked.tomorrow, 'arrived');
    expect(tomorrow.location).toContain('notice=unchanged');
    expect(await attendanceOf(booked.tomorrow.id)).toEqual({ arrived_at: null, no_show_at: null });
    // A north booking sent as if it were central's: the statement does not reach it.
    const disguised = await mark(reception, booked.north, 'arrived');
    expect(disguised.location).toContain('notice=unchanged');
    expect((await mark(reception, booked.north, 'arrived', 'north')).status).toBe(403);
    expect(await attendanceOf(booked.north.id)).toEqual({ arrived_at: null, no_show_at: null });
    await caseworker.get('/staff/day');
    expect((await mark(caseworker, booked.olena, 'arrived')).status).toBe(403);
    const bad = await reception.post('/staff/day/attendance', {
      booking: 'x',
      mark: 'vanished',
      office: 'central',
      day: 'today',
    });
    expect(bad.status).toBe(400);
    expect(await attendanceOf(booked.olena.id)).toEqual({ arrived_at: null, no_show_at: null });
  });
});

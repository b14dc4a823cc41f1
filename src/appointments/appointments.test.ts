import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUSTERSTADT, person, slotAt, slotsFrom } from '../../test/support/booking.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { easterSunday, publicHolidays } from './holidays.ts';
import { normaliseBookingCode, personKey } from './people.ts';
import { listFreeDays } from './slots.repository.ts';
import {
  bookAppointment,
  cancelAppointment,
  extendSlotWindow,
  moveAppointment,
  type PersonDetails,
} from './service.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(() => test.drop());

const noMail = undefined;
const deps = (db: TestDatabase['db'], now: Date) => ({
  db,
  clock: () => now,
  baseUrl: 'http://localhost:3000',
});
// The service takes the whole authority; these keep the tests' calls short.
const book = (
  db: TestDatabase['db'],
  _authorityId: string,
  request: Parameters<typeof bookAppointment>[2],
  now: Date,
  _mail?: undefined,
) => bookAppointment(deps(db, now), MUSTERSTADT, request);
const cancelBooking = (db: TestDatabase['db'], _authorityId: string, id: string, now: Date) =>
  cancelAppointment(deps(db, now), MUSTERSTADT, id);
const reschedule = (
  db: TestDatabase['db'],
  _authorityId: string,
  id: string,
  slotId: string,
  now: Date,
) => moveAppointment(deps(db, now), MUSTERSTADT, id, slotId);
const at = (iso: string) => new Date(iso);

describe('public holidays', () => {
  it('computes Easter and the ten statutory days off in Lower Saxony', () => {
    expect(easterSunday(2027).toISOString().slice(0, 10)).toBe('2027-03-28');
    const days = publicHolidays('NI', 2027).map((h) => h.day);
    expect(days).toEqual([
      '2027-01-01',
      '2027-03-26',
      '2027-03-29',
      '2027-05-01',
      '2027-05-06',
      '2027-05-17',
      '2027-10-03',
      '2027-10-31',
      '2027-12-25',
      '2027-12-26',
    ]);
    expect(publicHolidays('HH', 2027).find((h) => h.day === '2027-10-31')?.name).toBe(
      'Tag der Reformation',
    );
  });
});

describe('slots', () => {
  it('are created from the capacity rules in local time, across daylight-saving changes, never on holidays', async () => {
    await slotsFrom(test.db, '2027-03-22', 14);
    // Thursday 25 March 2027, winter time: 08:00 in Musterstadt is 07:00 UTC.
    expect(
      await slotAt(test.db, 'address-registration', 'central', '2027-03-25T07:00:00Z'),
    ).toMatchObject({ capacity: 2 });
    // Tuesday 30 March 2027, summer time: 08:00 is 06:00 UTC.
    expect(
      await slotAt(test.db, 'address-registration', 'central', '2027-03-30T06:00:00Z'),
    ).toMatchObject({ capacity: 2 });
    // Good Friday (26 March) and Easter Monday (29 March) have none.
    const holidays = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM slot
      WHERE (starts_at AT TIME ZONE 'Europe/Berlin')::date IN ('2027-03-26', '2027-03-29')`.execute(
      test.db,
    );
    expect(holidays.rows[0]?.n).toBe(0);
    // Rules: central, address registration, Tuesday 08:00–12:00 (2 desks) and 14:00–18:00 (2 desks), 15 minutes.
    const tuesday = await sql<{ n: number; places: number }>`
      SELECT count(*)::int AS n, sum(capacity)::int AS places FROM slot
      WHERE concern_id = 'address-registration' AND office_id = 'central'
        AND (starts_at AT TIME ZONE 'Europe/Berlin')::date = '2027-03-30'`.execute(test.db);
    expect(tuesday.rows[0]).toEqual({ n: 32, places: 64 });
  });

  it('are created once, however often the window is extended', async () => {
    expect(await slotsFrom(test.db, '2027-03-22', 14)).toBe(0);
  });

  it('of a weekly-release concern open on the Monday before, 08:00 local time', async () => {
    await slotsFrom(test.db, '2026-11-23', 14);
    const before = await listFreeDays(
      test.db,
      MUSTERSTADT,
      { concernId: 'naturalisation', officeId: 'central' },
      at('2026-11-23T06:59:00Z'),
      20,
    );
    const after = await listFreeDays(
      test.db,
      MUSTERSTADT,
      { concernId: 'naturalisation', officeId: 'central' },
      at('2026-11-23T07:00:00Z'),
      20,
    );
    expect(before.map((d) => d.day)).not.toContain('2026-11-30');
    expect(after.map((d) => d.day)).toContain('2026-11-30');
    expect(after.map((d) => d.day)).not.toContain('2026-12-07'); // the week after next opens a week later
  });
});

describe('booking', () => {
  const details = (n: string, extra: Partial<PersonDetails> = {}): PersonDetails =>
    ({ ...person(n), ...extra }) as PersonDetails;

  it('takes a place, refuses when none is left, and frees it on cancel', async () => {
    const slot = await slotAt(test.db, 'address-registration', 'north', '2027-03-24T07:00:00Z');
    const now = at('2027-03-20T10:00:00Z');
    const first = await book(
      test.db,
      'musterstadt',
      { slotId: slot.id, concernId: 'address-registration', person: details('1') },
      now,
      noMail,
    );
    expect(first.ok).toBe(true);
    const second = await book(
      test.db,
      'musterstadt',
      { slotId: slot.id, concernId: 'address-registration', person: details('2') },
      now,
      noMail,
    );
    expect(second).toMatchObject({ ok: false, reason: 'taken' });
    if (!second.ok && second.reason === 'taken')
      expect(second.alternatives.length).toBeGreaterThan(0);
    if (!first.ok) throw new Error('first booking failed');
    expect(await cancelBooking(test.db, 'musterstadt', first.booking.id, now)).toBe(true);
    expect(await cancelBooking(test.db, 'musterstadt', first.booking.id, now)).toBe(false);
    const third = await book(
      test.db,
      'musterstadt',
      { slotId: slot.id, concernId: 'address-registration', person: details('2') },
      now,
      noMail,
    );
    expect(third.ok).toBe(true);
  });

  it('allows one active booking per person and concern, however the name is spelt', async () => {
    const now = at('2027-03-20T10:00:00Z');
    const a = await slotAt(test.db, 'address-registration', 'central', '2027-03-23T07:00:00Z');
    const b = await slotAt(test.db, 'address-registration', 'central', '2027-03-23T07:15:00Z');
    const müller = details('x', { familyName: 'Müller', givenNames: 'Jürgen' });
    expect(
      (
        await book(
          test.db,
          'musterstadt',
          { slotId: a.id, concernId: 'address-registration', person: müller },
          now,
          noMail,
        )
      ).ok,
    ).toBe(true);
    const again = await book(
      test.db,
      'musterstadt',
      {
        slotId: b.id,
        concernId: 'address-registration',
        person: { ...müller, familyName: 'MUELLER', givenNames: 'juergen' },
      },
      now,
      noMail,
    );
    expect(again).toMatchObject({ ok: false, reason: 'duplicate' });
    expect(
      (await slotAt(test.db, 'address-registration', 'central', '2027-03-23T07:15:00Z')).booked,
    ).toBe(0);
    // Once the appointment has passed, the same person may book again.
    const later = await slotAt(test.db, 'address-registration', 'central', '2027-03-31T06:00:00Z');
    const afterwards = await book(
      test.db,
      'musterstadt',
      { slotId: later.id, concernId: 'address-registration', person: müller },
      at('2027-03-23T09:00:00Z'),
      noMail,
    );
    expect(afterwards.ok).toBe(true);
  });

  it('moves a booking across the March change: the new place is taken before the old one is freed', async () => {
    const now = at('2027-03-20T10:00:00Z');
    const winter = await slotAt(test.db, 'address-registration', 'north', '2027-03-24T07:15:00Z'); // Wed 08:15 CET
    const summer = await slotAt(test.db, 'address-registration', 'north', '2027-03-31T06:15:00Z'); // Wed 08:15 CEST
    const result = await book(
      test.db,
      'musterstadt',
      { slotId: winter.id, concernId: 'address-registration', person: details('dst') },
      now,
      noMail,
    );
    if (!result.ok) throw new Error('booking failed');
    const moved = await reschedule(test.db, 'musterstadt', result.booking.id, summer.id, now);
    expect(moved).toMatchObject({ ok: true });
    if (moved.ok) expect(moved.booking.startsAt.toISOString()).toBe('2027-03-31T06:15:00.000Z');
    expect(
      (await slotAt(test.db, 'address-registration', 'north', '2027-03-24T07:15:00Z')).booked,
    ).toBe(0);
    expect(
      (await slotAt(test.db, 'address-registration', 'north', '2027-03-31T06:15:00Z')).booked,
    ).toBe(1);

    // A full target keeps the booking where it is.
    await sql`UPDATE slot SET capacity = booked WHERE id = ${winter.id}`.execute(test.db);
    const refused = await reschedule(test.db, 'musterstadt', result.booking.id, winter.id, now);
    expect(refused).toMatchObject({ ok: false, reason: 'taken' });
    expect(
      (await slotAt(test.db, 'address-registration', 'north', '2027-03-31T06:15:00Z')).booked,
    ).toBe(1);
  });

  it('moves a booking across the October change', async () => {
    await extendSlotWindow(test.db, MUSTERSTADT, at('2027-10-25T00:00:00Z'), 10);
    const now = at('2027-10-23T10:00:00Z');
    const summer = await slotAt(test.db, 'address-registration', 'north', '2027-10-29T06:00:00Z'); // Fri 08:00 CEST
    const winter = await slotAt(test.db, 'address-registration', 'north', '2027-11-03T07:00:00Z'); // Wed 08:00 CET
    const result = await book(
      test.db,
      'musterstadt',
      { slotId: summer.id, concernId: 'address-registration', person: details('oct') },
      now,
      noMail,
    );
    if (!result.ok) throw new Error('booking failed');
    const moved = await reschedule(test.db, 'musterstadt', result.booking.id, winter.id, now);
    expect(moved.ok && moved.booking.startsAt.toISOString()).toBe('2027-11-03T07:00:00.000Z');
  });

  it('never books a slot in the past or one not yet released', async () => {
    const slot = await slotAt(test.db, 'address-registration', 'central', '2027-03-25T07:15:00Z');
    const late = await book(
      test.db,
      'musterstadt',
      { slotId: slot.id, concernId: 'address-registration', person: details('late') },
      at('2027-03-25T08:00:00Z'),
      noMail,
    );
    expect(late).toMatchObject({ ok: false, reason: 'taken' });
    const early = await book(
      test.db,
      'musterstadt',
      { slotId: slot.id, concernId: 'address-registration', person: details('early') },
      at('2027-01-01T08:00:00Z'),
      noMail,
    );
    expect(early).toMatchObject({ ok: false, reason: 'taken' });
  });
});

describe('booking codes and names', () => {
  it('reads codes as people type them and keys names as in the passport zone', () => {
    expect(normaliseBookingCode('7kq2-m9xh 4t')).toBe('7KQ2M9XH4T');
    expect(normaliseBookingCode('o1l')).toBe('011');
    expect(personKey('Müller-Lüdenscheidt', 'Çağla')).toBe(
      personKey('MUELLER LUEDENSCHEIDT', 'Cagla'),
    );
    expect(personKey('Smith', 'Anna')).not.toBe(personKey('Smith', 'Hanna'));
  });
});

describe('the booking service', () => {
  const now = at('2027-03-20T10:00:00Z');
  const details = (n: string, extra: Partial<PersonDetails> = {}): PersonDetails => ({
    ...person(n),
    ...extra,
  });

  it('moves only to a time of the same concern at the same office', async () => {
    const own = await slotAt(test.db, 'address-registration', 'north', '2027-03-24T08:00:00Z');
    const elsewhere = await slotAt(
      test.db,
      'address-registration',
      'central',
      '2027-03-25T08:00:00Z',
    );
    const booked = await book(
      test.db,
      'musterstadt',
      { slotId: own.id, concernId: 'address-registration', person: details('stay') },
      now,
    );
    if (!booked.ok) throw new Error('booking failed');
    const moved = await reschedule(test.db, 'musterstadt', booked.booking.id, elsewhere.id, now);
    expect(moved).toMatchObject({ ok: false, reason: 'taken' });
    if (!moved.ok && moved.reason === 'taken') {
      expect(moved.alternatives.every((slot) => slot.officeId === 'north')).toBe(true);
    }
    expect(
      (await slotAt(test.db, 'address-registration', 'central', '2027-03-25T08:00:00Z')).booked,
    ).toBe(0);
    expect(
      (await slotAt(test.db, 'address-registration', 'north', '2027-03-24T08:00:00Z')).booked,
    ).toBe(1);
  });

  it('books a slot only for the concern it belongs to', async () => {
    const slot = await slotAt(test.db, 'address-registration', 'north', '2027-03-24T08:15:00Z');
    const wrong = await book(
      test.db,
      'musterstadt',
      { slotId: slot.id, concernId: 'naturalisation', person: details('wrong') },
      now,
    );
    expect(wrong).toEqual({ ok: false, reason: 'unknown-slot' });
    expect(
      (await slotAt(test.db, 'address-registration', 'north', '2027-03-24T08:15:00Z')).booked,
    ).toBe(0);
  });

  it('costs one statement without a contact or when taken, and two (booking, mail) with one', async () => {
    const statements: string[] = [];
    const counted = test.db.withPlugin({
      transformQuery: (args) => {
        statements.push(args.node.kind);
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const slot = await slotAt(test.db, 'address-registration', 'north', '2027-03-24T08:30:00Z');
    const place = { slotId: slot.id, concernId: 'address-registration' };
    const quiet = await bookAppointment(deps(counted, now), MUSTERSTADT, {
      ...place,
      person: details('quiet', { email: null, phone: '+49 151 2222222' }),
    });
    expect(quiet).toMatchObject({ ok: true });
    expect(statements).toHaveLength(1);
    statements.length = 0;
    const next = await slotAt(test.db, 'address-registration', 'north', '2027-03-24T08:45:00Z');
    const mailed = await bookAppointment(deps(counted, now), MUSTERSTADT, {
      slotId: next.id,
      concernId: 'address-registration',
      person: details('mailed'),
    });
    expect(mailed.ok).toBe(true);
    // the booking (which also reads the mail's facts), then its mail, in one transaction
    expect(statements).toHaveLength(2);
    const mails = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM mail_outbox WHERE recipient = 'olenamailed@example.org'`.execute(
      test.db,
    );
    expect(mails.rows[0]?.n).toBe(1);
    // Taken: the same one statement answers the alternatives, and nothing is written.
    statements.length = 0;
    const late = await bookAppointment(deps(counted, now), MUSTERSTADT, {
      slotId: next.id,
      concernId: 'address-registration',
      person: details('late'),
    });
    expect(late).toMatchObject({ ok: false, reason: 'taken' });
    if (!late.ok && late.reason === 'taken') {
      expect(late.alternatives.length).toBeGreaterThan(0);
      expect(late.alternatives.map((slot) => slot.id)).not.toContain(next.id);
      expect(late.alternatives[0]?.startsAt).toBeInstanceOf(Date);
    }
    expect(statements).toHaveLength(1);
  });
});

import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { BookingStatus } from './tables.ts';

// All SQL of the appointments feature. Times are timestamptz; local dates and times are
// computed in PostgreSQL with the authority's time zone, which is correct across DST.

export type Policy = {
  concernId: string;
  slotMinutes: number;
  releaseMode: 'rolling' | 'weekly';
  releaseWeeksAhead: number;
  releaseWeekday: number | null;
  releaseTime: string | null;
};

export type CapacityRule = {
  officeId: string;
  concernId: string;
  weekday: number;
  starts: string;
  ends: string;
  desks: number;
};

export type Slot = {
  id: string;
  officeId: string;
  concernId: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  booked: number;
};

export type Booking = {
  id: string;
  code: string;
  status: BookingStatus;
  slotId: string;
  concernId: string;
  officeId: string;
  startsAt: Date;
  endsAt: Date;
  familyName: string;
  givenNames: string;
  dateOfBirth: string;
  email: string | null;
  phone: string | null;
  language: string;
  interpreterLanguage: string | null;
};

export type NewBooking = Omit<
  Booking,
  'id' | 'status' | 'officeId' | 'startsAt' | 'endsAt' | 'concernId'
> & {
  personKey: string;
};

export async function upsertPolicy(db: Db, authorityId: string, policy: Policy) {
  const values = {
    slot_minutes: policy.slotMinutes,
    release_mode: policy.releaseMode,
    release_weeks_ahead: policy.releaseWeeksAhead,
    release_weekday: policy.releaseWeekday,
    release_time: policy.releaseTime,
  };
  await db
    .insertInto('booking_policy')
    .values({ authority_id: authorityId, concern_id: policy.concernId, ...values })
    .onConflict((oc) => oc.columns(['authority_id', 'concern_id']).doUpdateSet(values))
    .execute();
}

export async function replaceCapacityRules(db: Db, authorityId: string, rules: CapacityRule[]) {
  await db.deleteFrom('capacity_rule').where('authority_id', '=', authorityId).execute();
  if (rules.length === 0) return;
  await db
    .insertInto('capacity_rule')
    .values(
      rules.map((r) => ({
        authority_id: authorityId,
        office_id: r.officeId,
        concern_id: r.concernId,
        weekday: r.weekday,
        starts: r.starts,
        ends: r.ends,
        desks: r.desks,
      })),
    )
    .execute();
}

export async function upsertHolidays(
  db: Db,
  land: string,
  holidays: { day: string; name: string }[],
) {
  if (holidays.length === 0) return;
  await db
    .insertInto('public_holiday')
    .values(holidays.map((h) => ({ land, day: h.day, name: h.name })))
    .onConflict((oc) =>
      oc.columns(['land', 'day']).doUpdateSet((eb) => ({ name: eb.ref('excluded.name') })),
    )
    .execute();
}

export async function addClosure(
  db: Db,
  authorityId: string,
  closure: { officeId: string; day: string; reason: string },
) {
  await db
    .insertInto('closure')
    .values({
      authority_id: authorityId,
      office_id: closure.officeId,
      day: closure.day,
      reason: closure.reason,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * Creates the slots of every capacity rule for the local days from..to (inclusive), except
 * on public holidays and closures. Idempotent: existing slots are kept as they are.
 */
export async function materializeSlots(db: Db, authorityId: string, from: string, to: string) {
  const result = await sql`
    INSERT INTO slot (authority_id, office_id, concern_id, starts_at, ends_at, released_at, capacity)
    SELECT r.authority_id, r.office_id, r.concern_id,
           (d.day + s.start_time) AT TIME ZONE a.time_zone,
           (d.day + s.start_time + make_interval(mins => p.slot_minutes)) AT TIME ZONE a.time_zone,
           CASE p.release_mode
             WHEN 'rolling' THEN (d.day - p.release_weeks_ahead * 7)::timestamp AT TIME ZONE a.time_zone
             ELSE (d.monday - 7 + (p.release_weekday - 1) + p.release_time) AT TIME ZONE a.time_zone
           END,
           r.desks
    FROM capacity_rule r
    JOIN authority a ON a.id = r.authority_id
    JOIN booking_policy p ON p.authority_id = r.authority_id AND p.concern_id = r.concern_id
    CROSS JOIN LATERAL (
      SELECT g::date AS day, g::date - (extract(isodow FROM g)::int - 1) AS monday
      FROM generate_series(${from}::date, ${to}::date, interval '1 day') AS g
    ) AS d
    CROSS JOIN LATERAL (
      SELECT r.starts + make_interval(mins => n * p.slot_minutes) AS start_time
      FROM generate_series(
        0, floor(extract(epoch FROM (r.ends - r.starts)) / 60 / p.slot_minutes)::int - 1) AS n
    ) AS s
    WHERE r.authority_id = ${authorityId}
      AND extract(isodow FROM d.day) = r.weekday
      AND NOT EXISTS (SELECT 1 FROM public_holiday h WHERE h.land = a.land AND h.day = d.day)
      AND NOT EXISTS (SELECT 1 FROM closure c
                      WHERE c.authority_id = r.authority_id AND c.office_id = r.office_id AND c.day = d.day)
    ON CONFLICT (authority_id, office_id, concern_id, starts_at) DO NOTHING`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Bookable = released, in the future, with a free place. */
const bookable = (now: Date) =>
  sql<boolean>`s.booked < s.capacity AND s.released_at <= ${now} AND s.starts_at > ${now}`;

export async function listFreeDays(
  db: Db,
  authorityId: string,
  concernId: string,
  officeId: string,
  now: Date,
  limit: number,
): Promise<{ day: string; free: number }[]> {
  const result = await sql<{ day: string; free: number }>`
    SELECT to_char((s.starts_at AT TIME ZONE a.time_zone)::date, 'YYYY-MM-DD') AS day,
           sum(s.capacity - s.booked)::int AS free
    FROM slot s JOIN authority a ON a.id = s.authority_id
    WHERE s.authority_id = ${authorityId} AND s.concern_id = ${concernId} AND s.office_id = ${officeId}
      AND ${bookable(now)}
    GROUP BY 1 ORDER BY 1 LIMIT ${limit}`.execute(db);
  return result.rows;
}

const slotColumns = sql`s.id, s.office_id AS "officeId", s.concern_id AS "concernId",
  s.starts_at AS "startsAt", s.ends_at AS "endsAt", s.capacity, s.booked`;

/** Free slots between two local days (inclusive), for one office or all that offer the concern. */
export async function listFreeSlots(
  db: Db,
  authorityId: string,
  filter: { concernId: string; officeId?: string | undefined; from: string; to: string },
  now: Date,
  limit = 500,
): Promise<Slot[]> {
  const result = await sql<Slot>`
    SELECT ${slotColumns}
    FROM slot s JOIN authority a ON a.id = s.authority_id
    WHERE s.authority_id = ${authorityId} AND s.concern_id = ${filter.concernId}
      AND (${filter.officeId ?? null}::text IS NULL OR s.office_id = ${filter.officeId ?? null})
      AND s.starts_at >= ${filter.from}::date::timestamp AT TIME ZONE a.time_zone
      AND s.starts_at < (${filter.to}::date + 1)::timestamp AT TIME ZONE a.time_zone
      AND ${bookable(now)}
    ORDER BY s.starts_at, s.office_id LIMIT ${limit}`.execute(db);
  return result.rows;
}

/** The next free slots from now on, for the "just taken" page. */
export async function listNextFreeSlots(
  db: Db,
  authorityId: string,
  concernId: string,
  officeId: string,
  now: Date,
  limit: number,
): Promise<Slot[]> {
  const result = await sql<Slot>`
    SELECT ${slotColumns} FROM slot s
    WHERE s.authority_id = ${authorityId} AND s.concern_id = ${concernId} AND s.office_id = ${officeId}
      AND ${bookable(now)}
    ORDER BY s.starts_at LIMIT ${limit}`.execute(db);
  return result.rows;
}

export async function findSlot(
  db: Db,
  authorityId: string,
  slotId: string,
): Promise<Slot | undefined> {
  const result = await sql<Slot>`
    SELECT ${slotColumns} FROM slot s WHERE s.authority_id = ${authorityId} AND s.id = ${slotId}`.execute(
    db,
  );
  return result.rows[0];
}

/** Takes one place of a slot in one guarded statement; undefined when none is left. */
export async function takePlace(
  db: Db,
  authorityId: string,
  slotId: string,
  concernId: string,
  now: Date,
): Promise<Slot | undefined> {
  const result = await sql<Slot>`
    UPDATE slot s SET booked = s.booked + 1
    WHERE s.authority_id = ${authorityId} AND s.id = ${slotId} AND s.concern_id = ${concernId}
      AND ${bookable(now)}
    RETURNING ${slotColumns}`.execute(db);
  return result.rows[0];
}

export async function releasePlace(db: Db, authorityId: string, slotId: string) {
  await sql`UPDATE slot SET booked = booked - 1
            WHERE authority_id = ${authorityId} AND id = ${slotId} AND booked > 0`.execute(db);
}

/** A person's active bookings whose time has passed no longer block a new one. */
export async function completePastBookings(
  db: Db,
  authorityId: string,
  person: { concernId: string; personKey: string; dateOfBirth: string },
  now: Date,
) {
  await sql`
    UPDATE booking b SET status = 'completed'
    FROM slot s
    WHERE b.authority_id = ${authorityId} AND b.concern_id = ${person.concernId}
      AND b.person_key = ${person.personKey} AND b.date_of_birth = ${person.dateOfBirth}
      AND b.status = 'active' AND s.authority_id = b.authority_id AND s.id = b.slot_id
      AND s.starts_at <= ${now}`.execute(db);
}

export async function insertBooking(
  db: Db,
  authorityId: string,
  slot: Slot,
  booking: NewBooking,
): Promise<string> {
  const row = await db
    .insertInto('booking')
    .values({
      authority_id: authorityId,
      code: booking.code,
      slot_id: slot.id,
      concern_id: slot.concernId,
      family_name: booking.familyName,
      given_names: booking.givenNames,
      person_key: booking.personKey,
      date_of_birth: booking.dateOfBirth,
      email: booking.email,
      phone: booking.phone,
      language: booking.language,
      interpreter_language: booking.interpreterLanguage,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const bookingColumns = sql`b.id, b.code, b.status, b.slot_id AS "slotId", b.concern_id AS "concernId",
  s.office_id AS "officeId", s.starts_at AS "startsAt", s.ends_at AS "endsAt",
  b.family_name AS "familyName", b.given_names AS "givenNames",
  to_char(b.date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", b.email, b.phone, b.language,
  b.interpreter_language AS "interpreterLanguage"`;

export async function findBookingById(db: Db, authorityId: string, id: string) {
  const result = await sql<Booking>`
    SELECT ${bookingColumns} FROM booking b
    JOIN slot s ON s.authority_id = b.authority_id AND s.id = b.slot_id
    WHERE b.authority_id = ${authorityId} AND b.id = ${id}`.execute(db);
  return result.rows[0];
}

export async function findBookingByCode(
  db: Db,
  authorityId: string,
  code: string,
  dateOfBirth: string,
) {
  const result = await sql<Booking>`
    SELECT ${bookingColumns} FROM booking b
    JOIN slot s ON s.authority_id = b.authority_id AND s.id = b.slot_id
    WHERE b.authority_id = ${authorityId} AND b.code = ${code} AND b.date_of_birth = ${dateOfBirth}`.execute(
    db,
  );
  return result.rows[0];
}

export async function findActiveBookingOfPerson(
  db: Db,
  authorityId: string,
  person: { concernId: string; personKey: string; dateOfBirth: string },
) {
  const result = await sql<Booking>`
    SELECT ${bookingColumns} FROM booking b
    JOIN slot s ON s.authority_id = b.authority_id AND s.id = b.slot_id
    WHERE b.authority_id = ${authorityId} AND b.concern_id = ${person.concernId}
      AND b.person_key = ${person.personKey} AND b.date_of_birth = ${person.dateOfBirth}
      AND b.status = 'active'`.execute(db);
  return result.rows[0];
}

/** Marks an active future booking cancelled; returns its slot, or undefined. */
export async function markCancelled(db: Db, authorityId: string, bookingId: string, now: Date) {
  const result = await sql<{ slotId: string }>`
    UPDATE booking b SET status = 'cancelled', cancelled_at = ${now}
    FROM slot s
    WHERE b.authority_id = ${authorityId} AND b.id = ${bookingId} AND b.status = 'active'
      AND s.authority_id = b.authority_id AND s.id = b.slot_id AND s.starts_at > ${now}
    RETURNING b.slot_id AS "slotId"`.execute(db);
  return result.rows[0]?.slotId;
}

/** Moves an active booking from one slot to another; false when it was not on oldSlotId. */
export async function moveBooking(
  db: Db,
  authorityId: string,
  bookingId: string,
  oldSlotId: string,
  newSlotId: string,
) {
  const result = await db
    .updateTable('booking')
    .set({ slot_id: newSlotId })
    .where('authority_id', '=', authorityId)
    .where('id', '=', bookingId)
    .where('slot_id', '=', oldSlotId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function listDayBookings(db: Db, authorityId: string, officeId: string, day: string) {
  const result = await sql<Booking>`
    SELECT ${bookingColumns} FROM booking b
    JOIN slot s ON s.authority_id = b.authority_id AND s.id = b.slot_id
    JOIN authority a ON a.id = b.authority_id
    WHERE b.authority_id = ${authorityId} AND s.office_id = ${officeId} AND b.status = 'active'
      AND s.starts_at >= ${day}::date::timestamp AT TIME ZONE a.time_zone
      AND s.starts_at < (${day}::date + 1)::timestamp AT TIME ZONE a.time_zone
    ORDER BY s.starts_at, b.family_name`.execute(db);
  return result.rows;
}

export async function countBookingsAndSlots(db: Db, authorityId: string, slotId: string) {
  const result = await sql<{ booked: number; active: number; capacity: number }>`
    SELECT s.booked, s.capacity,
      (SELECT count(*)::int FROM booking b
       WHERE b.authority_id = s.authority_id AND b.slot_id = s.id AND b.status = 'active') AS active
    FROM slot s WHERE s.authority_id = ${authorityId} AND s.id = ${slotId}`.execute(db);
  return result.rows[0];
}

export type Journey = { id: string; answers: Record<string, unknown>; bookingId: string | null };

export async function findJourney(db: Db, authorityId: string, id: string, now: Date) {
  const row = await db
    .selectFrom('booking_journey')
    .where('authority_id', '=', authorityId)
    .where('id', '=', id)
    .where('expires_at', '>', now)
    .select(['id', 'answers', 'booking_id as bookingId'])
    .executeTakeFirst();
  return row as Journey | undefined;
}

export async function saveJourney(db: Db, authorityId: string, journey: Journey, expiresAt: Date) {
  const values = {
    answers: JSON.stringify(journey.answers),
    booking_id: journey.bookingId,
    expires_at: expiresAt,
  };
  await db
    .insertInto('booking_journey')
    .values({ authority_id: authorityId, id: journey.id, ...values })
    .onConflict((oc) => oc.columns(['authority_id', 'id']).doUpdateSet(values))
    .execute();
}

export async function purgeJourneys(db: Db, now: Date) {
  const result = await db
    .deleteFrom('booking_journey')
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function findPolicy(
  db: Db,
  authorityId: string,
  concernId: string,
): Promise<Policy | undefined> {
  return db
    .selectFrom('booking_policy')
    .where('authority_id', '=', authorityId)
    .where('concern_id', '=', concernId)
    .select([
      'concern_id as concernId',
      'slot_minutes as slotMinutes',
      'release_mode as releaseMode',
      'release_weeks_ahead as releaseWeeksAhead',
      'release_weekday as releaseWeekday',
      'release_time as releaseTime',
    ])
    .executeTakeFirst();
}

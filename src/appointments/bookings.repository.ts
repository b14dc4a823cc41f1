import { sql } from 'kysely';
import { prepared, type Db } from '../platform/db/database.ts';
import { queueMailIntents } from '../platform/mail/outbox.ts';
import type { TextRow } from '../platform/i18n/content.ts';
import { SOURCE_LANGUAGE } from '../platform/i18n/languages.ts';
import { bookable, slotColumns, type Slot } from './slots.repository.ts';
import type { OfficeAccess } from '../platform/policy/policy.ts';
import type { BookingStatus } from './tables.ts';

// The bookings. Each change is one guarded statement: taking a place and writing the
// booking, moving it, cancelling it and freeing its place happen in one round trip or not
// at all (a statement is atomic, even outside a transaction).

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

/** What a person gives when booking; bound to the booking afterwards. */
export type PersonDetails = Pick<
  Booking,
  | 'familyName'
  | 'givenNames'
  | 'dateOfBirth'
  | 'email'
  | 'phone'
  | 'language'
  | 'interpreterLanguage'
>;

export type NewBooking = PersonDetails & { code: string; personKey: string };

const bookingColumns = sql`b.id, b.code, b.status, b.slot_id AS "slotId", b.concern_id AS "concernId",
  s.office_id AS "officeId", s.starts_at AS "startsAt", s.ends_at AS "endsAt",
  b.family_name AS "familyName", b.given_names AS "givenNames",
  to_char(b.date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", b.email, b.phone, b.language,
  b.interpreter_language AS "interpreterLanguage"`;

/** The kind of mail intent a booking with an e-mail address queues. */
export const CONFIRMATION_MAIL = 'booking-confirmation';

export type BookOutcome =
  | { booking: Booking; facts: SlotFacts | undefined }
  | { booking: undefined; known: boolean; alternatives: Slot[] };

/** A slot as json_agg gives it: ids as numbers, instants as strings. */
type AlternativeJson = Omit<Slot, 'id' | 'startsAt' | 'endsAt'> & {
  id: number | string;
  startsAt: string;
  endsAt: string;
};

/**
 * Takes a place of a bookable slot of the concern and writes the booking, in one statement
 * and one round trip, whatever happens. Booked: the booking with its confirmation mail
 * queued (to be composed, when it has an e-mail address), and the facts the mail needs when
 * asked for (`factsIn` languages). Not booked (no place left, or no such slot of
 * the concern): nothing written, and the next free times at the same office, read in the
 * same statement. The person's one active booking per concern is a unique index, so a
 * second one fails.
 */
export async function bookFreePlace(
  db: Db,
  authorityId: string,
  place: { slotId: string; concernId: string },
  booking: NewBooking,
  now: Date,
  options: { factsIn: string[] | undefined; alternatives: number },
): Promise<BookOutcome> {
  const langs = options.factsIn ?? [];
  const result = await sql<
    Booking & {
      known: number;
      booked: boolean;
      facts: Omit<SlotFacts, 'id' | 'startsAt' | 'endsAt' | 'officeId' | 'concernId'> | null;
      alternatives: AlternativeJson[];
    }
  >`
    ${sql.raw(prepared('book_free_place'))}
    WITH s AS (
      UPDATE slot s SET booked = s.booked + 1
      WHERE s.authority_id = ${authorityId} AND s.id = ${place.slotId}
        AND s.concern_id = ${place.concernId} AND ${bookable(now)}
      RETURNING s.authority_id, s.id, s.office_id, s.concern_id, s.starts_at, s.ends_at
    ), b AS (
      INSERT INTO booking (authority_id, code, slot_id, concern_id, family_name, given_names,
                           person_key, date_of_birth, email, phone, language, interpreter_language)
      SELECT s.authority_id, ${booking.code}, s.id, s.concern_id, ${booking.familyName},
             ${booking.givenNames}, ${booking.personKey}, ${booking.dateOfBirth}, ${booking.email},
             ${booking.phone}, ${booking.language}, ${booking.interpreterLanguage}
      FROM s
      RETURNING *
    ), m AS (
      ${queueMailIntents(CONFIRMATION_MAIL, { table: 'b', authority: 'authority_id', recipient: 'email', ref: 'id' })}
    ), chosen AS (
      SELECT t.authority_id, t.id, t.concern_id, t.office_id FROM slot t
      WHERE t.authority_id = ${authorityId} AND t.id = ${place.slotId}
        AND t.concern_id = ${place.concernId}
    )
    SELECT (SELECT count(*) FROM chosen)::int AS known, bk.id IS NOT NULL AS booked, bk.*,
      (SELECT json_build_object('street', o.street, 'postalCode', o.postal_code, 'city', o.city,
                'concernTexts', ${textRows('concern_text', ['title', 'documents'], langs)},
                'officeTexts', ${textRows('office_text', ['name'], langs)})
       FROM s JOIN office o ON o.authority_id = s.authority_id AND o.id = s.office_id
       WHERE ${options.factsIn !== undefined}) AS facts,
      (SELECT coalesce(json_agg(a), '[]') FROM (
         SELECT ${slotColumns} FROM chosen c
         JOIN slot s ON s.authority_id = c.authority_id AND s.concern_id = c.concern_id
          AND s.office_id = c.office_id
         -- the chosen slot may still look free in this statement's snapshot: never offer it
         WHERE NOT EXISTS (SELECT 1 FROM b) AND s.id <> c.id AND ${bookable(now)}
         ORDER BY s.starts_at LIMIT ${options.alternatives}) AS a) AS alternatives
    FROM (SELECT 1) AS one
    LEFT JOIN (SELECT ${bookingColumns} FROM b JOIN s ON s.id = b.slot_id) AS bk ON true`.execute(
    db,
  );
  const row = result.rows[0];
  if (!row?.booked) {
    const alternatives = (row?.alternatives ?? []).map((slot) => ({
      ...slot,
      id: String(slot.id),
      startsAt: new Date(slot.startsAt),
      endsAt: new Date(slot.endsAt),
    }));
    return { booking: undefined, known: (row?.known ?? 0) > 0, alternatives };
  }
  const { known: _known, booked: _booked, facts, alternatives: _none, ...created } = row;
  return {
    booking: created,
    facts: facts
      ? {
          ...facts,
          id: created.slotId,
          officeId: created.officeId,
          concernId: created.concernId,
          startsAt: created.startsAt,
          endsAt: created.endsAt,
        }
      : undefined,
  };
}

/**
 * A slot's capacity once one of its places is freed: unchanged, unless the slot holds more
 * places than its rules give (a reduced or removed rule kept the booked ones); then the
 * freed place goes with the booking instead of being offered again.
 */
const freedCapacity = (alias: 's' | 'f') => {
  const s = (column: string) => sql.ref(`${alias}.${column}`);
  return sql`least(${s('capacity')},
    greatest(${s('booked')} - 1, coalesce(${s('rule_capacity')}, ${s('capacity')})))`;
};

export type MoveOutcome = { moved: Booking } | { moved: undefined; reason: 'taken' | 'not-active' };

/**
 * Moves an active future booking to a bookable slot of the same concern and office, in one
 * statement: the booking row is locked, the new place taken, the old one freed.
 */
export async function moveBookingToFreePlace(
  db: Db,
  authorityId: string,
  bookingId: string,
  newSlotId: string,
  now: Date,
): Promise<MoveOutcome> {
  // When nothing moved, the booking columns are NULL and only `active` says why.
  const result = await sql<Booking & { active: number; moved: boolean }>`
    WITH cur AS (
      SELECT b.id, b.slot_id, b.concern_id, o.office_id
      FROM booking b JOIN slot o ON o.authority_id = b.authority_id AND o.id = b.slot_id
      WHERE b.authority_id = ${authorityId} AND b.id = ${bookingId} AND b.status = 'active'
        AND o.starts_at > ${now}
      FOR UPDATE OF b
    ), s AS (
      UPDATE slot s SET booked = s.booked + 1
      FROM cur
      WHERE s.authority_id = ${authorityId} AND s.id = ${newSlotId} AND s.id <> cur.slot_id
        AND s.concern_id = cur.concern_id AND s.office_id = cur.office_id AND ${bookable(now)}
      RETURNING s.id, s.office_id, s.starts_at, s.ends_at
    ), b AS (
      UPDATE booking b SET slot_id = s.id
      FROM s, cur
      WHERE b.authority_id = ${authorityId} AND b.id = cur.id
      RETURNING b.*
    ), freed AS (
      UPDATE slot f SET booked = f.booked - 1, capacity = ${freedCapacity('f')}
      FROM cur, b
      WHERE f.authority_id = ${authorityId} AND f.id = cur.slot_id AND f.booked > 0
    )
    SELECT (SELECT count(*) FROM cur)::int AS active, m.id IS NOT NULL AS moved, m.*
    FROM (SELECT 1) AS one
    LEFT JOIN (SELECT ${bookingColumns} FROM b JOIN s ON s.id = b.slot_id) AS m ON true`.execute(
    db,
  );
  const row = result.rows[0];
  if (row?.moved) {
    const { active: _active, moved: _moved, ...booking } = row;
    return { moved: booking };
  }
  return { moved: undefined, reason: row && row.active > 0 ? 'taken' : 'not-active' };
}

/** Cancels an active future booking and frees its place, in one statement. */
export async function cancelBookingAndFreePlace(
  db: Db,
  authorityId: string,
  bookingId: string,
  now: Date,
): Promise<boolean> {
  const result = await sql<{ id: string }>`
    WITH c AS (
      UPDATE booking b SET status = 'cancelled', cancelled_at = ${now}
      FROM slot s
      WHERE b.authority_id = ${authorityId} AND b.id = ${bookingId} AND b.status = 'active'
        AND s.authority_id = b.authority_id AND s.id = b.slot_id AND s.starts_at > ${now}
      RETURNING b.slot_id
    )
    UPDATE slot s SET booked = s.booked - 1, capacity = ${freedCapacity('s')}
    FROM c
    WHERE s.authority_id = ${authorityId} AND s.id = c.slot_id AND s.booked > 0
    RETURNING s.id`.execute(db);
  return result.rows.length === 1;
}

/** A person's active bookings whose time has passed no longer block a new one. */
export async function completePastBookings(
  db: Db,
  authorityId: string,
  person: { concernId: string; personKey: string; dateOfBirth: string },
  now: Date,
): Promise<number> {
  const result = await sql`
    UPDATE booking b SET status = 'completed'
    FROM slot s
    WHERE b.authority_id = ${authorityId} AND b.concern_id = ${person.concernId}
      AND b.person_key = ${person.personKey} AND b.date_of_birth = ${person.dateOfBirth}
      AND b.status = 'active' AND s.authority_id = b.authority_id AND s.id = b.slot_id
      AND s.starts_at <= ${now}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export async function findBookingById(
  db: Db,
  authorityId: string,
  id: string,
): Promise<Booking | undefined> {
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
): Promise<Booking | undefined> {
  const result = await sql<Booking>`
    SELECT ${bookingColumns} FROM booking b
    JOIN slot s ON s.authority_id = b.authority_id AND s.id = b.slot_id
    WHERE b.authority_id = ${authorityId} AND b.code = ${code}
      AND b.date_of_birth = ${dateOfBirth}`.execute(db);
  return result.rows[0];
}

/** The id of the booking with this (normalised) code, whatever its status. */
export async function findBookingIdByCode(
  db: Db,
  authorityId: string,
  code: string,
): Promise<string | undefined> {
  const result = await sql<{ id: string }>`
    SELECT b.id FROM booking b WHERE b.authority_id = ${authorityId} AND b.code = ${code}`.execute(
    db,
  );
  return result.rows[0]?.id;
}

/** An appointment as the day list shows it: never the whole booking code. */
export type DayAppointment = {
  id: string;
  concernId: string;
  startsAt: Date;
  endsAt: Date;
  familyName: string;
  givenNames: string;
  language: string;
  interpreterLanguage: string | null;
  /** The code's last three characters, enough to tell two people of one name apart. */
  codeEnd: string;
  arrivedAt: Date | null;
  noShowAt: Date | null;
};

/** The policy's office access as part of a WHERE clause: the record scope is in the SQL. */
const reaches = (reach: OfficeAccess, column: string) =>
  sql<boolean>`(${reach.all} OR ${sql.ref(column)} = ANY(${reach.all ? [] : reach.officeIds}::text[]))`;

/**
 * The appointments (not cancelled) of one office on one local day, optionally of one
 * concern; none when the office is outside `reach`. Only the end of each booking code leaves
 * the database: printed lists must not carry codes that open a booking.
 */
export async function listDayAppointments(
  db: Db,
  authority: { id: string; timeZone: string },
  where: { officeId: string; day: string; concernId: string | null },
  reach: OfficeAccess,
): Promise<DayAppointment[]> {
  const zone = authority.timeZone;
  const result = await sql<DayAppointment>`
    SELECT b.id, b.concern_id AS "concernId", s.starts_at AS "startsAt", s.ends_at AS "endsAt",
           b.family_name AS "familyName", b.given_names AS "givenNames", b.language,
           b.interpreter_language AS "interpreterLanguage", right(b.code, 3) AS "codeEnd",
           b.arrived_at AS "arrivedAt", b.no_show_at AS "noShowAt"
    FROM slot s
    JOIN booking b ON b.authority_id = s.authority_id AND b.slot_id = s.id
    WHERE s.authority_id = ${authority.id} AND s.office_id = ${where.officeId}
      AND ${reaches(reach, 's.office_id')}
      AND (${where.concernId}::text IS NULL OR s.concern_id = ${where.concernId})
      AND s.starts_at >= ${where.day}::date::timestamp AT TIME ZONE ${zone}
      AND s.starts_at < (${where.day}::date + 1)::timestamp AT TIME ZONE ${zone}
      AND b.status <> 'cancelled'
    ORDER BY s.starts_at, b.family_name, b.given_names, b.id`.execute(db);
  return result.rows;
}

export type AttendanceMark = 'arrived' | 'no_show' | 'expected';

/**
 * Marks a booking as arrived or not come, or takes a mark back, in one guarded statement:
 * only a booking that is not cancelled, of an office within `reach`, on its own local day
 * (and a no-show only once its time has begun). A repeated mark keeps its first time.
 * Undefined when nothing qualified.
 */
export async function markBookingAttendance(
  db: Db,
  authority: { id: string; timeZone: string },
  bookingId: string,
  mark: AttendanceMark,
  reach: OfficeAccess,
  now: Date,
): Promise<{ id: string; officeId: string; concernId: string } | undefined> {
  const zone = authority.timeZone;
  const result = await sql<{ id: string; officeId: string; concernId: string }>`
    UPDATE booking b
    SET arrived_at = CASE WHEN ${mark} = 'arrived' THEN coalesce(b.arrived_at, ${now}) END,
        no_show_at = CASE WHEN ${mark} = 'no_show' THEN coalesce(b.no_show_at, ${now}) END
    FROM slot s
    WHERE b.authority_id = ${authority.id} AND b.id = ${bookingId} AND b.status <> 'cancelled'
      AND s.authority_id = b.authority_id AND s.id = b.slot_id
      AND ${reaches(reach, 's.office_id')}
      AND (s.starts_at AT TIME ZONE ${zone})::date = (${now}::timestamptz AT TIME ZONE ${zone})::date
      AND (${mark} <> 'no_show' OR s.starts_at <= ${now})
    RETURNING b.id, s.office_id AS "officeId", b.concern_id AS "concernId"`.execute(db);
  return result.rows[0];
}

/** The facts of a slot that a confirmation shows: its time, office address and texts. */
export type SlotFacts = Pick<Slot, 'id' | 'officeId' | 'concernId' | 'startsAt' | 'endsAt'> & {
  street: string;
  postalCode: string;
  city: string;
  concernTexts: TextRow[];
  officeTexts: TextRow[];
};

const textRows = (table: 'concern_text' | 'office_text', fields: string[], langs: string[]) => {
  const t = sql.table(table);
  const id = sql.ref(table === 'concern_text' ? 'concern_id' : 'office_id');
  const owner = sql.ref(table === 'concern_text' ? 's.concern_id' : 's.office_id');
  return sql<TextRow[]>`(
    SELECT coalesce(json_agg(json_build_object(
      'lang', t.lang, 'field', t.field, 'text', t.text, 'status', t.status,
      'stale', t.status <> 'source' AND t.source_hash IS DISTINCT FROM md5(src.text))), '[]')
    FROM ${t} t
    LEFT JOIN ${t} src ON src.authority_id = t.authority_id AND src.${id} = t.${id}
      AND src.field = t.field AND src.lang = ${SOURCE_LANGUAGE}
    WHERE t.authority_id = s.authority_id AND t.${id} = ${owner}
      AND t.field = ANY(${fields}::text[]) AND t.lang = ANY(${langs}::text[]))`;
};

/**
 * One query for everything a confirmation needs. It reads the published texts of the
 * concern and the office (read only, the texts those features own), because a booking
 * sits on the hot path and this saves five round trips.
 */
export async function findSlotFacts(
  db: Db,
  authorityId: string,
  slotId: string,
  langs: string[],
): Promise<SlotFacts | undefined> {
  const result = await sql<SlotFacts>`
    SELECT s.id, s.office_id AS "officeId", s.concern_id AS "concernId",
           s.starts_at AS "startsAt", s.ends_at AS "endsAt",
           o.street, o.postal_code AS "postalCode", o.city,
           ${textRows('concern_text', ['title', 'documents'], langs)} AS "concernTexts",
           ${textRows('office_text', ['name'], langs)} AS "officeTexts"
    FROM slot s JOIN office o ON o.authority_id = s.authority_id AND o.id = s.office_id
    WHERE s.authority_id = ${authorityId} AND s.id = ${slotId}`.execute(db);
  return result.rows[0];
}

export { type Slot };

import type { Db } from '../platform/db/database.ts';
import { enqueueMail, type OutgoingMail } from '../platform/mail/outbox.ts';
import { publicHolidays } from './holidays.ts';
import { newBookingCode, personKey } from './people.ts';
import {
  completePastBookings,
  findActiveBookingOfPerson,
  findBookingById,
  findSlot,
  insertBooking,
  listFreeDays,
  listFreeSlots,
  listNextFreeSlots,
  markCancelled,
  materializeSlots,
  moveBooking,
  releasePlace,
  takePlace,
  upsertHolidays,
  type Booking,
  type Slot,
} from './repository.ts';

export type { Booking, Slot } from './repository.ts';
export {
  addClosure,
  replaceCapacityRules,
  upsertPolicy,
  findBookingByCode,
  findBookingById,
  findSlot,
  listDayBookings,
  listFreeDays,
  listFreeSlots,
} from './repository.ts';

/** What a person gives when booking; bound to the booking afterwards (the name never changes). */
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

export type BookResult =
  | { ok: true; booking: Booking }
  | { ok: false; reason: 'taken'; alternatives: Slot[] }
  | { ok: false; reason: 'duplicate'; existing: Booking };

/** Mail for a booking, composed inside the booking's transaction (outbox). */
export type ComposeMail = (booking: Booking) => OutgoingMail | undefined;

const UNIQUE_VIOLATION = '23505';
const isUniqueViolation = (error: unknown, constraint: string) =>
  (error as { code?: string; constraint?: string }).code === UNIQUE_VIOLATION &&
  (error as { constraint?: string }).constraint === constraint;

class Rollback extends Error {}

/** Two moves in opposite directions lock the same two slots in opposite order: try again. */
async function retryOnConflict<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= attempts || (code !== '40P01' && code !== '40001')) throw error;
    }
  }
}

/**
 * Books a place: in one transaction, one guarded UPDATE takes a place of the slot (or
 * nothing happens), the booking row is written, and its confirmation mail is queued.
 */
export async function book(
  db: Db,
  authorityId: string,
  request: { slotId: string; concernId: string; person: PersonDetails },
  now: Date,
  composeMail: ComposeMail,
): Promise<BookResult> {
  const key = personKey(request.person.familyName, request.person.givenNames);
  const person = {
    concernId: request.concernId,
    personKey: key,
    dateOfBirth: request.person.dateOfBirth,
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const booking = await db.transaction().execute(async (tx) => {
        await completePastBookings(tx, authorityId, person, now);
        const slot = await takePlace(tx, authorityId, request.slotId, request.concernId, now);
        if (!slot) throw new Rollback('taken');
        const id = await insertBooking(tx, authorityId, slot, {
          ...request.person,
          code: newBookingCode(),
          slotId: slot.id,
          personKey: key,
        });
        const created = await findBookingById(tx, authorityId, id);
        if (!created) throw new Error('booking vanished inside its transaction');
        const mail = composeMail(created);
        if (mail) await enqueueMail(tx, authorityId, mail);
        return created;
      });
      return { ok: true, booking };
    } catch (error) {
      if (error instanceof Rollback) {
        return {
          ok: false,
          reason: 'taken',
          alternatives: await alternativesFor(
            db,
            authorityId,
            request.slotId,
            request.concernId,
            now,
          ),
        };
      }
      if (isUniqueViolation(error, 'booking_one_active_per_person')) {
        const existing = await findActiveBookingOfPerson(db, authorityId, person);
        if (existing) return { ok: false, reason: 'duplicate', existing };
        continue; // the other booking was cancelled meanwhile: try again
      }
      if (isUniqueViolation(error, 'booking_authority_id_code_key')) continue; // new code
      throw error;
    }
  }
  throw new Error('booking failed after retries');
}

async function alternativesFor(
  db: Db,
  authorityId: string,
  slotId: string,
  concernId: string,
  now: Date,
) {
  const slot = await findSlot(db, authorityId, slotId);
  if (!slot) return [];
  return listNextFreeSlots(db, authorityId, concernId, slot.officeId, now, 6);
}

/** Cancels a future booking and frees its place at once. */
export async function cancelBooking(db: Db, authorityId: string, bookingId: string, now: Date) {
  return db.transaction().execute(async (tx) => {
    const slotId = await markCancelled(tx, authorityId, bookingId, now);
    if (!slotId) return false;
    await releasePlace(tx, authorityId, slotId);
    return true;
  });
}

export type RescheduleResult =
  | { ok: true; booking: Booking }
  | { ok: false; reason: 'taken'; alternatives: Slot[] }
  | { ok: false; reason: 'not-active' };

/**
 * Takes the new place first; the old one is released only in the same transaction, which
 * also queues the updated confirmation.
 */
export async function reschedule(
  db: Db,
  authorityId: string,
  bookingId: string,
  newSlotId: string,
  now: Date,
  composeMail: ComposeMail = () => undefined,
): Promise<RescheduleResult> {
  const current = await findBookingById(db, authorityId, bookingId);
  if (!current || current.status !== 'active' || current.startsAt <= now) {
    return { ok: false, reason: 'not-active' };
  }
  try {
    const booking = await retryOnConflict(() =>
      db.transaction().execute(async (tx) => {
        const slot = await takePlace(tx, authorityId, newSlotId, current.concernId, now);
        if (!slot) throw new Rollback('taken');
        if (!(await moveBooking(tx, authorityId, bookingId, current.slotId, slot.id))) {
          throw new Rollback('not-active');
        }
        await releasePlace(tx, authorityId, current.slotId);
        const moved = await findBookingById(tx, authorityId, bookingId);
        // The updated confirmation (new time, new calendar entry) goes out with the move.
        const mail = moved && composeMail(moved);
        if (mail) await enqueueMail(tx, authorityId, mail);
        return moved;
      }),
    );
    if (!booking) return { ok: false, reason: 'not-active' };
    return { ok: true, booking };
  } catch (error) {
    if (error instanceof Rollback && error.message === 'taken') {
      return {
        ok: false,
        reason: 'taken',
        alternatives: await alternativesFor(db, authorityId, newSlotId, current.concernId, now),
      };
    }
    if (error instanceof Rollback) return { ok: false, reason: 'not-active' };
    throw error;
  }
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** Keeps the slot window filled: holidays of this and next year, slots for the next days. */
export async function extendSlotWindow(
  db: Db,
  authority: { id: string; land: string },
  now: Date,
  days = 63,
) {
  const year = now.getUTCFullYear();
  for (const y of [year, year + 1])
    await upsertHolidays(db, authority.land, publicHolidays(authority.land, y));
  const until = new Date(now.getTime() + days * 86_400_000);
  return materializeSlots(db, authority.id, isoDay(now), isoDay(until));
}

export async function nextFreeDays(
  db: Db,
  authorityId: string,
  concernId: string,
  officeId: string,
  now: Date,
) {
  return listFreeDays(db, authorityId, concernId, officeId, now, 12);
}

export async function freeSlotsOnDay(
  db: Db,
  authorityId: string,
  concernId: string,
  officeId: string,
  day: string,
  now: Date,
) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return [];
  return listFreeSlots(db, authorityId, { concernId, officeId, from: day, to: day }, now);
}

import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db/database.ts';
import { isSerializationFailure, isUniqueViolation } from '../platform/db/errors.ts';
import type { Authority } from '../platform/http/request-context.ts';
import { languageChain } from '../platform/i18n/languages.ts';
import { plausibleDate } from '../platform/validation/dates.ts';
import { createTranslator } from '../platform/i18n/messages.ts';
import {
  completeMailIntent,
  enqueueMail,
  type MailIntent,
  type OutgoingMail,
} from '../platform/mail/outbox.ts';
import {
  cancelBookingAndFreePlace,
  completePastBookings,
  findBookingByCode,
  findBookingById,
  findBookingIdByCode,
  findSlotFacts,
  bookFreePlace,
  CONFIRMATION_MAIL,
  moveBookingToFreePlace,
  type Booking,
  type PersonDetails,
} from './bookings.repository.ts';
import { appointmentFacts, confirmationMail, type AppointmentFacts } from './confirmation.ts';
import { publicHolidays } from './holidays.ts';
import { isBookingCode, newBookingCode, normaliseBookingCode, personKey } from './people.ts';
import { findPolicy, upsertHolidays, type Policy } from './rules.repository.ts';
import {
  findSlot,
  listAlternatives,
  listFreeDays,
  listFreeSlots,
  lockSlotPlanning,
  materializeSlots,
  type Slot,
} from './slots.repository.ts';
import { SLOT_WINDOW_DAYS, slotWindow } from './slot-window.ts';

// The booking's domain: every function does the whole job for the HTML journey and the
// JSON API alike. Correctness lives in the guarded statements of the repositories.

export type { Booking, PersonDetails } from './bookings.repository.ts';
export type { Slot } from './slots.repository.ts';
export type { Policy, CapacityRule } from './rules.repository.ts';
export { findBookingById } from './bookings.repository.ts';
export { replaceCapacityRules, upsertPolicy } from './rules.repository.ts';
export { findSlot, listFreeSlots } from './slots.repository.ts';
export { purgeExpiredBookings } from './retention.repository.ts';

/** What the booking functions need from the app: the database, the time, the public address. */
export type AppointmentDeps = { db: Db; clock: Clock; baseUrl: string };
export type AuthorityRef = Pick<Authority, 'id' | 'name' | 'timeZone'>;

const ALTERNATIVES = 6;

export type BookResult =
  | { ok: true; booking: Booking }
  | { ok: false; reason: 'taken'; alternatives: Slot[] }
  | { ok: false; reason: 'unknown-slot' }
  | { ok: false; reason: 'duplicate' };

/** The confirmation mail in the person's language, for a booking about to be written. */
function composeConfirmation(
  deps: AppointmentDeps,
  authority: AuthorityRef,
  facts: Awaited<ReturnType<typeof findSlotFacts>>,
  booking: PersonDetails & { code: string },
): OutgoingMail | undefined {
  if (!facts || !booking.email) return undefined;
  const lang = booking.language;
  const site = createTranslator(lang)('site.name', { city: authority.name });
  return confirmationMail(
    { ...booking, startsAt: facts.startsAt, endsAt: facts.endsAt },
    appointmentFacts(facts, booking, authority.timeZone, lang),
    site,
    `${deps.baseUrl}/${lang}/manage`,
  );
}

/**
 * Books a place for a person in one statement, which also queues the confirmation mail (to
 * be composed) and, when no place is left, reads the alternatives: one round trip, no
 * transaction, whatever happens. When booked, the mail is composed in the person's language
 * from the facts the same statement returned; should that not happen (a crash), the mail
 * sender composes it (see `composeMailIntent`).
 */
export async function bookAppointment(
  deps: AppointmentDeps,
  authority: AuthorityRef,
  request: { slotId: string; concernId: string; person: PersonDetails },
): Promise<BookResult> {
  const { db } = deps;
  const now = deps.clock();
  const { person } = request;
  const key = personKey(person.familyName, person.givenNames);
  const place = { slotId: request.slotId, concernId: request.concernId };
  const options = {
    factsIn: person.email ? languageChain(person.language) : undefined,
    alternatives: ALTERNATIVES,
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    const booking = { ...person, code: newBookingCode(), personKey: key };
    try {
      const outcome = await bookFreePlace(db, authority.id, place, booking, now, options);
      if (outcome.booking) {
        const mail = composeConfirmation(deps, authority, outcome.facts, booking);
        const intent = { kind: CONFIRMATION_MAIL, ref: outcome.booking.id };
        // The booking stands either way; a mail left uncomposed is composed by the sender.
        if (mail) await completeMailIntent(db, authority.id, intent, mail).catch(() => undefined);
        return { ok: true, booking: outcome.booking };
      }
      if (!outcome.known) return { ok: false, reason: 'unknown-slot' };
      return { ok: false, reason: 'taken', alternatives: outcome.alternatives };
    } catch (error) {
      if (isUniqueViolation(error, 'booking_one_active_per_person')) {
        // An earlier appointment of this person that has passed no longer blocks one.
        const who = {
          concernId: request.concernId,
          personKey: key,
          dateOfBirth: person.dateOfBirth,
        };
        if ((await completePastBookings(db, authority.id, who, now)) > 0) continue;
        return { ok: false, reason: 'duplicate' };
      }
      if (isUniqueViolation(error, 'booking_authority_id_code_key')) continue; // new code
      throw error;
    }
  }
  throw new Error('booking failed after retries');
}

/**
 * Composes a queued mail that the request did not get to compose: the confirmation of the
 * booking as it is now (undefined when it is no longer active, or for a kind not ours).
 */
export async function composeMailIntent(
  deps: AppointmentDeps,
  authority: AuthorityRef,
  intent: MailIntent,
): Promise<OutgoingMail | undefined> {
  if (intent.kind !== CONFIRMATION_MAIL || !/^[0-9]{1,18}$/.test(intent.ref)) return undefined;
  const booking = await findBookingById(deps.db, authority.id, intent.ref);
  if (!booking || booking.status !== 'active') return undefined;
  const facts = await findSlotFacts(
    deps.db,
    authority.id,
    booking.slotId,
    languageChain(booking.language),
  );
  return composeConfirmation(deps, authority, facts, booking);
}

export type MoveResult =
  | { ok: true; booking: Booking }
  | { ok: false; reason: 'taken'; alternatives: Slot[] }
  | { ok: false; reason: 'not-active' };

/** Two moves in opposite directions lock the same two slots in opposite order: try again. */
async function retryOnConflict<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isSerializationFailure(error)) throw error;
    }
  }
}

/**
 * Moves a booking to another time of the same concern at the same office (the statement
 * refuses anything else): the new place is taken, the old one freed, and the updated
 * confirmation queued, all at once.
 */
export async function moveAppointment(
  deps: AppointmentDeps,
  authority: AuthorityRef,
  bookingId: string,
  newSlotId: string,
): Promise<MoveResult> {
  const { db } = deps;
  const now = deps.clock();
  const current = await findBookingById(db, authority.id, bookingId);
  if (!current || current.status !== 'active' || current.startsAt <= now) {
    return { ok: false, reason: 'not-active' };
  }
  const facts = current.email
    ? await findSlotFacts(db, authority.id, newSlotId, languageChain(current.language))
    : undefined;
  const mail = composeConfirmation(deps, authority, facts, current);
  const outcome = await retryOnConflict(() =>
    mail
      ? db.transaction().execute(async (tx) => {
          const result = await moveBookingToFreePlace(tx, authority.id, bookingId, newSlotId, now);
          if (result.moved) await enqueueMail(tx, authority.id, mail);
          return result;
        })
      : moveBookingToFreePlace(db, authority.id, bookingId, newSlotId, now),
  );
  if (outcome.moved) return { ok: true, booking: outcome.moved };
  if (outcome.reason === 'not-active') return { ok: false, reason: 'not-active' };
  // Alternatives only where the booking can go: its own concern and office.
  const nearby = await listAlternatives(
    db,
    authority.id,
    current.slotId,
    current.concernId,
    now,
    ALTERNATIVES + 1,
  );
  const alternatives = (nearby?.alternatives ?? [])
    .filter((slot) => slot.id !== current.slotId)
    .slice(0, ALTERNATIVES);
  return { ok: false, reason: 'taken', alternatives };
}

/** Cancels a future booking and frees its place at once; false when there was none. */
export async function cancelAppointment(
  deps: AppointmentDeps,
  authority: AuthorityRef,
  bookingId: string,
): Promise<boolean> {
  return cancelBookingAndFreePlace(deps.db, authority.id, bookingId, deps.clock());
}

/**
 * A person's booking by its code (as people type it: spaces, dashes, case and look-alike
 * letters do not matter) and their date of birth; a date nobody can be born on finds none.
 */
export async function findBookingOfPerson(
  deps: AppointmentDeps,
  authority: AuthorityRef,
  key: { code: string; dateOfBirth: string },
): Promise<Booking | undefined> {
  if (!plausibleDate().safeParse(key.dateOfBirth).success) return undefined;
  const code = normaliseBookingCode(key.code);
  return findBookingByCode(deps.db, authority.id, code, key.dateOfBirth);
}

/**
 * A booking code as the person knows it (typed as people type it), resolved to the booking's
 * id: the audit trail names bookings by id, the newcomer knows the code. Undefined when the
 * text is no booking code; `id` undefined when no booking (or no longer one) has it.
 */
export async function bookingIdOfCode(
  db: Db,
  authorityId: string,
  text: string,
): Promise<{ code: string; id: string | undefined } | undefined> {
  const code = normaliseBookingCode(text.trim());
  if (!isBookingCode(code)) return undefined;
  return { code, id: await findBookingIdByCode(db, authorityId, code) };
}

/** What the confirmation and manage pages show of a booking, in the reader's language. */
export async function describeBooking(
  deps: AppointmentDeps,
  authority: AuthorityRef,
  booking: Pick<Booking, 'slotId'> & PersonDetails,
  lang: string,
): Promise<AppointmentFacts | undefined> {
  const facts = await findSlotFacts(deps.db, authority.id, booking.slotId, languageChain(lang));
  return facts && appointmentFacts(facts, booking, authority.timeZone, lang);
}

/** Keeps the slot window filled: holidays of this and next year, slots for the next days. */
export async function extendSlotWindow(
  db: Db,
  authority: { id: string; land: string; timeZone: string },
  now: Date,
  days = SLOT_WINDOW_DAYS,
) {
  const year = now.getUTCFullYear();
  for (const y of [year, year + 1])
    await upsertHolidays(db, authority.land, publicHolidays(authority.land, y));
  const { from, to } = slotWindow(now, days);
  // Under the planning lock: a capacity change being saved finishes first, so the window is
  // planned from the rules as they are after it, never from the rules before it.
  return db.transaction().execute(async (tx) => {
    await lockSlotPlanning(tx, authority.id);
    return materializeSlots(tx, authority, from, to);
  });
}

/** The next days with free places, and how next week's are released (weekly rush). */
export async function nextFreeDays(
  db: Db,
  authority: Pick<Authority, 'id' | 'timeZone'>,
  where: { concernId: string; officeId: string },
  now: Date,
): Promise<{ days: { day: string; free: number }[]; policy: Policy | undefined }> {
  const [days, policy] = await Promise.all([
    listFreeDays(db, authority, where, now, 12),
    findPolicy(db, authority.id, where.concernId),
  ]);
  return { days, policy };
}

export async function freeSlotsOnDay(
  db: Db,
  authority: Pick<Authority, 'id' | 'timeZone'>,
  where: { concernId: string; officeId: string; day: string },
  now: Date,
) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(where.day)) return [];
  return listFreeSlots(db, authority, { ...where, from: where.day, to: where.day }, now);
}

/** A slot that can be chosen for the concern at the office, or undefined. */
export async function findSlotFor(
  db: Db,
  authorityId: string,
  slotId: string,
  where: { concernId: string; officeId: string },
): Promise<Slot | undefined> {
  const slot = await findSlot(db, authorityId, slotId);
  return slot && slot.concernId === where.concernId && slot.officeId === where.officeId
    ? slot
    : undefined;
}

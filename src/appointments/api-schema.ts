import { z } from 'zod';
import { plausibleDate } from '../platform/validation/dates.ts';
import { normaliseBookingCode } from './people.ts';
import { ID_PATTERN, personSchema, SLOT_ID_PATTERN } from './schema.ts';
import type { Booking, Slot } from './service.ts';

// The JSON API's requests and answers as zod schemas: the routes validate and serialise with
// them and the OpenAPI document is generated from them. Messages are catalogue keys, which
// the error handler translates. A person's details are the domain's `personSchema` as it is.

/** The longest range one availability request may ask for. */
export const MAX_RANGE_DAYS = 31;

const DAY_MS = 86_400_000;

const id = (message: string) => z.string(message).regex(ID_PATTERN, message);

/** Every operation may name the language of its texts and messages. */
const lang = z
  .string()
  .max(20)
  .optional()
  .describe(
    'Language of texts and messages (de, de-simple, en, ar, uk, ru, fa, tr); default: Accept-Language',
  );

export const languageQuery = z.object({ lang });

export const availabilityQuery = z
  .object({
    concern: id('booking.error.chooseConcern'),
    office: id('booking.error.chooseOffice').optional(),
    from: plausibleDate('booking.error.chooseDay').describe('First day (local date)'),
    to: plausibleDate('booking.error.chooseDay').describe(
      `Last day (local date), at most ${MAX_RANGE_DAYS} days after the first`,
    ),
    lang,
  })
  .refine(
    ({ from, to }) => {
      const days = (Date.parse(to) - Date.parse(from)) / DAY_MS;
      return days >= 0 && days <= MAX_RANGE_DAYS;
    },
    { path: ['to'], message: 'booking.error.chooseDay' },
  );

/**
 * A booking: the slot and concern, and the person's details as the domain takes them. The
 * object lists the person's fields (so they are validated and documented one by one), then
 * the domain schema decides as a whole (a contact is needed) and gives the person's values.
 */
export const bookingRequest = z
  .object({
    slotId: z.string('booking.error.chooseTime').regex(SLOT_ID_PATTERN, 'booking.error.chooseTime'),
    concernId: id('booking.error.chooseConcern'),
    ...personSchema.in.shape,
    // The domain's rule, documented as the date format it checks.
    dateOfBirth: personSchema.in.shape.dateOfBirth.meta({ format: 'date' }),
  })
  .transform(({ slotId, concernId, ...details }, ctx) => {
    const person = personSchema.safeParse(details);
    if (!person.success) {
      for (const issue of person.error.issues) {
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      }
      return z.NEVER;
    }
    return { slotId, concernId, person: person.data };
  });

/**
 * Finding a booking needs its code and the date of birth. Any real date is taken: a date
 * nobody can be born on finds no booking (404), like any other wrong answer.
 */
export const bookingLookup = z.object({
  code: z
    .string('booking.error.code')
    .min(1, 'booking.error.code')
    .max(20, 'booking.error.code')
    .transform(normaliseBookingCode)
    .describe('The booking code from the confirmation; spaces, dashes and case do not matter'),
  dateOfBirth: z.iso.date('booking.error.dateOfBirth'),
});

const instant = z.iso.datetime().describe('An instant (UTC)');

export const slotAnswer = z.object({
  slotId: z.string(),
  officeId: z.string(),
  concernId: z.string(),
  startsAt: instant,
  endsAt: instant,
  remaining: z.int().min(0).describe('Places still free'),
});

export const bookingAnswer = z.object({
  code: z.string().describe('The booking code, with the date of birth the key to the booking'),
  status: z.enum(['active', 'cancelled', 'completed']),
  concernId: z.string(),
  officeId: z.string(),
  startsAt: instant,
  endsAt: instant,
  familyName: z.string(),
  givenNames: z.string(),
  language: z.string(),
  interpreterLanguage: z.string().nullable(),
});

export const concernAnswer = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  language: z.string().describe('The language the texts are in (a fallback if not translated)'),
  leikaKey: z.string().nullable().describe('The service key of the federal service catalogue'),
});

export const officeAnswer = z.object({
  id: z.string(),
  name: z.string(),
  street: z.string(),
  postalCode: z.string(),
  city: z.string(),
  languages: z.array(z.string()).describe('Languages spoken at the counter'),
  wheelchairAccessible: z.boolean(),
});

/** SLOT_TAKEN tells the next free times of the same concern at the same office. */
export const slotTakenDetails = { alternatives: z.array(slotAnswer) };

export const slotJson = (slot: Slot): z.output<typeof slotAnswer> => ({
  slotId: slot.id,
  officeId: slot.officeId,
  concernId: slot.concernId,
  startsAt: slot.startsAt.toISOString(),
  endsAt: slot.endsAt.toISOString(),
  remaining: slot.capacity - slot.booked,
});

export const bookingJson = (booking: Booking): z.output<typeof bookingAnswer> => ({
  code: booking.code,
  status: booking.status,
  concernId: booking.concernId,
  officeId: booking.officeId,
  startsAt: booking.startsAt.toISOString(),
  endsAt: booking.endsAt.toISOString(),
  familyName: booking.familyName,
  givenNames: booking.givenNames,
  language: booking.language,
  interpreterLanguage: booking.interpreterLanguage,
});

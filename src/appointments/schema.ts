import { z } from 'zod';
import { LANGUAGES } from '../platform/i18n/languages.ts';

// One schema per input. Error messages are catalogue keys; views translate them.

const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);
const text = (max: number) => z.preprocess(first, z.string().trim().max(max));
const id = z.preprocess(first, z.string().regex(/^[a-z0-9-]{1,64}$/));
const numericId = z.preprocess(first, z.string().regex(/^[0-9]{1,18}$/));
/** An ISO date PostgreSQL accepts and people mean: years 1900 to 2199. */
export const plausibleDate = (message?: string) =>
  z.iso.date(message).refine((value) => value >= '1900-01-01' && value < '2200-01-01', message);
export const isoDay = z.preprocess(first, plausibleDate());

export const concernAnswer = z.object({
  concern: z.preprocess(
    first,
    z.string().regex(/^[a-z0-9-]{1,64}$/, 'booking.error.chooseConcern'),
  ),
});
export const officeAnswer = z.object({
  office: z.preprocess(first, z.string().regex(/^[a-z0-9-]{1,64}$/, 'booking.error.chooseOffice')),
});
export const dayAnswer = z.object({
  day: z.preprocess(first, plausibleDate('booking.error.chooseDay')),
});
export const slotAnswer = z.object({
  slot: z.preprocess(first, z.string().regex(/^[0-9]{1,18}$/, 'booking.error.chooseTime')),
});

/** Names as printed in the passport, in Latin letters (DIN 91379 allows diacritics). */
const PASSPORT_NAME = /^[\p{Script=Latin}][\p{Script=Latin}\p{M} '.,-]*$/u;

export const INTERPRETER_LANGUAGES = [
  'ar',
  'fa',
  'prs',
  'ps',
  'ku',
  'ti',
  'so',
  'uk',
  'ru',
  'tr',
  'en',
  'fr',
  'es',
  'sq',
  'sr',
  'ro',
  'bg',
  'pl',
  'vi',
  'zh',
  'ur',
  'hi',
  'ta',
  'am',
  'de',
] as const;

export function detailsSchema(now: Date) {
  return (
    z
      .object({
        familyName: text(80),
        givenNames: text(80),
        dobDay: text(2),
        dobMonth: text(2),
        dobYear: text(4),
        email: text(254),
        phone: text(30),
        language: text(20),
        interpreter: text(5),
        interpreterLanguage: text(10),
      })
      // Every rule is checked here, so that a form shows all its errors at once.
      .transform((value, ctx) => {
        const issue = (path: string, message: string) =>
          ctx.addIssue({ code: 'custom', path: [path], message });
        for (const [field, missing] of [
          ['familyName', 'booking.error.familyName'],
          ['givenNames', 'booking.error.givenNames'],
        ] as const) {
          if (value[field] === '') issue(field, missing);
          else if (!PASSPORT_NAME.test(value[field])) issue(field, 'booking.error.latinLetters');
        }
        const dateOfBirth = dateFromParts(value.dobYear, value.dobMonth, value.dobDay);
        if (!dateOfBirth) issue('dobDay', 'booking.error.dateOfBirth');
        else if (
          new Date(dateOfBirth) > now ||
          Number(value.dobYear) < now.getUTCFullYear() - 120
        ) {
          issue('dobDay', 'booking.error.dateOfBirthRange');
        }
        const email = value.email === '' ? null : value.email;
        const phone = value.phone === '' ? null : value.phone;
        if (email !== null && !z.email().safeParse(email).success)
          issue('email', 'booking.error.email');
        if (phone !== null && !/^\+?[0-9][0-9 ()/-]{5,24}$/.test(phone)) {
          issue('phone', 'booking.error.phone');
        }
        if (email === null && phone === null) issue('email', 'booking.error.contact');
        if (!LANGUAGES.some((l) => l.code === value.language))
          issue('language', 'booking.error.language');
        if (value.interpreter !== 'yes' && value.interpreter !== 'no') {
          issue('interpreter', 'booking.error.interpreter');
        }
        const interpreterLanguage = value.interpreter === 'yes' ? value.interpreterLanguage : '';
        if (
          value.interpreter === 'yes' &&
          !(INTERPRETER_LANGUAGES as readonly string[]).includes(interpreterLanguage)
        ) {
          issue('interpreterLanguage', 'booking.error.interpreterLanguage');
        }
        return {
          familyName: value.familyName,
          givenNames: value.givenNames,
          dateOfBirth: dateOfBirth ?? '',
          email,
          phone,
          language: value.language,
          interpreterLanguage: interpreterLanguage === '' ? null : interpreterLanguage,
        };
      })
  );
}
/** A date typed as day, month and year fields; undefined unless it is a real date 1900–2099. */
export function dateFromParts(year: string, month: string, day: string): string | undefined {
  if (!/^(19|20)\d{2}$/.test(year) || !/^\d{1,2}$/.test(month) || !/^\d{1,2}$/.test(day)) {
    return undefined;
  }
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCDate() !== Number(day) || date.getUTCMonth() !== Number(month) - 1)
    return undefined;
  return date.toISOString().slice(0, 10);
}

export type PersonAnswer = z.output<ReturnType<typeof detailsSchema>>;

export const lookupSchema = z
  .object({
    code: text(20).pipe(z.string().min(1, 'booking.error.code')),
    dobDay: text(2),
    dobMonth: text(2),
    dobYear: text(4),
  })
  .transform((value, ctx) => {
    const dateOfBirth = dateFromParts(value.dobYear, value.dobMonth, value.dobDay);
    if (!dateOfBirth) {
      ctx.addIssue({ code: 'custom', path: ['dobDay'], message: 'booking.error.dateOfBirth' });
      return z.NEVER;
    }
    return { code: value.code, dateOfBirth };
  });

// JSON API (the same rules as the forms, in JSON shape).
export const apiAvailabilityQuery = z.object({
  concern: id,
  office: id.optional(),
  from: isoDay,
  to: isoDay,
});

export const apiCreateBooking = z.object({
  slotId: numericId,
  concernId: id,
  familyName: z.string(),
  givenNames: z.string(),
  dateOfBirth: plausibleDate(),
  email: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  language: z.string(),
  interpreterLanguage: z.string().nullable().optional(),
});

export const apiBookingLookup = z.object({
  code: z.string().max(20),
  dateOfBirth: plausibleDate(),
});

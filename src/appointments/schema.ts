import { z } from 'zod';
import { LANGUAGES } from '../platform/i18n/languages.ts';
import { dateFromParts, plausibleDate } from '../platform/validation/dates.ts';

// One schema per input; messages are catalogue keys that views and the API translate.
// The person's details have one domain schema (`personSchema`), taken by the API as it is
// and by the HTML form through a small adapter (`personFormSchema`).

/** A form field's value: a repeated field counts by its first value. */
const firstValue = (value: unknown) => (Array.isArray(value) ? value[0] : value);
/** A text field; one the browser did not send (an unchecked radio) is empty. */
const formText = (max: number) =>
  z.preprocess((value) => {
    const first = firstValue(value);
    return typeof first === 'string' ? first : '';
  }, z.string().trim().max(max));
const formAnswer = (pattern: RegExp, message: string) =>
  z.preprocess(firstValue, z.string().regex(pattern, message));

export const ID_PATTERN = /^[a-z0-9-]{1,64}$/;
export const SLOT_ID_PATTERN = /^[0-9]{1,18}$/;

export const concernAnswer = z.object({
  concern: formAnswer(ID_PATTERN, 'booking.error.chooseConcern'),
});
export const officeAnswer = z.object({
  office: formAnswer(ID_PATTERN, 'booking.error.chooseOffice'),
});
export const dayAnswer = z.object({
  day: z.preprocess(firstValue, plausibleDate('booking.error.chooseDay')),
});
export const slotAnswer = z.object({
  slot: formAnswer(SLOT_ID_PATTERN, 'booking.error.chooseTime'),
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
const LANGUAGE_CODES = LANGUAGES.map((l) => l.code) as [string, ...string[]];

const passportName = (missing: string) =>
  z
    .string(missing)
    .trim()
    .min(1, missing)
    .max(80, 'booking.error.latinLetters')
    .regex(PASSPORT_NAME, 'booking.error.latinLetters');

/** Empty means "not given". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? null : value), schema.nullable().optional());

const isRealDate = (value: string) =>
  /^(19|20)\d{2}-\d{2}-\d{2}$/.test(value) &&
  dateFromParts(...(value.split('-') as [string, string, string])) === value;

/** A date of birth: a real date, in the past, at most 120 years ago (one message, the first that applies). */
export const dateOfBirth = z
  .string('booking.error.dateOfBirth')
  .refine(isRealDate, 'booking.error.dateOfBirth')
  .refine((value) => {
    if (!isRealDate(value)) return true; // already said: not a date
    const today = new Date().toISOString().slice(0, 10);
    const oldest = `${Number(today.slice(0, 4)) - 120}${today.slice(4)}`;
    return value <= today && value >= oldest;
  }, 'booking.error.dateOfBirthRange');

/** A person's details as the domain takes them (and the API receives them). */
export const personSchema = z
  .object({
    familyName: passportName('booking.error.familyName'),
    givenNames: passportName('booking.error.givenNames'),
    dateOfBirth,
    email: optional(z.email('booking.error.email').max(254, 'booking.error.email')),
    phone: optional(
      z.string('booking.error.phone').regex(/^\+?[0-9][0-9 ()/-]{5,24}$/, 'booking.error.phone'),
    ),
    language: z.enum(LANGUAGE_CODES, 'booking.error.language'),
    interpreterLanguage: optional(
      z.enum(INTERPRETER_LANGUAGES, 'booking.error.interpreterLanguage'),
    ),
  })
  .superRefine((value, ctx) => {
    if (!value.email && !value.phone) {
      ctx.addIssue({ code: 'custom', path: ['email'], message: 'booking.error.contact' });
    }
  })
  .transform((value) => ({
    familyName: value.familyName,
    givenNames: value.givenNames,
    dateOfBirth: value.dateOfBirth,
    email: value.email ?? null,
    phone: value.phone ?? null,
    language: value.language,
    interpreterLanguage: value.interpreterLanguage ?? null,
  }));

export type Person = z.output<typeof personSchema>;

/** The details form's fields as typed, kept in the journey to show the form again. */
const typed = z.string().max(300).catch('');
export const personFormValues = z.object({
  familyName: typed,
  givenNames: typed,
  dobDay: typed,
  dobMonth: typed,
  dobYear: typed,
  email: typed,
  phone: typed,
  language: typed,
  interpreter: typed,
  interpreterLanguage: typed,
});
export type PersonForm = z.output<typeof personFormValues>;
export const PERSON_FORM_FIELDS = personFormValues.keyof().options;

/** Where the domain's messages show on the form: the date parts share one field. */
const FORM_FIELD_OF: Record<string, string> = { dateOfBirth: 'dobDay' };

/**
 * The details form: day, month and year fields become one date, the yes/no question about
 * an interpreter decides whether the language counts; then the domain schema decides, so
 * that the form shows all of its errors at once.
 */
export const personFormSchema = z
  .object({
    familyName: formText(254),
    givenNames: formText(254),
    dobDay: formText(4),
    dobMonth: formText(4),
    dobYear: formText(6),
    email: formText(254),
    phone: formText(254),
    language: formText(20),
    interpreter: formText(5),
    interpreterLanguage: formText(10),
  })
  .transform((form, ctx) => {
    const value = (name: keyof PersonForm) => form[name];
    if (value('interpreter') !== 'yes' && value('interpreter') !== 'no') {
      ctx.addIssue({ code: 'custom', path: ['interpreter'], message: 'booking.error.interpreter' });
    }
    const wantsInterpreter = value('interpreter') === 'yes';
    const parsed = personSchema.safeParse({
      familyName: value('familyName'),
      givenNames: value('givenNames'),
      dateOfBirth: dateFromParts(value('dobYear'), value('dobMonth'), value('dobDay')) ?? '',
      email: value('email'),
      phone: value('phone'),
      language: value('language'),
      // "Yes" needs a language; "no" ignores whatever the hidden field holds.
      interpreterLanguage: wantsInterpreter ? value('interpreterLanguage') || undefined : null,
    });
    if (wantsInterpreter && !value('interpreterLanguage')) {
      ctx.addIssue({
        code: 'custom',
        path: ['interpreterLanguage'],
        message: 'booking.error.interpreterLanguage',
      });
    }
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? 'familyName');
        ctx.addIssue({
          code: 'custom',
          path: [FORM_FIELD_OF[field] ?? field],
          message: issue.message,
        });
      }
      return z.NEVER;
    }
    return parsed.data;
  });

export const lookupSchema = z
  .object({
    code: formText(20).pipe(z.string().min(1, 'booking.error.code')),
    dobDay: formText(2),
    dobMonth: formText(2),
    dobYear: formText(4),
  })
  .transform((value, ctx) => {
    const born = dateFromParts(value.dobYear, value.dobMonth, value.dobDay);
    if (!born) {
      ctx.addIssue({ code: 'custom', path: ['dobDay'], message: 'booking.error.dateOfBirth' });
      return z.NEVER;
    }
    return { code: value.code, dateOfBirth: born };
  });

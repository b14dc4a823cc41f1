import { z } from 'zod';
import {
  formErrors,
  formList,
  formText,
  requiredText,
  type FormErrors,
} from '../platform/ui/staff-validation.ts';

// The forms of office administration: one schema per section of the office page. Messages
// are keys of the staff catalogue locales/staff/<lang>/offices.json.

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
/** Opening ranges per weekday; more than a lunch break and an evening hour is rare. */
export const MAX_RANGES = 4;

/**
 * Languages an office may say its staff speak: the portal's languages and those people most
 * often need an interpreter for (as the booking form offers them).
 */
export const OFFICE_LANGUAGES = [
  'de',
  'en',
  'ar',
  'uk',
  'ru',
  'fa',
  'tr',
  'prs',
  'ps',
  'ku',
  'ti',
  'so',
  'fr',
  'es',
  'it',
  'pl',
  'ro',
  'bg',
  'sq',
  'sr',
  'vi',
  'zh',
  'ur',
  'hi',
  'ta',
  'am',
] as const;

const TOO_LONG = 'offices.error.tooLong';

export const addressSchema = z.object({
  name: requiredText(120, 'offices.error.nameMissing', TOO_LONG),
  street: requiredText(120, 'offices.error.streetMissing', TOO_LONG),
  postalCode: formText(5, 'offices.error.postalCode').refine(
    (v) => /^[0-9]{5}$/.test(v),
    'offices.error.postalCode',
  ),
  city: requiredText(80, 'offices.error.cityMissing', TOO_LONG),
  phone: formText(40, 'offices.error.phone').refine(
    (v) => v === '' || /^\+?[0-9][0-9 ()/-]{3,}$/.test(v),
    'offices.error.phone',
  ),
  email: formText(254, 'offices.error.email').refine(
    (v) => v === '' || z.email().safeParse(v).success,
    'offices.error.email',
  ),
  directions: formText(1000, TOO_LONG, { multiline: true }),
});
export type AddressInput = z.infer<typeof addressSchema>;

export const accessibilitySchema = z.object({
  wheelchair: z.preprocess(
    (v) => (Array.isArray(v) ? v[0] : v),
    z.enum(['yes', 'no'], 'offices.error.wheelchair'),
  ),
  accessibility: formText(2000, TOO_LONG, { multiline: true }),
});
export type AccessibilityInput = z.infer<typeof accessibilitySchema>;

export const languagesSchema = z.object({
  languages: z
    .array(z.enum(OFFICE_LANGUAGES, 'offices.error.language'))
    .min(1, 'offices.error.languagesMissing')
    .transform((codes) => OFFICE_LANGUAGES.filter((code) => codes.includes(code))),
});

/** `languages` is a repeated checkbox: zero, one or many values. */
export const parseLanguages = (body: unknown) =>
  languagesSchema.safeParse({ languages: formList(body, 'languages') });

export type HoursInput = { weekday: number; opens: string; closes: string }[];

export const hoursField = (weekday: number, index: number, end: 'opens' | 'closes') =>
  `h${weekday}_${index}_${end}`;

const time = z
  .string()
  .regex(/^([01]?[0-9]|2[0-3])[:.][0-5][0-9]$/)
  .transform((v) => v.replace('.', ':').padStart(5, '0'));

/**
 * The week's opening hours from the grid of fields: a range needs both times, closes after it
 * opens, and does not overlap another range of its day. Empty rows are no range.
 */
export function parseHours(
  body: unknown,
): { ok: true; hours: HoursInput } | { ok: false; errors: FormErrors } {
  const fields = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const read = (name: string) => {
    const value = Array.isArray(fields[name]) ? (fields[name] as unknown[])[0] : fields[name];
    return typeof value === 'string' ? value.trim() : '';
  };
  const errors: FormErrors = {};
  const hours: HoursInput = [];
  for (const weekday of WEEKDAYS) {
    const day: { opens: string; closes: string; field: string }[] = [];
    for (let index = 0; index < MAX_RANGES; index += 1) {
      const opensName = hoursField(weekday, index, 'opens');
      const closesName = hoursField(weekday, index, 'closes');
      const opensText = read(opensName);
      const closesText = read(closesName);
      if (opensText === '' && closesText === '') continue;
      if (opensText === '') {
        errors[opensName] = 'offices.error.opensMissing';
        continue;
      }
      if (closesText === '') {
        errors[closesName] = 'offices.error.closesMissing';
        continue;
      }
      const opens = time.safeParse(opensText);
      const closes = time.safeParse(closesText);
      if (!opens.success) errors[opensName] = 'offices.error.time';
      if (!closes.success) errors[closesName] = 'offices.error.time';
      if (!opens.success || !closes.success) continue;
      if (closes.data <= opens.data) {
        errors[closesName] = 'offices.error.closesBeforeOpens';
        continue;
      }
      day.push({ opens: opens.data, closes: closes.data, field: opensName });
    }
    day.sort((a, b) => a.opens.localeCompare(b.opens));
    for (let i = 1; i < day.length; i += 1) {
      const previous = day[i - 1];
      const current = day[i];
      if (previous && current && current.opens < previous.closes) {
        errors[current.field] = 'offices.error.overlap';
      }
    }
    hours.push(...day.map(({ opens, closes }) => ({ weekday, opens, closes })));
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, hours };
}

export const toFormErrors = (error: z.ZodError) =>
  formErrors(error.issues, 'offices.error.invalid');

import { z } from 'zod';
import type { AuditAction } from '../platform/audit/audit.ts';

// The audit trail's search: who (the staff member acting), about whom or what (the subject,
// e.g. a booking or a staff id), which action, which days. The same filter serves the page,
// its pages of older and newer entries, and the CSV export.

export const AUDIT_ACTIONS = [
  'sign_in',
  'sign_in_failed',
  'sign_out',
  'session_revoked',
  'second_factor_enrolled',
  'second_factor_reset',
  'passkey_added',
  'passkey_removed',
  'password_changed',
  'read',
  'change',
  'export',
] as const satisfies readonly AuditAction[];

// Fails to compile when the platform adds an action this list does not offer.
type Unlisted = Exclude<AuditAction, (typeof AUDIT_ACTIONS)[number]>;
const everyActionListed: [Unlisted] extends [never] ? true : false = true;
void everyActionListed;

export type TrailFilter = {
  subject?: string | undefined;
  actor?: string | undefined;
  action?: AuditAction | undefined;
  /** First and last calendar day, 'YYYY-MM-DD', in the authority's time zone. */
  from?: string | undefined;
  to?: string | undefined;
};

/** The filter fields as typed, to show the form again. */
export type TrailForm = Record<'subject' | 'actor' | 'action' | 'from' | 'to', string>;

/** Field name → catalogue key of its message. */
export type FieldProblems = Record<string, string>;

const text = (max: number, message: string) => z.string().trim().max(max, message);

/**
 * The years a search may name. The trail starts with this software, and PostgreSQL refuses
 * some dates JavaScript accepts (year 0000): a bound keeps every accepted day a valid query.
 */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2100;

const day = z
  .string()
  .trim()
  .refine((value) => {
    if (value === '') return true;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'audit.error.date')
  .refine((value) => {
    const year = Number(value.slice(0, 4));
    return value === '' || (year >= FIRST_YEAR && year <= LAST_YEAR);
  }, 'audit.error.year');

const filterSchemas = {
  subject: text(200, 'audit.error.subject'),
  actor: text(100, 'audit.error.actor'),
  action: z.union([z.literal(''), z.enum(AUDIT_ACTIONS)], { error: 'audit.error.action' }),
  from: day,
  to: day,
};

const one = (fields: Record<string, unknown>, key: string): string => {
  const value = fields[key];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
};

const seq = (value: string) => (/^\d{1,18}$/.test(value) ? value : undefined);

/**
 * The filter of a query string or form body: every field checked at once, so that each
 * message shows next to its field; paging positions that are not numbers are ignored.
 */
export function readTrailFilter(source: unknown): {
  form: TrailForm;
  filter: TrailFilter | undefined;
  problems: FieldProblems;
  page: { before?: string | undefined; after?: string | undefined };
} {
  const fields = source && typeof source === 'object' ? (source as Record<string, unknown>) : {};
  const form: TrailForm = {
    subject: one(fields, 'subject'),
    actor: one(fields, 'actor'),
    action: one(fields, 'action'),
    from: one(fields, 'from'),
    to: one(fields, 'to'),
  };
  const problems: FieldProblems = {};
  const values: Partial<Record<keyof TrailForm, string>> = {};
  for (const key of Object.keys(filterSchemas) as (keyof TrailForm)[]) {
    const result = filterSchemas[key].safeParse(form[key]);
    if (result.success) values[key] = result.data;
    else problems[key] = result.error.issues[0]?.message ?? 'audit.error.date';
  }
  if (!problems.from && !problems.to && values.from && values.to && values.from > values.to) {
    problems.to = 'audit.error.period';
  }
  const page = { before: seq(one(fields, 'before')), after: seq(one(fields, 'after')) };
  if (Object.keys(problems).length > 0) return { form, filter: undefined, problems, page };
  const orUndefined = (value: string | undefined) => (value ? value : undefined);
  return {
    form,
    filter: {
      subject: orUndefined(values.subject),
      actor: orUndefined(values.actor),
      action: orUndefined(values.action) as AuditAction | undefined,
      from: orUndefined(values.from),
      to: orUndefined(values.to),
    },
    problems,
    page,
  };
}

/** The filter as query parameters (paging links, the export form). */
export function filterParams(filter: TrailFilter): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(filter)) if (value) params[key] = value;
  return params;
}

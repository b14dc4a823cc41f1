import { z } from 'zod';
import { ROLES, type Grant, type Role } from '../platform/policy/policy.ts';
import { LANGUAGE_LEVELS, type LanguageLevel } from './tables.ts';

// The account form of staff administration: what the browser sends (every field a string, a
// checkbox group an array or absent), its validation field by field — so that every message
// shows at once, next to its field — and the roles as checkbox values.

/** Roles limited to offices (or covering all of them). */
export const OFFICE_ROLES = ['reception', 'caseworker', 'team_lead'] as const satisfies Role[];
/** Roles that always cover the whole authority. */
export const AUTHORITY_ROLES = [
  'administrator',
  'data_protection_officer',
] as const satisfies Role[];
/** Language rows the form offers at most (a member rarely speaks more). */
export const MAX_LANGUAGE_ROWS = 10;

const isOfficeRole = (role: Role) => (OFFICE_ROLES as readonly Role[]).includes(role);

/**
 * A grant as a checkbox value: `reception:all`, `reception:office:central`,
 * `partner:org:beratung-mitte`, `administrator:all`.
 */
export function encodeGrant(grant: Grant): string {
  if (grant.organisationId) return `${grant.role}:org:${grant.organisationId}`;
  if (grant.officeId) return `${grant.role}:office:${grant.officeId}`;
  return `${grant.role}:all`;
}

/** The grant of a checkbox value, if it is one the policy can mean. */
export function decodeGrant(value: string): Grant | undefined {
  const match = /^([a-z_]{1,40}):(?:(all)|(office|org):([a-z0-9-]{1,64}))$/.exec(value);
  if (!match) return undefined;
  const role = match[1] as Role;
  if (!ROLES.includes(role)) return undefined;
  const [, , all, kind, id = null] = match;
  if (all) return role === 'partner' ? undefined : { role, officeId: null, organisationId: null };
  if (kind === 'office') {
    return isOfficeRole(role) ? { role, officeId: id, organisationId: null } : undefined;
  }
  return role === 'partner' ? { role, officeId: null, organisationId: id } : undefined;
}

/** The form as sent, kept to show it again with its messages. */
export type AccountForm = {
  user: string;
  displayName: string;
  email: string;
  grants: string[];
  languages: { lang: string; level: string }[];
};

export type AccountInput = {
  username: string;
  displayName: string;
  email: string | null;
  grants: Grant[];
  languages: { lang: string; level: LanguageLevel }[];
};

/** Field name → catalogue key of its message. */
export type FieldProblems = Record<string, string>;

const one = (body: Record<string, unknown>, key: string): string => {
  const value = body[key];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
};

const many = (body: Record<string, unknown>, key: string): string[] => {
  const value = body[key];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string');
};

/** Reads the account form from a request body of any shape. */
export function readAccountForm(body: unknown): AccountForm {
  const fields = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const languages = Array.from({ length: MAX_LANGUAGE_ROWS }, (_, i) => ({
    lang: one(fields, `lang-${i}`),
    level: one(fields, `level-${i}`),
  }));
  return {
    user: one(fields, 'user'),
    displayName: one(fields, 'displayName'),
    email: one(fields, 'email'),
    grants: many(fields, 'grant').slice(0, 100),
    languages,
  };
}

/** The user name of a request's `user` field or query parameter. */
export const usernameSchema = z
  .string('accounts.error.username')
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9._-]{2,40}$/, 'accounts.error.username');

const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'accounts.error.displayName')
  .max(120, 'accounts.error.displayName');

const emailSchema = z
  .string()
  .trim()
  .max(254, 'accounts.error.email')
  .refine((value) => value === '' || z.email().safeParse(value).success, 'accounts.error.email');

const langSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/, 'accounts.error.language');

const levelSchema = z.enum(LANGUAGE_LEVELS as [LanguageLevel, ...LanguageLevel[]], {
  error: 'accounts.error.level',
});

function check<T>(
  problems: FieldProblems,
  field: string,
  schema: z.ZodType<T>,
  value: unknown,
): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  problems[field] ??= result.error.issues[0]?.message ?? 'accounts.error.invalid';
  return undefined;
}

/**
 * The grants of the ticked boxes: unknown values refused, duplicates dropped, and an office
 * of a role that covers all offices anyway dropped too.
 */
function grantsOf(values: string[], problems: FieldProblems): Grant[] {
  const grants: Grant[] = [];
  for (const value of values) {
    const grant = decodeGrant(value);
    if (!grant) {
      problems.grant ??= 'accounts.error.roles';
      continue;
    }
    if (!grants.some((g) => encodeGrant(g) === value)) grants.push(grant);
  }
  const everyOffice = new Set(grants.filter((g) => !g.officeId && !g.organisationId));
  const roleCoversAll = (role: Role) => [...everyOffice].some((g) => g.role === role);
  const kept = grants.filter((g) => !g.officeId || !roleCoversAll(g.role));
  if (kept.length === 0) problems.grant ??= 'accounts.error.rolesNone';
  return kept;
}

function languagesOf(rows: AccountForm['languages'], problems: FieldProblems) {
  const languages: AccountInput['languages'] = [];
  rows.forEach((row, i) => {
    if (row.lang.trim() === '' && row.level === '') return;
    if (row.lang.trim() === '') {
      problems[`lang-${i}`] ??= 'accounts.error.languageMissing';
      return;
    }
    const lang = check(problems, `lang-${i}`, langSchema, row.lang);
    const level = check(problems, `level-${i}`, levelSchema, row.level);
    if (lang && languages.some((l) => l.lang === lang)) {
      problems[`lang-${i}`] ??= 'accounts.error.languageTwice';
    } else if (lang && level) {
      languages.push({ lang, level });
    }
  });
  return languages;
}

/** Validates the form; the input only when every field is right. */
export function parseAccountForm(form: AccountForm): {
  input: AccountInput | undefined;
  problems: FieldProblems;
} {
  const problems: FieldProblems = {};
  const username = check(problems, 'user', usernameSchema, form.user);
  const displayName = check(problems, 'displayName', displayNameSchema, form.displayName);
  const email = check(problems, 'email', emailSchema, form.email);
  const grants = grantsOf(form.grants, problems);
  const languages = languagesOf(form.languages, problems);
  if (
    Object.keys(problems).length > 0 ||
    username === undefined ||
    displayName === undefined ||
    email === undefined
  ) {
    return { input: undefined, problems };
  }
  return {
    input: { username, displayName, email: email || null, grants, languages },
    problems,
  };
}

/** The `user` field of an action's form (deactivate, reset, …) and its confirmation. */
export function readAccountAction(body: unknown) {
  const fields = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const username = usernameSchema.safeParse(one(fields, 'user'));
  return {
    username: username.success ? username.data : undefined,
    confirmed: one(fields, 'confirm') === 'yes',
  };
}

/** The `user` query parameter of the edit page. */
export function readUsernameQuery(query: unknown): string | undefined {
  const fields = query && typeof query === 'object' ? (query as Record<string, unknown>) : {};
  const username = usernameSchema.safeParse(one(fields, 'user'));
  return username.success ? username.data : undefined;
}

import { z } from 'zod';
import type { RuleRow } from './capacity.repository.ts';
import type { Policy } from './rules.repository.ts';

// The staff forms of appointments (capacity administration, the day view) as schemas. Each
// message is a catalogue key of the staff areas `capacity` and `day`; a form that fails
// gets one message per field and changes nothing.

/** Field name → catalogue key of its message. */
export type FormErrors = Record<string, string>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FormErrors };
/** A form as it was sent (strings only), to show it again with its messages. */
export type FormValues = Record<string, string>;

/** Only the string fields of a posted form or query (a repeated field counts once). */
export function formValues(input: unknown): FormValues {
  const values: FormValues = {};
  if (!input || typeof input !== 'object') return values;
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (key === '_csrf') continue;
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') values[key] = first;
  }
  return values;
}

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const time = (message: string) => z.string().trim().regex(TIME, message);
const intent = z.enum(['preview', 'save']).catch('preview');
export type Intent = z.infer<typeof intent>;
const whole = (min: number, max: number, message: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,4}$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));

/** Issues of a schema as field → message key (the first per field). */
function errorsOf(issues: readonly z.core.$ZodIssue[], fallback: string): FormErrors {
  const errors: FormErrors = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= /^(capacity|day)\.[\w.]+$/.test(issue.message) ? issue.message : fallback;
  }
  return errors;
}

function parseWith<T>(schema: z.ZodType<T>, values: FormValues, fallback: string): Parsed<T> {
  const result = schema.safeParse(values);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, errors: errorsOf(result.error.issues, fallback) };
}

// — Capacity —

/** At most this many rule rows in one form (a week of split shifts fits easily). */
export const MAX_RULE_ROWS = 30;
/** Empty rows offered below the existing rules for new ones. */
export const BLANK_RULE_ROWS = 3;

const ruleRow = z.object({
  weekday: whole(1, 7, 'capacity.error.weekday'),
  starts: time('capacity.error.time'),
  ends: time('capacity.error.time'),
  desks: whole(1, 100, 'capacity.error.desks'),
});

/** The rules as sent; `row` is each rule's row in the form (for messages about it). */
export type RulesChange = {
  officeId: string;
  concernId: string;
  rules: (RuleRow & { row: number })[];
  intent: Intent;
};

/** The fields of rule row `i` (ids in the page, so that messages link to them). */
export const ruleField = (field: 'weekday' | 'starts' | 'ends' | 'desks' | 'remove', i: number) =>
  `${field}_${i}`;

/**
 * The rules form: one row per rule (weekday, from, to, desks) plus empty rows for new ones.
 * An empty row or one marked for removal is left out; rules of one weekday must not overlap.
 */
export function parseRulesForm(values: FormValues): Parsed<RulesChange> {
  const head = z.object({ office: id, concern: id }).safeParse(values);
  if (!head.success) return { ok: false, errors: { form: 'capacity.error.form' } };
  const rows = Math.min(
    Number(/^\d{1,2}$/.test(values.rows ?? '') ? values.rows : 0),
    MAX_RULE_ROWS,
  );
  const errors: FormErrors = {};
  const rules: (RuleRow & { row: number })[] = [];
  for (let i = 0; i < rows; i++) {
    const row = {
      weekday: values[ruleField('weekday', i)] ?? '',
      starts: values[ruleField('starts', i)] ?? '',
      ends: values[ruleField('ends', i)] ?? '',
      desks: values[ruleField('desks', i)] ?? '',
    };
    const empty = Object.values(row).every((value) => value.trim() === '');
    if (empty || values[ruleField('remove', i)] === 'yes') continue;
    const parsed = ruleRow.safeParse(row);
    if (!parsed.success) {
      for (const [field, key] of Object.entries(
        errorsOf(parsed.error.issues, 'capacity.error.form'),
      ))
        errors[`${field}_${i}`] = key;
      continue;
    }
    if (parsed.data.ends <= parsed.data.starts) {
      errors[ruleField('ends', i)] = 'capacity.error.order';
      continue;
    }
    rules.push({ ...parsed.data, row: i });
  }
  for (const rule of rules) {
    const overlapping = rules.some(
      (other) =>
        other.row < rule.row &&
        other.weekday === rule.weekday &&
        other.starts < rule.ends &&
        rule.starts < other.ends,
    );
    if (overlapping) errors[ruleField('starts', rule.row)] ??= 'capacity.error.overlap';
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      officeId: head.data.office,
      concernId: head.data.concern,
      rules: rules.sort((a, b) => a.weekday - b.weekday || a.starts.localeCompare(b.starts)),
      intent: intent.parse(values.intent),
    },
  };
}

const closureSchema = z.object({
  office: id,
  concern: id.optional().catch(undefined),
  day: z.iso.date('capacity.error.day'),
  reason: z.string().trim().min(1, 'capacity.error.reason').max(200, 'capacity.error.reasonLength'),
  intent,
});
export type ClosureChange = z.infer<typeof closureSchema>;
export const parseClosureForm = (values: FormValues) =>
  parseWith(closureSchema, values, 'capacity.error.form');

const reopenSchema = z.object({
  office: id,
  concern: id.optional().catch(undefined),
  day: z.iso.date('capacity.error.day'),
  intent,
});
export type ReopenChange = z.infer<typeof reopenSchema>;
export const parseReopenForm = (values: FormValues) =>
  parseWith(reopenSchema, values, 'capacity.error.form');

const policyBase = z.object({
  office: id.optional().catch(undefined),
  concern: id,
  slotMinutes: whole(5, 240, 'capacity.error.slotMinutes'),
  releaseMode: z.enum(['rolling', 'weekly'], 'capacity.error.releaseMode'),
  intent,
});
const weeksAhead = whole(1, 52, 'capacity.error.weeksAhead');
const releaseWeekday = whole(1, 7, 'capacity.error.weekday');
const releaseTime = time('capacity.error.time');

export type PolicyChange = {
  officeId: string | undefined;
  concernId: string;
  intent: Intent;
  policy: Policy;
};

/**
 * The release policy form: slot length and mode always; weeks ahead for a rolling release,
 * weekday and time for a weekly one. Every field is checked, so all messages show at once.
 */
export function parsePolicyForm(values: FormValues): Parsed<PolicyChange> {
  const base = policyBase.safeParse(values);
  const errors = base.success ? {} : errorsOf(base.error.issues, 'capacity.error.form');
  const rolling = values.releaseMode !== 'weekly';
  const weeks = weeksAhead.safeParse(values.weeksAhead ?? '');
  const weekday = releaseWeekday.safeParse(values.releaseWeekday ?? '');
  const at = releaseTime.safeParse(values.releaseTime ?? '');
  if (rolling && !weeks.success) errors.weeksAhead = 'capacity.error.weeksAhead';
  if (!rolling && !weekday.success) errors.releaseWeekday = 'capacity.error.weekday';
  if (!rolling && !at.success) errors.releaseTime = 'capacity.error.time';
  if (!base.success || Object.keys(errors).length > 0) return { ok: false, errors };
  const form = base.data;
  return {
    ok: true,
    value: {
      officeId: form.office,
      concernId: form.concern,
      intent: form.intent,
      policy: {
        concernId: form.concern,
        slotMinutes: form.slotMinutes,
        releaseMode: form.releaseMode,
        releaseWeeksAhead: weeks.success ? weeks.data : 6,
        releaseWeekday: !rolling && weekday.success ? weekday.data : null,
        releaseTime: !rolling && at.success ? at.data : null,
      },
    },
  };
}

const capacityQuerySchema = z.object({
  office: id.optional().catch(undefined),
  concern: id.optional().catch(undefined),
  /** After a save: which change, and its effect in numbers. */
  saved: z.enum(['rules', 'closure', 'reopen', 'policy']).optional().catch(undefined),
  added: z.coerce.number().int().min(0).optional().catch(undefined),
  removed: z.coerce.number().int().min(0).optional().catch(undefined),
  kept: z.coerce.number().int().min(0).optional().catch(undefined),
});
export type CapacityQuery = z.infer<typeof capacityQuerySchema>;
export const parseCapacityQuery = (values: FormValues): CapacityQuery =>
  capacityQuerySchema.parse(values);

// — The day view —

const dayQuerySchema = z.object({
  office: id.optional().catch(undefined),
  day: z.string().optional(),
  concern: id.optional().catch(undefined),
  notice: z.enum(['arrived', 'no_show', 'expected', 'unchanged']).optional().catch(undefined),
});
export type DayQuery = z.infer<typeof dayQuerySchema>;
export const parseDayQuery = (values: FormValues): DayQuery => dayQuerySchema.parse(values);

const attendanceSchema = z.object({
  booking: z.string().regex(/^[0-9]{1,18}$/),
  mark: z.enum(['arrived', 'no_show', 'expected']),
  office: id,
  day: z.iso.date(),
  concern: id.optional().catch(undefined),
});
export type AttendanceForm = z.infer<typeof attendanceSchema>;
export const parseAttendanceForm = (values: FormValues) =>
  parseWith(attendanceSchema, values, 'day.error.form');

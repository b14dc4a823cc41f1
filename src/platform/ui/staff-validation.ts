import { z } from 'zod';

// Form input for the staff area. Schemas carry staff catalogue keys as their messages; a
// page translates them beside each field. A body is untrusted: a field may be missing,
// repeated (an array) or not a string at all.

/** Field name → catalogue key of its message; the first issue of a field wins. */
export type FormErrors = Record<string, string>;

export function formErrors(issues: readonly z.core.$ZodIssue[], fallback: string): FormErrors {
  const errors: FormErrors = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form');
    if (errors[field]) continue;
    // Schemas name their keys with a dot ("area.key"); zod's own English texts have none.
    errors[field] = /^[a-zA-Z]+\.[\w.]+$/.test(issue.message) ? issue.message : fallback;
  }
  return errors;
}

/** A form body as plain strings (a repeated field by its first value), for re-showing it. */
export function formValues(body: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (!body || typeof body !== 'object') return values;
  for (const [name, value] of Object.entries(body)) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') values[name] = first;
  }
  return values;
}

/** Every value of a field that may repeat (checkboxes). */
export function formList(body: unknown, name: string): string[] {
  if (!body || typeof body !== 'object') return [];
  const value: unknown = (body as Record<string, unknown>)[name];
  const list: unknown[] = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((item): item is string => typeof item === 'string');
}

/**
 * A text field: the first value, trimmed, line breaks as \n (a one-line field has none: a
 * browser sends none there, a pasted one becomes a space); missing is empty. `max` counts
 * characters as people do (code points).
 */
export const formText = (max: number, tooLong: string, options: { multiline?: boolean } = {}) =>
  z.preprocess(
    (value) => {
      const first: unknown = Array.isArray(value) ? value[0] : value;
      if (first === undefined || first === null) return '';
      if (typeof first !== 'string') return first;
      const text = first.replace(/\r\n?/g, '\n').trim();
      return options.multiline ? text : text.replace(/\s*\n\s*/g, ' ');
    },
    z.string(tooLong).refine((text) => [...text].length <= max, tooLong),
  );

/** A text field that must not be empty. */
export const requiredText = (
  max: number,
  missing: string,
  tooLong: string,
  options: { multiline?: boolean } = {},
) => formText(max, tooLong, options).refine((text) => text !== '', missing);

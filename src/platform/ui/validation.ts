import type { z } from 'zod';
import { isMessageKey, type MessageKey, type Translate } from '../i18n/messages.ts';
import type { FieldErrors } from './forms.tsx';

/**
 * Turns schema issues into one translated message per field. Schemas carry catalogue keys
 * as messages; any other issue on a field gets that field's fallback message.
 */
export function fieldErrors(
  t: Translate,
  issues: readonly z.core.$ZodIssue[],
  fallbacks: Record<string, MessageKey>,
  defaultKey: MessageKey,
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? Object.keys(fallbacks)[0] ?? 'form');
    if (errors[field]) continue;
    const key = isMessageKey(issue.message) ? issue.message : (fallbacks[field] ?? defaultKey);
    errors[field] = t(key);
  }
  return errors;
}

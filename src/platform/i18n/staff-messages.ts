import fs from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { LOCALES_DIR } from './messages.ts';

// The staff area's catalogues: German and English (the staff of a German authority; English
// for colleagues still learning German). One file per area under locales/staff/<lang>/, whose
// keys start with the file's name, so that features add their texts without sharing a file.

export const STAFF_LANGUAGES = ['de', 'en'] as const;
export type StaffLanguage = (typeof STAFF_LANGUAGES)[number];
export type StaffTranslate = (key: string, values?: Record<string, string | number>) => string;

export const STAFF_LOCALES_DIR = path.join(LOCALES_DIR, 'staff');

/** Every area file of one language, merged: key → message. */
export function readStaffCatalogue(lang: StaffLanguage): Map<string, string> {
  const dir = path.join(STAFF_LOCALES_DIR, lang);
  const messages = new Map<string, string>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const entries = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<
      string,
      string
    >;
    for (const [key, message] of Object.entries(entries)) messages.set(key, message);
  }
  return messages;
}

const catalogues = new Map(STAFF_LANGUAGES.map((lang) => [lang, readStaffCatalogue(lang)]));
const compiled = new Map<string, IntlMessageFormat>();

export function isStaffLanguage(value: unknown): value is StaffLanguage {
  return STAFF_LANGUAGES.includes(value as StaffLanguage);
}

/**
 * A missing key is a programming error: in tests it fails loudly (the route walk sees a 500),
 * in production the key itself is shown rather than breaking the page.
 */
export function createStaffTranslator(lang: StaffLanguage, strict = false): StaffTranslate {
  const catalogue = catalogues.get(lang);
  const fallback = catalogues.get('de');
  return (key, values) => {
    const message = catalogue?.get(key) ?? fallback?.get(key);
    if (message === undefined) {
      if (strict) throw new Error(`staff message "${key}" is missing`);
      return key;
    }
    const cacheKey = `${lang}\u0000${key}`;
    let formatter = compiled.get(cacheKey);
    if (!formatter) {
      formatter = new IntlMessageFormat(message, lang);
      compiled.set(cacheKey, formatter);
    }
    return String(formatter.format(values));
  };
}

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IntlMessageFormat } from 'intl-messageformat';
import source from '../../../locales/de.json' with { type: 'json' };
import { getLanguage, LANGUAGES, languageChain } from './languages.ts';

// UI catalogues: one ICU MessageFormat file per language in locales/, German as the source.

export type MessageKey = keyof typeof source;
export type MessageValues = Record<string, string | number>;
export type Translate = (key: MessageKey, values?: MessageValues) => string;

export const LOCALES_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../locales',
);

export function readCatalogue(code: string): Record<string, string> {
  const file = path.join(LOCALES_DIR, `${code}.json`);
  if (!fs.existsSync(file)) return {};
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
}

const catalogues = new Map(LANGUAGES.map((l) => [l.code, readCatalogue(l.code)]));
const compiled = new Map<string, IntlMessageFormat>();

function format(code: string, key: string, values?: MessageValues): string | undefined {
  const message = catalogues.get(code)?.[key];
  if (message === undefined) return undefined;
  const cacheKey = `${code}\u0000${key}`;
  let formatter = compiled.get(cacheKey);
  if (!formatter) {
    formatter = new IntlMessageFormat(message, getLanguage(code).tag);
    compiled.set(cacheKey, formatter);
  }
  return String(formatter.format(values));
}

export function createTranslator(code: string): Translate {
  const chain = languageChain(code);
  return (key, values) => {
    for (const lang of chain) {
      const text = format(lang, key, values);
      if (text !== undefined) return text;
    }
    return key;
  };
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(source, key);
}

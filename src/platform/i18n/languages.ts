// The language table: URL code, BCP 47 tag for `lang`, writing direction, and the
// chain of languages to fall back to when a text is missing. German is the source.

export type Language = {
  /** Code used in URLs and catalogue file names. */
  code: string;
  /** BCP 47 tag for the `lang` attribute and Intl APIs. */
  tag: string;
  /**
   * The `hreflang` of the page's alternates for search engines (ISO 639-1, optionally a
   * region); none for plain German, which is German for the same readers, not another language.
   */
  hreflang: string | undefined;
  /** The language's name in itself, for the language switcher. */
  endonym: string;
  rtl: boolean;
  /** Tried in order after the language itself; must end in the source language. */
  fallbacks: string[];
};

export const SOURCE_LANGUAGE = 'de';

export const LANGUAGES: readonly Language[] = [
  { code: 'de', tag: 'de', hreflang: 'de', endonym: 'Deutsch', rtl: false, fallbacks: [] },
  {
    code: 'de-simple',
    tag: 'de-x-simple',
    hreflang: undefined,
    endonym: 'Einfache Sprache',
    rtl: false,
    fallbacks: ['de'],
  },
  { code: 'en', tag: 'en', hreflang: 'en', endonym: 'English', rtl: false, fallbacks: ['de'] },
  { code: 'ar', tag: 'ar', hreflang: 'ar', endonym: 'العربية', rtl: true, fallbacks: ['en', 'de'] },
  {
    code: 'uk',
    tag: 'uk',
    hreflang: 'uk',
    endonym: 'Українська',
    rtl: false,
    fallbacks: ['en', 'de'],
  },
  {
    code: 'ru',
    tag: 'ru',
    hreflang: 'ru',
    endonym: 'Русский',
    rtl: false,
    fallbacks: ['en', 'de'],
  },
  { code: 'fa', tag: 'fa', hreflang: 'fa', endonym: 'فارسی', rtl: true, fallbacks: ['en', 'de'] },
  { code: 'tr', tag: 'tr', hreflang: 'tr', endonym: 'Türkçe', rtl: false, fallbacks: ['en', 'de'] },
];

const byCode = new Map(LANGUAGES.map((language) => [language.code, language]));

export function findLanguage(code: string): Language | undefined {
  return byCode.get(code);
}

export function getLanguage(code: string): Language {
  const language = byCode.get(code);
  if (!language) throw new Error(`unknown language ${code}`);
  return language;
}

/** The language itself followed by its fallbacks. */
export function languageChain(code: string): string[] {
  return [code, ...getLanguage(code).fallbacks];
}

/** Start-up consistency check: returns the problems found, empty when the table is sound. */
export function checkLanguageTable(languages: readonly Language[] = LANGUAGES): string[] {
  const problems: string[] = [];
  const codes = new Set<string>();
  for (const language of languages) {
    if (codes.has(language.code)) problems.push(`${language.code}: listed twice`);
    codes.add(language.code);
    try {
      Intl.getCanonicalLocales(language.tag);
    } catch {
      problems.push(`${language.code}: "${language.tag}" is not a valid BCP 47 tag`);
    }
    // Search engines take ISO 639-1 with an optional region only; 'de-x-simple' is ignored.
    if (language.hreflang !== undefined && !/^[a-z]{2}(-[A-Z]{2})?$/.test(language.hreflang)) {
      problems.push(`${language.code}: "${language.hreflang}" is not a valid hreflang`);
    }
    const last = language.fallbacks.at(-1);
    if (language.code !== SOURCE_LANGUAGE && last !== SOURCE_LANGUAGE) {
      problems.push(`${language.code}: fallbacks must end in ${SOURCE_LANGUAGE}`);
    }
    if (language.fallbacks.includes(language.code)) {
      problems.push(`${language.code}: falls back to itself`);
    }
  }
  for (const language of languages) {
    for (const fallback of language.fallbacks) {
      if (!codes.has(fallback)) problems.push(`${language.code}: unknown fallback ${fallback}`);
    }
  }
  if (!codes.has(SOURCE_LANGUAGE)) problems.push(`source language ${SOURCE_LANGUAGE} missing`);
  return problems;
}

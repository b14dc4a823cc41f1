import { describe, expect, it } from 'vitest';
import { checkLanguageTable, LANGUAGES, languageChain } from './languages.ts';
import { negotiateLanguage } from './negotiate.ts';

describe('language table', () => {
  it('is consistent', () => {
    expect(checkLanguageTable()).toEqual([]);
  });

  it('finds broken tables', () => {
    const broken = [
      ...LANGUAGES,
      {
        code: 'xx',
        tag: 'not a tag!',
        hreflang: 'de-x-simple',
        endonym: 'X',
        rtl: false,
        fallbacks: ['zz'],
      },
    ];
    expect(checkLanguageTable(broken)).toEqual([
      'xx: "not a tag!" is not a valid BCP 47 tag',
      'xx: "de-x-simple" is not a valid hreflang',
      'xx: fallbacks must end in de',
      'xx: unknown fallback zz',
    ]);
  });

  it('marks Arabic and Farsi right-to-left and only those', () => {
    expect(LANGUAGES.filter((l) => l.rtl).map((l) => l.code)).toEqual(['ar', 'fa']);
  });

  it('falls back from Farsi through English to German', () => {
    expect(languageChain('fa')).toEqual(['fa', 'en', 'de']);
  });

  it('negotiates from Accept-Language, regional variants included', () => {
    expect(negotiateLanguage('ar-EG,ar;q=0.9,en;q=0.5')).toBe('ar');
    expect(negotiateLanguage('uk-UA')).toBe('uk');
    expect(negotiateLanguage('fr-FR, en;q=0.3')).toBe('en');
    expect(negotiateLanguage('ja')).toBe('de');
    expect(negotiateLanguage(undefined)).toBe('de');
  });
});

import {
  isPluralElement,
  isSelectElement,
  parse,
  type MessageFormatElement,
} from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, SOURCE_LANGUAGE } from './languages.ts';
import { readCatalogue } from './messages.ts';

// The catalogue check: every language has every key of the German source, with the same
// placeholders, and plural messages name every CLDR plural category of their language.

type Facts = { args: Set<string>; plurals: Set<string>[] };

function collect(elements: MessageFormatElement[], facts: Facts) {
  for (const element of elements) {
    if ('value' in element && element.type !== 0 && typeof element.value === 'string') {
      facts.args.add(element.value);
    }
    if (isPluralElement(element)) facts.plurals.push(new Set(Object.keys(element.options)));
    if (isPluralElement(element) || isSelectElement(element)) {
      for (const option of Object.values(element.options)) collect(option.value, facts);
    }
  }
  return facts;
}

const analyse = (message: string) => collect(parse(message), { args: new Set(), plurals: [] });
const source = readCatalogue(SOURCE_LANGUAGE);

describe.each(LANGUAGES.map((l) => [l.code, l.tag] as const))('catalogue %s', (code, tag) => {
  const catalogue = readCatalogue(code);

  it('has exactly the keys of the German catalogue', () => {
    expect(Object.keys(catalogue).sort()).toEqual(Object.keys(source).sort());
  });

  it('keeps the placeholders of every message', () => {
    for (const [key, message] of Object.entries(source)) {
      const translated = catalogue[key];
      if (translated === undefined) continue;
      expect([...analyse(translated).args].sort(), `${code}: ${key}`).toEqual(
        [...analyse(message).args].sort(),
      );
    }
  });

  it('gives plural messages every CLDR plural category of the language', () => {
    const categories = new Intl.PluralRules(tag).resolvedOptions().pluralCategories;
    for (const [key, message] of Object.entries(catalogue)) {
      for (const options of analyse(message).plurals) {
        for (const category of categories) {
          expect(options.has(category), `${code}: ${key} lacks "${category}"`).toBe(true);
        }
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import { resolveTexts, type TextRow } from './content.ts';

const row = (lang: string, field: string, extra: Partial<TextRow> = {}): TextRow => ({
  lang,
  field,
  text: `${field} in ${lang}`,
  status: lang === 'de' ? 'source' : 'reviewed',
  stale: false,
  ...extra,
});

describe('resolveTexts', () => {
  it('uses the reader language where it exists and falls back field by field', () => {
    const rows = [row('de', 'title'), row('de', 'summary'), row('en', 'title'), row('fa', 'title')];
    const { texts, state } = resolveTexts(rows, ['title', 'summary'], 'fa');
    expect(texts.title?.text).toBe('title in fa');
    expect(texts.summary).toMatchObject({ text: 'summary in de', lang: 'de' });
    expect(state).toEqual({ fallbackLangs: ['de'], stale: false, unreviewed: false });
  });

  it('prefers English over German for Farsi readers', () => {
    const rows = [row('de', 'title'), row('en', 'title')];
    expect(resolveTexts(rows, ['title'], 'fa').state.fallbackLangs).toEqual(['en']);
  });

  it('reports stale and unreviewed translations', () => {
    const rows = [
      row('de', 'title'),
      row('ar', 'title', { stale: true }),
      row('de', 'summary'),
      row('ar', 'summary', { status: 'unreviewed' }),
    ];
    expect(resolveTexts(rows, ['title', 'summary'], 'ar').state).toEqual({
      fallbackLangs: [],
      stale: true,
      unreviewed: true,
    });
  });
});

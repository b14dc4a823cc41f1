import { languageChain } from './languages.ts';

// Picks, field by field, the best available text for a reader's language and says
// how good it is, so that a page can tell the reader when it shows a fallback.

export type TextRow = {
  lang: string;
  field: string;
  text: string;
  status: 'source' | 'reviewed' | 'unreviewed';
  /** The German source changed after this translation was made. */
  stale: boolean;
};

export type ResolvedText = { text: string; lang: string; reviewed: boolean; stale: boolean };

/** How the texts of one page relate to the language the reader asked for. */
export type TranslationState = {
  /** Languages shown instead of the requested one, if any. */
  fallbackLangs: string[];
  stale: boolean;
  unreviewed: boolean;
};

export function resolveTexts<F extends string>(
  rows: readonly TextRow[],
  fields: readonly F[],
  lang: string,
): { texts: Partial<Record<F, ResolvedText>>; state: TranslationState } {
  const chain = languageChain(lang);
  const texts: Partial<Record<F, ResolvedText>> = {};
  const fallbackLangs = new Set<string>();
  let stale = false;
  let unreviewed = false;
  for (const field of fields) {
    const candidates = rows.filter((row) => row.field === field);
    for (const candidate of chain) {
      const row = candidates.find((r) => r.lang === candidate);
      if (!row) continue;
      texts[field] = {
        text: row.text,
        lang: row.lang,
        reviewed: row.status !== 'unreviewed',
        stale: row.stale,
      };
      if (row.lang !== lang) fallbackLangs.add(row.lang);
      stale ||= row.stale;
      unreviewed ||= row.status === 'unreviewed';
      break;
    }
  }
  return { texts, state: { fallbackLangs: [...fallbackLangs], stale, unreviewed } };
}

export function mergeStates(states: readonly TranslationState[]): TranslationState {
  return {
    fallbackLangs: [...new Set(states.flatMap((s) => s.fallbackLangs))],
    stale: states.some((s) => s.stale),
    unreviewed: states.some((s) => s.unreviewed),
  };
}

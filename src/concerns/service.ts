import { contentMemo } from '../platform/db/content-version.ts';
import type { Db } from '../platform/db/database.ts';
import {
  resolveTexts,
  type ResolvedText,
  type TranslationState,
} from '../platform/i18n/content.ts';
import { LANGUAGES, languageChain } from '../platform/i18n/languages.ts';
import type { TextInput } from '../platform/db/translatable.ts';
import {
  countConcernTranslations,
  listConcerns,
  searchConcernIds,
  selectConcernTexts,
  upsertConcern,
  upsertConcernTexts,
  type ConcernInput,
} from './repository.ts';

export const CONCERN_FIELDS = [
  'title',
  'summary',
  'audience',
  'documents',
  'fee',
  'duration',
  'legal_basis_note',
] as const;
export type ConcernField = (typeof CONCERN_FIELDS)[number];

export type Concern = {
  id: string;
  leikaKey: string | null;
  legalBasis: string;
  texts: Partial<Record<ConcernField, ResolvedText>>;
  state: TranslationState;
};

async function withTexts(
  db: Db,
  authorityId: string,
  rows: readonly { id: string; leikaKey: string | null; legalBasis: string }[],
  lang: string,
): Promise<Concern[]> {
  const texts = await selectConcernTexts(
    db,
    authorityId,
    rows.map((r) => r.id),
    languageChain(lang),
  );
  return rows.map((row) => {
    const resolved = resolveTexts(
      texts.filter((t) => t.id === row.id),
      CONCERN_FIELDS,
      lang,
    );
    return { ...row, ...resolved };
  });
}

// Every concern of an authority in one language, loaded once per content version: the public
// pages read it on nearly every request. Shared between requests, hence frozen.
const concernsByLang = contentMemo(async (db, authorityId, lang): Promise<Concern[]> =>
  withTexts(db, authorityId, await listConcerns(db, authorityId), lang),
);

/** All concerns in display order, as the reader sees them (shared and frozen: copy to change). */
export async function listConcernsIn(db: Db, authorityId: string, lang: string) {
  return concernsByLang.get(db, authorityId, lang);
}

export async function getConcern(db: Db, authorityId: string, id: string, lang: string) {
  return (await listConcernsIn(db, authorityId, lang)).find((concern) => concern.id === id);
}

/** Searches the reader's language and its fallbacks, as those are the texts they see. */
export async function searchConcerns(db: Db, authorityId: string, query: string, lang: string) {
  const ids = await searchConcernIds(db, authorityId, query, languageChain(lang));
  if (ids.length === 0) return [];
  const all = await listConcernsIn(db, authorityId, lang);
  return ids.flatMap((id) => all.filter((c) => c.id === id));
}

/** The documents field holds one document per line. */
export const documentList = (text: ResolvedText | undefined) =>
  (text?.text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

export async function saveConcern(
  db: Db,
  authorityId: string,
  concern: ConcernInput,
  texts: readonly TextInput[],
) {
  await db.transaction().execute(async (tx) => {
    await upsertConcern(tx, authorityId, concern);
    const sources = new Map(
      texts.filter((t) => t.lang === 'de').map((t) => [`${t.id}\u0000${t.field}`, t.text]),
    );
    // Translations are hashed against the German text already stored where this call
    // brings none (e.g. when only a translation is updated).
    const stored = await selectConcernTexts(tx, authorityId, [concern.id], ['de']);
    for (const row of stored) {
      const key = `${row.id}\u0000${row.field}`;
      if (!sources.has(key)) sources.set(key, row.text);
    }
    await upsertConcernTexts(tx, authorityId, texts, sources);
  });
}

export const concernTranslationReport = (db: Db, authorityId: string) =>
  countConcernTranslations(
    db,
    authorityId,
    LANGUAGES.map((l) => l.code).filter((code) => code !== 'de'),
  );

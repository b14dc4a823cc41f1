import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import {
  countTranslations,
  selectTexts,
  upsertTexts,
  type TextInput,
  type TextTable,
} from '../platform/db/translatable.ts';

const TEXTS: TextTable = { table: 'concern_text', idColumn: 'concern_id' };

export type ConcernRow = { id: string; leikaKey: string | null; legalBasis: string };

export async function listConcerns(db: Db, authorityId: string): Promise<ConcernRow[]> {
  return db
    .selectFrom('concern')
    .where('authority_id', '=', authorityId)
    .orderBy('sort_order')
    .orderBy('id')
    .select(['id', 'leika_key as leikaKey', 'legal_basis as legalBasis'])
    .execute();
}

export const selectConcernTexts = (
  db: Db,
  authorityId: string,
  ids: readonly string[],
  langs: readonly string[],
) => selectTexts(db, TEXTS, authorityId, ids, langs);

export const countConcernTranslations = (db: Db, authorityId: string, langs: readonly string[]) =>
  countTranslations(db, TEXTS, authorityId, langs);

/**
 * Full-text search in the given languages (each with its own stemmer), plus trigram
 * word similarity so that typos and parts of German compounds still match.
 */
export async function searchConcernIds(
  db: Db,
  authorityId: string,
  query: string,
  langs: readonly string[],
): Promise<string[]> {
  const result = await sql<{ id: string }>`
    SELECT t.concern_id AS id,
           max(ts_rank(t.search_vector, websearch_to_tsquery(search_config(t.lang), ${query}))
               * CASE WHEN t.field = 'title' THEN 2 ELSE 1 END
               + word_similarity(${query}, t.text)
                 * CASE WHEN t.field = 'title' THEN 1 ELSE 0.5 END) AS score
    FROM concern_text AS t
    WHERE t.authority_id = ${authorityId}
      AND t.lang = ANY(${[...langs]}::text[])
      AND t.field IN ('title', 'summary', 'audience', 'documents')
      AND (t.search_vector @@ websearch_to_tsquery(search_config(t.lang), ${query})
           OR word_similarity(${query}, t.text) >= 0.5)
    GROUP BY t.concern_id
    ORDER BY score DESC, t.concern_id
    LIMIT 20`.execute(db);
  return result.rows.map((row) => row.id);
}

export type ConcernInput = ConcernRow & { sortOrder: number };

export async function upsertConcern(db: Db, authorityId: string, concern: ConcernInput) {
  await db
    .insertInto('concern')
    .values({
      authority_id: authorityId,
      id: concern.id,
      leika_key: concern.leikaKey,
      legal_basis: concern.legalBasis,
      sort_order: concern.sortOrder,
    })
    .onConflict((oc) =>
      oc.columns(['authority_id', 'id']).doUpdateSet((eb) => ({
        leika_key: eb.ref('excluded.leika_key'),
        legal_basis: eb.ref('excluded.legal_basis'),
        sort_order: eb.ref('excluded.sort_order'),
      })),
    )
    .execute();
}

export const upsertConcernTexts = (
  db: Db,
  authorityId: string,
  rows: readonly TextInput[],
  sourceTexts: ReadonlyMap<string, string>,
) => upsertTexts(db, TEXTS, authorityId, rows, sourceTexts);

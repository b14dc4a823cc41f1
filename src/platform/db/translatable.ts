import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { TextRow } from '../i18n/content.ts';
import { SOURCE_LANGUAGE } from '../i18n/languages.ts';

// Shared SQL for the per-feature text tables (office_text, concern_text): same columns,
// keyed by (authority_id, <entity>_id, lang, field). Feature repositories call these.

export type TextTable = { table: string; idColumn: string };

export type TextInput = {
  id: string;
  lang: string;
  field: string;
  text: string;
  status: 'reviewed' | 'unreviewed';
};

/** Same digest as PostgreSQL's md5(text) for UTF-8 databases. */
export const sourceHash = (text: string) =>
  crypto.createHash('md5').update(text, 'utf8').digest('hex');

export async function selectTexts<T>(
  db: Kysely<T>,
  { table, idColumn }: TextTable,
  authorityId: string,
  ids: readonly string[],
  langs: readonly string[],
): Promise<(TextRow & { id: string })[]> {
  if (ids.length === 0) return [];
  const t = sql.table(table);
  const id = sql.ref(`t.${idColumn}`);
  const result = await sql<TextRow & { id: string }>`
    SELECT ${id} AS id, t.lang, t.field, t.text, t.status,
           (t.status <> 'source' AND t.source_hash IS DISTINCT FROM md5(src.text)) AS stale
    FROM ${t} AS t
    LEFT JOIN ${t} AS src
      ON src.authority_id = t.authority_id AND ${sql.ref(`src.${idColumn}`)} = ${id}
     AND src.field = t.field AND src.lang = ${SOURCE_LANGUAGE}
    WHERE t.authority_id = ${authorityId}
      AND ${id} = ANY(${[...ids]}::text[])
      AND t.lang = ANY(${[...langs]}::text[])`.execute(db);
  return result.rows;
}

/**
 * Writes source texts and translations. A translation whose text is unchanged keeps the
 * source hash it was made from, so a changed German source shows it as stale.
 */
export async function upsertTexts<T>(
  db: Kysely<T>,
  { table, idColumn }: TextTable,
  authorityId: string,
  rows: readonly TextInput[],
  sourceTexts: ReadonlyMap<string, string>,
): Promise<void> {
  for (const row of rows) {
    const isSource = row.lang === SOURCE_LANGUAGE;
    const source = sourceTexts.get(`${row.id}\u0000${row.field}`);
    if (!isSource && source === undefined) {
      throw new Error(`${table}: ${row.id}.${row.field} has a translation but no German source`);
    }
    const hash = isSource ? null : sourceHash(source ?? '');
    await sql`
      INSERT INTO ${sql.table(table)} (authority_id, ${sql.ref(idColumn)}, lang, field, text, status, source_hash)
      VALUES (${authorityId}, ${row.id}, ${row.lang}, ${row.field}, ${row.text},
              ${isSource ? 'source' : row.status}, ${hash})
      ON CONFLICT (authority_id, ${sql.ref(idColumn)}, lang, field) DO UPDATE SET
        status = excluded.status,
        source_hash = CASE WHEN ${sql.table(table)}.text = excluded.text
                           THEN ${sql.table(table)}.source_hash ELSE excluded.source_hash END,
        updated_at = CASE WHEN ${sql.table(table)}.text = excluded.text
                          THEN ${sql.table(table)}.updated_at ELSE now() END,
        text = excluded.text`.execute(db);
  }
}

export type TranslationCount = {
  lang: string;
  reviewed: number;
  unreviewed: number;
  stale: number;
  missing: number;
};

/** Per language: how many source texts are translated, reviewed, stale or missing. */
export async function countTranslations<T>(
  db: Kysely<T>,
  { table, idColumn }: TextTable,
  authorityId: string,
  langs: readonly string[],
): Promise<TranslationCount[]> {
  const t = sql.table(table);
  const result = await sql<TranslationCount>`
    SELECT l.lang,
      count(tr.*) FILTER (WHERE tr.status = 'reviewed')::int AS reviewed,
      count(tr.*) FILTER (WHERE tr.status = 'unreviewed')::int AS unreviewed,
      count(tr.*) FILTER (WHERE tr.source_hash IS DISTINCT FROM md5(src.text))::int AS stale,
      count(*) FILTER (WHERE tr.lang IS NULL)::int AS missing
    FROM unnest(${[...langs]}::text[]) AS l(lang)
    CROSS JOIN ${t} AS src
    LEFT JOIN ${t} AS tr
      ON tr.authority_id = src.authority_id AND ${sql.ref(`tr.${idColumn}`)} = ${sql.ref(`src.${idColumn}`)}
     AND tr.field = src.field AND tr.lang = l.lang
    WHERE src.authority_id = ${authorityId} AND src.lang = ${SOURCE_LANGUAGE}
    GROUP BY l.lang
    ORDER BY array_position(${[...langs]}::text[], l.lang)`.execute(db);
  return result.rows;
}

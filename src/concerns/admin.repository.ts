import type { Db } from '../platform/db/database.ts';
import type { TranslationStatus } from '../platform/db/tables.ts';
import './admin-tables.ts';

// The SQL of concern administration: drafts (migration 0010) and publishing them. Writes to
// concern and concern_text bump the authority's content version (migration 0003), which
// refreshes the public pages and their cache; drafts change no public page.

export type DraftRow = {
  concernId: string;
  lang: string;
  field: string;
  text: string;
  status: TranslationStatus;
  matchesSource: boolean;
  updatedBy: string;
  updatedAt: Date;
};

const draftColumns = [
  'concern_id as concernId',
  'lang',
  'field',
  'text',
  'status',
  'matches_source as matchesSource',
  'updated_by as updatedBy',
  'updated_at as updatedAt',
] as const;

/** Drafts of the authority, of one concern, or of one concern's language. */
export async function listDraftRows(
  db: Db,
  authorityId: string,
  where: { concernId?: string; lang?: string } = {},
  forUpdate = false,
): Promise<DraftRow[]> {
  let query = db
    .selectFrom('concern_text_draft')
    .where('authority_id', '=', authorityId)
    .orderBy('concern_id')
    .orderBy('lang')
    .orderBy('field')
    .select(draftColumns);
  if (where.concernId !== undefined) query = query.where('concern_id', '=', where.concernId);
  if (where.lang !== undefined) query = query.where('lang', '=', where.lang);
  return (forUpdate ? query.forUpdate() : query).execute();
}

export async function replaceDraft(
  db: Db,
  authorityId: string,
  concernId: string,
  lang: string,
  rows: readonly {
    field: string;
    text: string;
    status: TranslationStatus;
    matchesSource: boolean;
  }[],
  updatedBy: string,
) {
  await deleteDraft(db, authorityId, concernId, lang);
  if (rows.length === 0) return;
  await db
    .insertInto('concern_text_draft')
    .values(
      rows.map((row) => ({
        authority_id: authorityId,
        concern_id: concernId,
        lang,
        field: row.field,
        text: row.text,
        status: row.status,
        matches_source: row.matchesSource,
        updated_by: updatedBy,
      })),
    )
    .execute();
}

export async function deleteDraft(db: Db, authorityId: string, concernId: string, lang: string) {
  const result = await db
    .deleteFrom('concern_text_draft')
    .where('authority_id', '=', authorityId)
    .where('concern_id', '=', concernId)
    .where('lang', '=', lang)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Locks the concern's row until the transaction ends: drafts and publications of one concern
 * are applied one after the other, so each audit entry's old values are the ones replaced.
 */
export async function lockConcern(db: Db, authorityId: string, id: string) {
  return db
    .selectFrom('concern')
    .where('authority_id', '=', authorityId)
    .where('id', '=', id)
    .select(['id', 'legal_basis as legalBasis', 'leika_key as leikaKey'])
    .forUpdate()
    .executeTakeFirst();
}

export async function updateConcernFacts(
  db: Db,
  authorityId: string,
  id: string,
  facts: { legalBasis: string; leikaKey: string | null },
) {
  await db
    .updateTable('concern')
    .set({ legal_basis: facts.legalBasis, leika_key: facts.leikaKey })
    .where('authority_id', '=', authorityId)
    .where('id', '=', id)
    .execute();
}

/** Writes one published text as given (its status and the hash of its German source). */
export async function upsertPublishedText(
  db: Db,
  authorityId: string,
  row: {
    concernId: string;
    lang: string;
    field: string;
    text: string;
    status: TranslationStatus;
    sourceHash: string | null;
  },
) {
  await db
    .insertInto('concern_text')
    .values({
      authority_id: authorityId,
      concern_id: row.concernId,
      lang: row.lang,
      field: row.field,
      text: row.text,
      status: row.status,
      source_hash: row.sourceHash,
    })
    .onConflict((oc) =>
      oc.columns(['authority_id', 'concern_id', 'lang', 'field']).doUpdateSet((eb) => ({
        text: eb.ref('excluded.text'),
        status: eb.ref('excluded.status'),
        source_hash: eb.ref('excluded.source_hash'),
        updated_at: new Date(),
      })),
    )
    .execute();
}

/** Removes published texts of a field: in the languages given, or in every language. */
export async function deletePublishedTexts(
  db: Db,
  authorityId: string,
  concernId: string,
  field: string,
  langs?: readonly string[],
) {
  let query = db
    .deleteFrom('concern_text')
    .where('authority_id', '=', authorityId)
    .where('concern_id', '=', concernId)
    .where('field', '=', field);
  if (langs) query = query.where('lang', 'in', langs);
  await query.execute();
}

/** Changes only a translation's review status: it stays made from the German text it was. */
export async function updatePublishedStatus(
  db: Db,
  authorityId: string,
  row: { concernId: string; lang: string; field: string; status: TranslationStatus },
) {
  await db
    .updateTable('concern_text')
    .set({ status: row.status })
    .where('authority_id', '=', authorityId)
    .where('concern_id', '=', row.concernId)
    .where('lang', '=', row.lang)
    .where('field', '=', row.field)
    .execute();
}

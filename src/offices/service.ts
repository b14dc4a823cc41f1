import { contentMemo, contentVersion } from '../platform/db/content-version.ts';
import type { Db } from '../platform/db/database.ts';
import type { TextInput } from '../platform/db/translatable.ts';
import {
  resolveTexts,
  type ResolvedText,
  type TranslationState,
} from '../platform/i18n/content.ts';
import { languageChain } from '../platform/i18n/languages.ts';
import {
  listOfficeConcerns,
  listOffices,
  listOpeningHours,
  replaceOffice,
  selectOfficeTexts,
  type OfficeInput,
  type OfficeRow,
  type OpeningHours,
} from './repository.ts';

export const OFFICE_FIELDS = ['name', 'accessibility', 'directions'] as const;
export type OfficeField = (typeof OFFICE_FIELDS)[number];

export type Office = OfficeRow & {
  texts: Partial<Record<OfficeField, ResolvedText>>;
  state: TranslationState;
  hours: OpeningHours[];
};

async function describe(db: Db, authorityId: string, rows: OfficeRow[], lang: string) {
  const ids = rows.map((r) => r.id);
  const [texts, hours] = await Promise.all([
    selectOfficeTexts(db, authorityId, ids, languageChain(lang)),
    listOpeningHours(db, authorityId, ids),
  ]);
  return rows.map((row): Office => ({
    ...row,
    ...resolveTexts(
      texts.filter((t) => t.id === row.id),
      OFFICE_FIELDS,
      lang,
    ),
    hours: hours.filter((h) => h.officeId === row.id),
  }));
}

// Offices in one language and the office–concern pairs, loaded once per content version: the
// public pages read them on nearly every request. Shared between requests, hence frozen.
const officesByLang = contentMemo(async (db, authorityId, lang): Promise<Office[]> =>
  describe(db, authorityId, await listOffices(db, authorityId), lang),
);
const offerings = contentMemo((db, authorityId) => listOfficeConcerns(db, authorityId));

/** All offices in display order, as the reader sees them (shared and frozen: copy to change). */
export async function listOfficesIn(db: Db, authorityId: string, lang: string) {
  return officesByLang.get(db, authorityId, lang);
}

export async function getOffice(db: Db, authorityId: string, id: string, lang: string) {
  return (await listOfficesIn(db, authorityId, lang)).find((office) => office.id === id);
}

export async function listOfficesOffering(
  db: Db,
  authorityId: string,
  concernId: string,
  lang: string,
) {
  // One version read for both values, so that they belong to the same content.
  const version = await contentVersion(db, authorityId);
  const [offices, pairs] = await Promise.all([
    officesByLang.at(db, authorityId, lang, version),
    offerings.at(db, authorityId, '', version),
  ]);
  const ids = new Set(pairs.filter((p) => p.concernId === concernId).map((p) => p.officeId));
  return offices.filter((office) => ids.has(office.id));
}

export async function listConcernIdsOfferedAt(db: Db, authorityId: string, officeId: string) {
  const pairs = await offerings.get(db, authorityId, '');
  return pairs.filter((p) => p.officeId === officeId).map((p) => p.concernId);
}

/** Concerns that at least one office offers. */
export async function listOfferedConcernIds(db: Db, authorityId: string): Promise<Set<string>> {
  const pairs = await offerings.get(db, authorityId, '');
  return new Set(pairs.map((p) => p.concernId));
}

export async function saveOffice(
  db: Db,
  authorityId: string,
  office: OfficeInput,
  texts: readonly TextInput[],
) {
  await db.transaction().execute((tx) => replaceOffice(tx, authorityId, office, texts));
}

import type { Db } from '../platform/db/database.ts';
import type { TextInput } from '../platform/db/translatable.ts';
import {
  resolveTexts,
  type ResolvedText,
  type TranslationState,
} from '../platform/i18n/content.ts';
import { languageChain } from '../platform/i18n/languages.ts';
import {
  listConcernIdsForOffice,
  listOfficeIdsForConcern,
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

export async function listOfficesIn(db: Db, authorityId: string, lang: string) {
  return describe(db, authorityId, await listOffices(db, authorityId), lang);
}

export async function getOffice(db: Db, authorityId: string, id: string, lang: string) {
  const row = (await listOffices(db, authorityId)).find((o) => o.id === id);
  if (!row) return undefined;
  const [office] = await describe(db, authorityId, [row], lang);
  return office;
}

export async function listOfficesOffering(
  db: Db,
  authorityId: string,
  concernId: string,
  lang: string,
) {
  const ids = new Set(await listOfficeIdsForConcern(db, authorityId, concernId));
  const rows = (await listOffices(db, authorityId)).filter((o) => ids.has(o.id));
  return describe(db, authorityId, rows, lang);
}

export const listConcernIdsOfferedAt = listConcernIdsForOffice;
export { listOfferedConcernIds } from './repository.ts';

export async function saveOffice(
  db: Db,
  authorityId: string,
  office: OfficeInput,
  texts: readonly TextInput[],
) {
  await db.transaction().execute((tx) => replaceOffice(tx, authorityId, office, texts));
}

import type { Db } from '../platform/db/database.ts';
import {
  selectTexts,
  upsertTexts,
  type TextInput,
  type TextTable,
} from '../platform/db/translatable.ts';

const TEXTS: TextTable = { table: 'office_text', idColumn: 'office_id' };

export type OfficeRow = {
  id: string;
  kind: 'central' | 'district';
  street: string;
  postalCode: string;
  city: string;
  latitude: string | null;
  longitude: string | null;
  phone: string | null;
  email: string | null;
  languages: string[];
  wheelchairAccessible: boolean;
};

export type OpeningHours = { officeId: string; weekday: number; opens: string; closes: string };

const officeColumns = [
  'id',
  'kind',
  'street',
  'postal_code as postalCode',
  'city',
  'latitude',
  'longitude',
  'phone',
  'email',
  'languages',
  'wheelchair_accessible as wheelchairAccessible',
] as const;

export async function listOffices(db: Db, authorityId: string): Promise<OfficeRow[]> {
  return db
    .selectFrom('office')
    .where('authority_id', '=', authorityId)
    .orderBy('sort_order')
    .orderBy('id')
    .select(officeColumns)
    .execute();
}

/** Which office offers which concern, all pairs of the authority. */
export async function listOfficeConcerns(db: Db, authorityId: string) {
  return db
    .selectFrom('office_concern')
    .where('authority_id', '=', authorityId)
    .orderBy('office_id')
    .orderBy('concern_id')
    .select(['office_id as officeId', 'concern_id as concernId'])
    .execute();
}

export async function listOpeningHours(
  db: Db,
  authorityId: string,
  officeIds: readonly string[],
): Promise<OpeningHours[]> {
  if (officeIds.length === 0) return [];
  return db
    .selectFrom('office_opening_hours')
    .where('authority_id', '=', authorityId)
    .where('office_id', 'in', officeIds)
    .orderBy('weekday')
    .orderBy('opens')
    .select(['office_id as officeId', 'weekday', 'opens', 'closes'])
    .execute();
}

export const selectOfficeTexts = (
  db: Db,
  authorityId: string,
  ids: readonly string[],
  langs: readonly string[],
) => selectTexts(db, TEXTS, authorityId, ids, langs);

export type OfficeInput = Omit<OfficeRow, 'latitude' | 'longitude'> & {
  latitude: number | null;
  longitude: number | null;
  sortOrder: number;
  hours: { weekday: number; opens: string; closes: string }[];
  concernIds: string[];
};

export async function replaceOffice(
  db: Db,
  authorityId: string,
  office: OfficeInput,
  texts: readonly TextInput[],
) {
  const values = {
    kind: office.kind,
    street: office.street,
    postal_code: office.postalCode,
    city: office.city,
    latitude: office.latitude,
    longitude: office.longitude,
    phone: office.phone,
    email: office.email,
    languages: office.languages,
    wheelchair_accessible: office.wheelchairAccessible,
    sort_order: office.sortOrder,
  };
  await db
    .insertInto('office')
    .values({ authority_id: authorityId, id: office.id, ...values })
    .onConflict((oc) => oc.columns(['authority_id', 'id']).doUpdateSet(values))
    .execute();
  await db
    .deleteFrom('office_opening_hours')
    .where('authority_id', '=', authorityId)
    .where('office_id', '=', office.id)
    .execute();
  if (office.hours.length > 0) {
    await db
      .insertInto('office_opening_hours')
      .values(office.hours.map((h) => ({ authority_id: authorityId, office_id: office.id, ...h })))
      .execute();
  }
  await db
    .deleteFrom('office_concern')
    .where('authority_id', '=', authorityId)
    .where('office_id', '=', office.id)
    .execute();
  if (office.concernIds.length > 0) {
    await db
      .insertInto('office_concern')
      .values(
        office.concernIds.map((concernId) => ({
          authority_id: authorityId,
          office_id: office.id,
          concern_id: concernId,
        })),
      )
      .execute();
  }
  const sources = new Map(
    texts.filter((t) => t.lang === 'de').map((t) => [`${t.id}\u0000${t.field}`, t.text]),
  );
  await upsertTexts(db, TEXTS, authorityId, texts, sources);
}

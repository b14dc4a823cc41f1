import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import {
  selectTexts,
  upsertTexts,
  type TextInput,
  type TextTable,
} from '../platform/db/translatable.ts';

// The SQL of office administration. Writes to office, office_text and office_opening_hours
// bump the authority's content version (migration 0003), so public pages show a change at
// once. Closures are only read here: they are changed through capacity administration
// (appointments), which also withdraws the free places of the closed days in the same
// transaction.

const TEXTS: TextTable = { table: 'office_text', idColumn: 'office_id' };

export type AdminOfficeRow = {
  id: string;
  street: string;
  postalCode: string;
  city: string;
  phone: string | null;
  email: string | null;
  languages: string[];
  wheelchairAccessible: boolean;
};

export type HoursRow = { weekday: number; opens: string; closes: string };
export type ClosureRow = { day: string; reason: string };

const columns = [
  'id',
  'street',
  'postal_code as postalCode',
  'city',
  'phone',
  'email',
  'languages',
  'wheelchair_accessible as wheelchairAccessible',
] as const;

export async function listAdminOffices(db: Db, authorityId: string): Promise<AdminOfficeRow[]> {
  return db
    .selectFrom('office')
    .where('authority_id', '=', authorityId)
    .orderBy('sort_order')
    .orderBy('id')
    .select(columns)
    .execute();
}

/**
 * One office; `forUpdate` locks its row until the transaction ends, so that two
 * administrators saving at once are applied one after the other and each audit entry's old
 * values are the ones really replaced.
 */
export async function findAdminOffice(
  db: Db,
  authorityId: string,
  id: string,
  forUpdate = false,
): Promise<AdminOfficeRow | undefined> {
  const query = db
    .selectFrom('office')
    .where('authority_id', '=', authorityId)
    .where('id', '=', id)
    .select(columns);
  return (forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

export async function updateOffice(
  db: Db,
  authorityId: string,
  id: string,
  values: Partial<{
    street: string;
    postal_code: string;
    city: string;
    phone: string | null;
    email: string | null;
    languages: string[];
    wheelchair_accessible: boolean;
  }>,
) {
  if (Object.keys(values).length === 0) return;
  await db
    .updateTable('office')
    .set(values)
    .where('authority_id', '=', authorityId)
    .where('id', '=', id)
    .execute();
}

export async function listHours(db: Db, authorityId: string, officeId: string) {
  const rows = await db
    .selectFrom('office_opening_hours')
    .where('authority_id', '=', authorityId)
    .where('office_id', '=', officeId)
    .orderBy('weekday')
    .orderBy('opens')
    .select(['weekday', 'opens', 'closes'])
    .execute();
  // PostgreSQL gives times as HH:MM:SS; the forms and the audit trail speak HH:MM.
  return rows.map((r) => ({ ...r, opens: r.opens.slice(0, 5), closes: r.closes.slice(0, 5) }));
}

export async function replaceHours(
  db: Db,
  authorityId: string,
  officeId: string,
  hours: readonly HoursRow[],
) {
  await db
    .deleteFrom('office_opening_hours')
    .where('authority_id', '=', authorityId)
    .where('office_id', '=', officeId)
    .execute();
  if (hours.length === 0) return;
  await db
    .insertInto('office_opening_hours')
    .values(hours.map((h) => ({ authority_id: authorityId, office_id: officeId, ...h })))
    .execute();
}

/** Closures on or after `fromDay`, soonest first (read-only: see above). */
export async function listClosures(
  db: Db,
  authorityId: string,
  officeId: string,
  fromDay: string,
): Promise<ClosureRow[]> {
  return db
    .selectFrom('closure')
    .where('authority_id', '=', authorityId)
    .where('office_id', '=', officeId)
    .where('day', '>=', fromDay)
    .orderBy('day')
    .select([sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'), 'reason'])
    .execute();
}

/** Every text of the given offices in every language, with its staleness. */
export const selectAllOfficeTexts = (
  db: Db,
  authorityId: string,
  ids: readonly string[],
  langs: readonly string[],
) => selectTexts(db, TEXTS, authorityId, ids, langs);

/** Writes German texts; their translations keep their hashes and so show up as stale. */
export const upsertSourceTexts = (db: Db, authorityId: string, rows: readonly TextInput[]) =>
  upsertTexts(db, TEXTS, authorityId, rows, new Map());

/**
 * Removes a field's German text and its translations: a translation of nothing would still be
 * shown to readers of that language.
 */
export async function deleteTextField(
  db: Db,
  authorityId: string,
  officeId: string,
  field: string,
): Promise<number> {
  const result = await db
    .deleteFrom('office_text')
    .where('authority_id', '=', authorityId)
    .where('office_id', '=', officeId)
    .where('field', '=', field)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

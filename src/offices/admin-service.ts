import type { Db } from '../platform/db/database.ts';
import { LANGUAGES, SOURCE_LANGUAGE } from '../platform/i18n/languages.ts';
import { statusIndex, type FieldStatus } from '../platform/i18n/translation-status.ts';
import type { FormErrors } from '../platform/ui/staff-validation.ts';
import type { AccessibilityInput, AddressInput, HoursInput } from './admin-schema.ts';
import {
  deleteTextField,
  findAdminOffice,
  listAdminOffices,
  listClosures,
  listHours,
  replaceHours,
  selectAllOfficeTexts,
  updateOffice,
  upsertSourceTexts,
  type AdminOfficeRow,
  type ClosureRow,
  type HoursRow,
} from './admin.repository.ts';
import { OFFICE_FIELDS, type OfficeField } from './service.ts';

// Office administration (issue 7): address, opening hours, accessibility of the building and
// the languages spoken there; the office's closures are shown here and changed in capacity
// administration, which keeps the slots of a closed day in step. Each save runs in one transaction that locks the
// office, writes only what changed and records the change (field names with old and new
// values, which are not personal data) through the caller's audit recorder in that same
// transaction: no change without its audit entry, no entry for a change that was rolled back.

/** Records one administrative change inside the transaction that makes it. */
export type RecordChange = (
  db: Db,
  subject: { type: string; id: string },
  details: Record<string, unknown>,
  fields: string[],
) => Promise<void>;

export type SaveOutcome =
  | { kind: 'saved'; changed: string[] }
  | { kind: 'invalid'; errors: FormErrors }
  | { kind: 'missing' };

type Change = { old: unknown; new: unknown };

const ALL_LANGS = LANGUAGES.map((l) => l.code);
const TRANSLATIONS = ALL_LANGS.filter((code) => code !== SOURCE_LANGUAGE);

export type OfficeSummary = AdminOfficeRow & { name: string };

/** The offices with their German names, for the list. */
export async function listOfficesForAdmin(db: Db, authorityId: string): Promise<OfficeSummary[]> {
  const offices = await listAdminOffices(db, authorityId);
  const texts = await selectAllOfficeTexts(
    db,
    authorityId,
    offices.map((o) => o.id),
    [SOURCE_LANGUAGE],
  );
  return offices.map((office) => ({
    ...office,
    name: texts.find((t) => t.id === office.id && t.field === 'name')?.text ?? office.id,
  }));
}

export type OfficeAdminView = {
  office: AdminOfficeRow;
  /** The German texts (the source of every translation). */
  texts: Record<OfficeField, string>;
  hours: HoursRow[];
  /** Closures from today on (changed in capacity administration). */
  closures: ClosureRow[];
  /** Per language other than German: where each text field stands. */
  translations: { lang: string; statuses: Record<OfficeField, FieldStatus> }[];
};

/** Everything the office page shows; undefined for an office the authority does not have. */
export async function officeForAdmin(
  db: Db,
  authorityId: string,
  id: string,
  today: string,
): Promise<OfficeAdminView | undefined> {
  const office = await findAdminOffice(db, authorityId, id);
  if (!office) return undefined;
  const [rows, hours, closures] = await Promise.all([
    selectAllOfficeTexts(db, authorityId, [id], ALL_LANGS),
    listHours(db, authorityId, id),
    listClosures(db, authorityId, id, today),
  ]);
  const statusOf = statusIndex(rows);
  const german = (field: OfficeField) =>
    rows.find((r) => r.lang === SOURCE_LANGUAGE && r.field === field)?.text ?? '';
  return {
    office,
    texts: {
      name: german('name'),
      accessibility: german('accessibility'),
      directions: german('directions'),
    },
    hours,
    closures,
    translations: TRANSLATIONS.map((lang) => ({
      lang,
      statuses: {
        name: statusOf(id, lang, 'name'),
        accessibility: statusOf(id, lang, 'accessibility'),
        directions: statusOf(id, lang, 'directions'),
      },
    })),
  };
}

/** Old and new value of every field whose value differs. */
function differences(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, Change> {
  const changes: Record<string, Change> = {};
  for (const [field, value] of Object.entries(after)) {
    const old = before[field];
    if (JSON.stringify(old) !== JSON.stringify(value)) changes[field] = { old, new: value };
  }
  return changes;
}

/**
 * Runs `change` on the locked office in a transaction; records what it returns as changed.
 * Nothing changed: nothing written, nothing recorded.
 */
async function changeOffice(
  db: Db,
  authorityId: string,
  id: string,
  record: RecordChange,
  change: (
    tx: Db,
    office: AdminOfficeRow,
  ) => Promise<
    { changes: Record<string, Change>; details?: Record<string, unknown> } | { errors: FormErrors }
  >,
): Promise<SaveOutcome> {
  return db.transaction().execute(async (tx): Promise<SaveOutcome> => {
    const office = await findAdminOffice(tx, authorityId, id, true);
    if (!office) return { kind: 'missing' };
    const result = await change(tx, office);
    if ('errors' in result) return { kind: 'invalid', errors: result.errors };
    const fields = Object.keys(result.changes);
    if (fields.length > 0) {
      await record(
        tx,
        { type: 'office', id },
        { changes: result.changes, ...result.details },
        fields,
      );
    }
    return { kind: 'saved', changed: fields };
  });
}

/** Writes the German texts that changed; an emptied text goes with its translations. */
async function writeGermanTexts(
  tx: Db,
  authorityId: string,
  id: string,
  changes: Record<string, Change>,
) {
  const removed: Record<string, number> = {};
  for (const field of OFFICE_FIELDS) {
    const change = changes[field];
    if (!change) continue;
    const text = String(change.new);
    if (text === '') {
      removed[field] = (await deleteTextField(tx, authorityId, id, field)) - 1;
    } else {
      await upsertSourceTexts(tx, authorityId, [
        { id, lang: SOURCE_LANGUAGE, field, text, status: 'reviewed' },
      ]);
    }
  }
  return removed;
}

async function germanTexts(tx: Db, authorityId: string, id: string) {
  const rows = await selectAllOfficeTexts(tx, authorityId, [id], [SOURCE_LANGUAGE]);
  return Object.fromEntries(
    OFFICE_FIELDS.map((field) => [field, rows.find((r) => r.field === field)?.text ?? '']),
  ) as Record<OfficeField, string>;
}

export async function saveOfficeAddress(
  db: Db,
  authorityId: string,
  id: string,
  input: AddressInput,
  record: RecordChange,
): Promise<SaveOutcome> {
  return changeOffice(db, authorityId, id, record, async (tx, office) => {
    const texts = await germanTexts(tx, authorityId, id);
    const changes = differences(
      {
        name: texts.name,
        street: office.street,
        postalCode: office.postalCode,
        city: office.city,
        phone: office.phone ?? '',
        email: office.email ?? '',
        directions: texts.directions,
      },
      input,
    );
    const column = <T>(field: string, value: T) => (changes[field] ? value : undefined);
    await updateOffice(
      tx,
      authorityId,
      id,
      withoutUndefined({
        street: column('street', input.street),
        postal_code: column('postalCode', input.postalCode),
        city: column('city', input.city),
        phone: column('phone', input.phone === '' ? null : input.phone),
        email: column('email', input.email === '' ? null : input.email),
      }),
    );
    const removed = await writeGermanTexts(tx, authorityId, id, changes);
    return {
      changes,
      ...(Object.keys(removed).length > 0 ? { details: { translationsRemoved: removed } } : {}),
    };
  });
}

export async function saveOfficeAccessibility(
  db: Db,
  authorityId: string,
  id: string,
  input: AccessibilityInput,
  record: RecordChange,
): Promise<SaveOutcome> {
  return changeOffice(db, authorityId, id, record, async (tx, office) => {
    const texts = await germanTexts(tx, authorityId, id);
    const wheelchairAccessible = input.wheelchair === 'yes';
    const changes = differences(
      { wheelchairAccessible: office.wheelchairAccessible, accessibility: texts.accessibility },
      { wheelchairAccessible, accessibility: input.accessibility },
    );
    if (changes.wheelchairAccessible) {
      await updateOffice(tx, authorityId, id, { wheelchair_accessible: wheelchairAccessible });
    }
    const removed = await writeGermanTexts(tx, authorityId, id, changes);
    return {
      changes,
      ...(Object.keys(removed).length > 0 ? { details: { translationsRemoved: removed } } : {}),
    };
  });
}

export async function saveOfficeLanguages(
  db: Db,
  authorityId: string,
  id: string,
  languages: string[],
  record: RecordChange,
): Promise<SaveOutcome> {
  return changeOffice(db, authorityId, id, record, async (tx, office) => {
    const changes = differences({ languages: office.languages }, { languages });
    if (changes.languages) await updateOffice(tx, authorityId, id, { languages });
    return { changes };
  });
}

/** A weekday's ranges as one comparable, readable value: "08:00–13:00, 14:00–18:00". */
const describeDay = (hours: readonly HoursRow[], weekday: number) =>
  hours
    .filter((h) => h.weekday === weekday)
    .map((h) => `${h.opens}–${h.closes}`)
    .join(', ');

export async function saveOpeningHours(
  db: Db,
  authorityId: string,
  id: string,
  hours: HoursInput,
  record: RecordChange,
): Promise<SaveOutcome> {
  return changeOffice(db, authorityId, id, record, async (tx) => {
    const before = await listHours(tx, authorityId, id);
    const weekdays = [1, 2, 3, 4, 5, 6, 7];
    const changes = differences(
      Object.fromEntries(weekdays.map((d) => [`hours.${d}`, describeDay(before, d)])),
      Object.fromEntries(weekdays.map((d) => [`hours.${d}`, describeDay(hours, d)])),
    );
    if (Object.keys(changes).length > 0) await replaceHours(tx, authorityId, id, hours);
    return { changes };
  });
}

function withoutUndefined<T extends Record<string, unknown>>(values: T) {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

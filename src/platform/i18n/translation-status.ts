import { SOURCE_LANGUAGE } from './languages.ts';

// Where each translatable field stands in each language, as editors see it (the readers'
// view of the same facts is content.ts). Shared by every feature with a text table.

/**
 * `source`: the German text; `reviewed`/`unreviewed`: a translation of the current German
 * text; `stale`: translated from a German text that has changed since; `missing`: German
 * exists, the translation does not; `none`: there is no German text to translate.
 */
export type FieldStatus = 'source' | 'reviewed' | 'unreviewed' | 'stale' | 'missing' | 'none';

export const FIELD_STATUSES: readonly FieldStatus[] = [
  'source',
  'reviewed',
  'unreviewed',
  'stale',
  'missing',
  'none',
];

/** A stored text with its staleness, as `selectTexts` returns it. */
export type StatusRow = {
  id: string;
  lang: string;
  field: string;
  status: 'source' | 'reviewed' | 'unreviewed';
  stale: boolean;
};

const key = (id: string, lang: string, field: string) => `${id}\u0000${lang}\u0000${field}`;

/** A look-up of the status of (entity, language, field) over the rows given. */
export function statusIndex(rows: readonly StatusRow[]) {
  const byKey = new Map(rows.map((row) => [key(row.id, row.lang, row.field), row]));
  return (id: string, lang: string, field: string): FieldStatus => {
    const row = byKey.get(key(id, lang, field));
    if (lang === SOURCE_LANGUAGE) return row ? 'source' : 'none';
    if (!byKey.has(key(id, SOURCE_LANGUAGE, field))) return 'none';
    if (!row) return 'missing';
    if (row.stale) return 'stale';
    return row.status === 'unreviewed' ? 'unreviewed' : 'reviewed';
  };
}

export type StatusCounts = Record<FieldStatus, number>;

export function countStatuses(statuses: readonly FieldStatus[]): StatusCounts {
  const counts = Object.fromEntries(FIELD_STATUSES.map((s) => [s, 0])) as StatusCounts;
  for (const status of statuses) counts[status] += 1;
  return counts;
}

import type { ColumnType, Generated } from 'kysely';

// Table types for Kysely, kept in step with src/migrations (a test compares the two).

export type TranslationStatus = 'source' | 'reviewed' | 'unreviewed';

export type AuthorityTable = {
  id: string;
  name: string;
  land: string;
  contact_email: string;
  accessibility_email: string;
  accessibility_statement_date: string;
  conciliation_url: string;
  phone: string | null;
  created_at: Generated<Date>;
};

export type AuthorityHostTable = {
  host: string;
  authority_id: string;
};

export type OfficeTable = {
  authority_id: string;
  id: string;
  kind: 'central' | 'district';
  street: string;
  postal_code: string;
  city: string;
  latitude: ColumnType<string | null, number | null, number | null>;
  longitude: ColumnType<string | null, number | null, number | null>;
  phone: string | null;
  email: string | null;
  languages: string[];
  wheelchair_accessible: boolean;
  sort_order: number;
};

export type OfficeOpeningHoursTable = {
  authority_id: string;
  office_id: string;
  weekday: number;
  opens: string;
  closes: string;
};

export type ConcernTable = {
  authority_id: string;
  id: string;
  leika_key: string | null;
  legal_basis: string;
  sort_order: number;
};

export type OfficeConcernTable = {
  authority_id: string;
  office_id: string;
  concern_id: string;
};

type TextColumns = {
  authority_id: string;
  lang: string;
  field: string;
  text: string;
  status: TranslationStatus;
  source_hash: string | null;
  updated_at: Generated<Date>;
};

export type OfficeTextTable = TextColumns & { office_id: string };
export type ConcernTextTable = TextColumns & {
  concern_id: string;
  search_vector: ColumnType<string, never, never>;
};

export type Database = {
  authority: AuthorityTable;
  authority_host: AuthorityHostTable;
  office: OfficeTable;
  office_opening_hours: OfficeOpeningHoursTable;
  concern: ConcernTable;
  office_concern: OfficeConcernTable;
  office_text: OfficeTextTable;
  concern_text: ConcernTextTable;
};

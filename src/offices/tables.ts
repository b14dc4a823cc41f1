import type { ColumnType } from 'kysely';
import type { TextColumns } from '../platform/db/tables.ts';

// The office tables, added to the platform's Database type.

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

export type OfficeConcernTable = {
  authority_id: string;
  office_id: string;
  concern_id: string;
};

export type OfficeTextTable = TextColumns & { office_id: string };

declare module '../platform/db/tables.ts' {
  interface Database {
    office: OfficeTable;
    office_opening_hours: OfficeOpeningHoursTable;
    office_concern: OfficeConcernTable;
    office_text: OfficeTextTable;
  }
}

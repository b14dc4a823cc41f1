import type { ColumnType } from 'kysely';
import type { TextColumns } from '../platform/db/tables.ts';

// The concern tables, added to the platform's Database type.

export type ConcernTable = {
  authority_id: string;
  id: string;
  leika_key: string | null;
  legal_basis: string;
  sort_order: number;
};

export type ConcernTextTable = TextColumns & {
  concern_id: string;
  search_vector: ColumnType<string, never, never>;
};

declare module '../platform/db/tables.ts' {
  interface Database {
    concern: ConcernTable;
    concern_text: ConcernTextTable;
  }
}

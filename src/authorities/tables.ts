import type { Generated } from 'kysely';

// The authority tables, added to the platform's Database type.

export type AuthorityTable = {
  id: string;
  name: string;
  land: string;
  contact_email: string;
  accessibility_email: string;
  accessibility_statement_date: string;
  conciliation_url: string;
  phone: string | null;
  time_zone: Generated<string>;
  created_at: Generated<Date>;
};

export type AuthorityHostTable = {
  host: string;
  authority_id: string;
};

declare module '../platform/db/tables.ts' {
  interface Database {
    authority: AuthorityTable;
    authority_host: AuthorityHostTable;
  }
}

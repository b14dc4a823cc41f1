import type { ColumnType } from 'kysely';

// The audit trail's table (migration 0006); seq, at, prev_hash and hash are set by the
// database's chaining trigger, never by the app.

export type AuditEventTable = {
  seq: ColumnType<string, never, never>;
  at: ColumnType<Date, never, never>;
  authority_id: string;
  actor_id: string | null;
  actor_name: string;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  fields: ColumnType<string[], string[] | undefined, never>;
  purpose: string | null;
  request_id: string | null;
  client: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
  prev_hash: ColumnType<string, never, never>;
  hash: ColumnType<string, never, never>;
};

declare module '../db/tables.ts' {
  interface Database {
    audit_event: AuditEventTable;
  }
}

import type { Generated } from 'kysely';

// The staff tables, added to the platform's Database type.

export type StaffUserTable = {
  authority_id: string;
  username: string;
  display_name: string;
  password_hash: string;
};

export type StaffSessionTable = {
  authority_id: string;
  token_hash: string;
  username: string;
  expires_at: Date;
};

export type AuditLogTable = {
  authority_id: string;
  id: Generated<string>;
  at: Generated<Date>;
  actor: string;
  action: string;
  subject: string;
  request_id: string | null;
};

declare module '../platform/db/tables.ts' {
  interface Database {
    staff_user: StaffUserTable;
    staff_session: StaffSessionTable;
    audit_log: AuditLogTable;
  }
}

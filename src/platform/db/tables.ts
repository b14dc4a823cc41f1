import type { ColumnType, Generated } from 'kysely';

// The Database type of Kysely: the platform's own tables here; each feature adds its tables
// in its own tables.ts (`declare module` merges them into this interface), so the platform
// knows no feature's tables.

export type TranslationStatus = 'source' | 'reviewed' | 'unreviewed';

/** The columns every per-feature text table (office_text, concern_text) has. */
export type TextColumns = {
  authority_id: string;
  lang: string;
  field: string;
  text: string;
  status: TranslationStatus;
  source_hash: string | null;
  updated_at: Generated<Date>;
};

export type MailOutboxTable = {
  authority_id: string;
  id: Generated<string>;
  recipient: string;
  subject: string | null;
  body: string | null;
  attachments: ColumnType<MailAttachment[], string | undefined, string>;
  compose_kind: string | null;
  compose_ref: string | null;
  created_at: Generated<Date>;
  sent_at: Date | null;
  attempts: Generated<number>;
  last_error: string | null;
};

export type MailAttachment = { filename: string; contentType: string; content: string };

export interface Database {
  mail_outbox: MailOutboxTable;
}

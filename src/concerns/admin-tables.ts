import type { Generated } from 'kysely';
import type { TranslationStatus } from '../platform/db/tables.ts';

// The drafts of concern texts (migration 0010), added to the platform's Database type.

export type ConcernTextDraftTable = {
  authority_id: string;
  concern_id: string;
  lang: string;
  field: string;
  text: string;
  status: TranslationStatus;
  matches_source: Generated<boolean>;
  updated_by: string;
  updated_at: Generated<Date>;
};

declare module '../platform/db/tables.ts' {
  interface Database {
    concern_text_draft: ConcernTextDraftTable;
  }
}

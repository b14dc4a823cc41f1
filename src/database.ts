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
  time_zone: Generated<string>;
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

export type BookingPolicyTable = {
  authority_id: string;
  concern_id: string;
  slot_minutes: number;
  release_mode: 'rolling' | 'weekly';
  release_weeks_ahead: Generated<number>;
  release_weekday: number | null;
  release_time: string | null;
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

export type CapacityRuleTable = {
  authority_id: string;
  office_id: string;
  concern_id: string;
  weekday: number;
  starts: string;
  ends: string;
  desks: number;
};

export type ClosureTable = { authority_id: string; office_id: string; day: string; reason: string };

export type PublicHolidayTable = { land: string; day: string; name: string };

export type SlotTable = {
  authority_id: string;
  id: Generated<string>;
  office_id: string;
  concern_id: string;
  starts_at: Date;
  ends_at: Date;
  released_at: Date;
  capacity: number;
  booked: Generated<number>;
};

export type BookingStatus = 'active' | 'cancelled' | 'completed';

export type BookingTable = {
  authority_id: string;
  id: Generated<string>;
  code: string;
  slot_id: string;
  concern_id: string;
  status: Generated<BookingStatus>;
  family_name: string;
  given_names: string;
  person_key: string;
  date_of_birth: string;
  email: string | null;
  phone: string | null;
  language: string;
  interpreter_language: string | null;
  created_at: Generated<Date>;
  cancelled_at: Date | null;
};

export type BookingJourneyTable = {
  authority_id: string;
  id: string;
  answers: ColumnType<Record<string, unknown>, string, string>;
  booking_id: string | null;
  expires_at: Date;
};

export type MailOutboxTable = {
  authority_id: string;
  id: Generated<string>;
  recipient: string;
  subject: string;
  body: string;
  attachments: ColumnType<MailAttachment[], string, string>;
  created_at: Generated<Date>;
  sent_at: Date | null;
  attempts: Generated<number>;
  last_error: string | null;
};

export type MailAttachment = { filename: string; contentType: string; content: string };

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

export type Database = {
  authority: AuthorityTable;
  authority_host: AuthorityHostTable;
  office: OfficeTable;
  office_opening_hours: OfficeOpeningHoursTable;
  concern: ConcernTable;
  office_concern: OfficeConcernTable;
  office_text: OfficeTextTable;
  concern_text: ConcernTextTable;
  booking_policy: BookingPolicyTable;
  capacity_rule: CapacityRuleTable;
  closure: ClosureTable;
  public_holiday: PublicHolidayTable;
  slot: SlotTable;
  booking: BookingTable;
  booking_journey: BookingJourneyTable;
  mail_outbox: MailOutboxTable;
  staff_user: StaffUserTable;
  staff_session: StaffSessionTable;
  audit_log: AuditLogTable;
};

import type { Generated } from 'kysely';

// The appointment tables, added to the platform's Database type.

export type BookingPolicyTable = {
  authority_id: string;
  concern_id: string;
  slot_minutes: number;
  release_mode: 'rolling' | 'weekly';
  release_weeks_ahead: Generated<number>;
  release_weekday: number | null;
  release_time: string | null;
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
  /** The places the rules give (migration 0011); capacity exceeds it only while booked. */
  rule_capacity: number | null;
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
  /** Attendance, marked by reception on the day (migration 0011); one of the two at most. */
  arrived_at: Date | null;
  no_show_at: Date | null;
};

declare module '../platform/db/tables.ts' {
  interface Database {
    booking_policy: BookingPolicyTable;
    capacity_rule: CapacityRuleTable;
    closure: ClosureTable;
    public_holiday: PublicHolidayTable;
    slot: SlotTable;
    booking: BookingTable;
  }
}

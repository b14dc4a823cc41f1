import { listConcernsIn } from '../concerns/index.ts';
import { listConcernIdsOfferedAt, listOfficesIn } from '../offices/index.ts';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/http/errors.ts';
import { reachesOffice, type OfficeAccess } from '../platform/policy/policy.ts';
import { localDay } from '../platform/ui/format.ts';
import {
  listDayAppointments,
  markBookingAttendance,
  type DayAppointment,
} from './bookings.repository.ts';
import {
  parseAttendanceForm,
  type DayQuery,
  type FormErrors,
  type FormValues,
} from './staff-schema.ts';

// The day view (issue 7): the appointments of one office on one day, for reception and the
// caseworkers of that office; reception marks arrivals and no-shows. Every opening is
// audited with the bookings it showed; the booking code is never shown in full.

export type DayDeps = { db: Db; clock: Clock };

/** Records what a staff member was shown (the guard's `auditRead`, bound to the request). */
export type AuditRead = (
  subject: { type: string; id: string },
  fields: string[],
  details: Record<string, unknown>,
) => Promise<void>;

/** Records a change (the guard's `auditChange`, bound to the request), in `db`'s transaction. */
export type AuditChange = (
  db: Db,
  subject: { type: string; id: string },
  details: Record<string, unknown>,
  fields?: string[],
) => Promise<void>;

/** How far back and ahead the day list reaches (bookings are kept no longer than this). */
export const DAY_RANGE_DAYS = 366;

/** The personal fields the day list shows, as the audit trail names them. */
export const DAY_LIST_FIELDS = [
  'family_name',
  'given_names',
  'language',
  'interpreter_language',
  'code_end',
  'attendance',
];

export type DayPage = {
  now: Date;
  timeZone: string;
  today: string;
  /** The day asked for, as typed (shown again in the form when it is not a valid day). */
  dayValue: string;
  /** The valid day shown, or undefined (then `errors` says why). */
  day: string | undefined;
  range: { from: string; to: string };
  offices: { id: string; name: string }[];
  officeId: string | undefined;
  concerns: { id: string; title: string }[];
  concernId: string | undefined;
  appointments: DayAppointment[];
  errors: FormErrors;
  /** Whether the signed-in member may mark attendance here now (their office, today). */
  mayMark: boolean;
};

const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const isRealDay = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) &&
  !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
  new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

/**
 * Opens the day list of one office: the appointments of the day (of one concern, if asked),
 * recorded in the audit trail with the bookings shown. A day that is no date or lies outside
 * the range shows a message and no list (and reads nothing).
 */
export async function openDayList(
  deps: DayDeps,
  authority: { id: string; timeZone: string },
  access: { read: OfficeAccess; mark: OfficeAccess },
  lang: string,
  query: DayQuery,
  audit: AuditRead,
): Promise<{ page: DayPage; status: 200 | 400 }> {
  const { db } = deps;
  if (query.office && !reachesOffice(access.read, query.office)) throw new AppError('FORBIDDEN');
  const now = deps.clock();
  const today = localDay(now, authority.timeZone);
  const range = { from: addDays(today, -DAY_RANGE_DAYS), to: addDays(today, DAY_RANGE_DAYS) };
  const offices = (await listOfficesIn(db, authority.id, lang))
    .filter((office) => reachesOffice(access.read, office.id))
    .map((office) => ({ id: office.id, name: office.texts.name?.text ?? office.id }));
  const office = offices.find((o) => o.id === query.office) ?? offices[0];
  const dayValue = query.day?.trim() || today;
  const errors: FormErrors = {};
  if (!isRealDay(dayValue)) errors.day = 'day.error.date';
  else if (dayValue < range.from || dayValue > range.to) errors.day = 'day.error.range';
  const day = errors.day ? undefined : dayValue;
  const page: DayPage = {
    now,
    timeZone: authority.timeZone,
    today,
    dayValue,
    day,
    range,
    offices,
    officeId: office?.id,
    concerns: [],
    concernId: undefined,
    appointments: [],
    errors,
    mayMark: false,
  };
  if (!office) return { page, status: 200 };
  const [offered, all] = await Promise.all([
    listConcernIdsOfferedAt(db, authority.id, office.id),
    listConcernsIn(db, authority.id, lang),
  ]);
  page.concerns = all
    .filter((c) => offered.includes(c.id))
    .map((c) => ({ id: c.id, title: c.texts.title?.text ?? c.id }));
  page.concernId = page.concerns.find((c) => c.id === query.concern)?.id;
  if (!day) return { page, status: 400 };
  page.appointments = await listDayAppointments(
    db,
    authority,
    { officeId: office.id, day, concernId: page.concernId ?? null },
    access.read,
  );
  // Recorded before the page leaves: no audit entry, no list.
  await audit({ type: 'office-day', id: `${office.id}/${day}` }, DAY_LIST_FIELDS, {
    office: office.id,
    day,
    concern: page.concernId ?? null,
    bookings: page.appointments.map((a) => a.id),
  });
  page.mayMark = day === today && reachesOffice(access.mark, office.id);
  return { page, status: 200 };
}

export type AttendanceOutcome = {
  /** Where the day list continues: its office, day and filter, and what happened. */
  back: { office: string; day: string; concern: string | undefined; booking: string };
  notice: 'arrived' | 'no_show' | 'expected' | 'unchanged';
};

/**
 * Marks arrival or no-show (or takes the mark back) in one guarded statement, audited in the
 * same transaction. Nothing qualifies outside the member's offices, on another day than the
 * appointment's, or for a cancelled booking: then nothing changes and the list says so.
 */
export async function markAttendance(
  deps: DayDeps,
  authority: { id: string; timeZone: string },
  access: OfficeAccess,
  values: FormValues,
  audit: AuditChange,
): Promise<AttendanceOutcome> {
  const parsed = parseAttendanceForm(values);
  if (!parsed.ok) throw new AppError('BAD_REQUEST');
  const form = parsed.value;
  if (!reachesOffice(access, form.office)) throw new AppError('FORBIDDEN');
  const back = { office: form.office, day: form.day, concern: form.concern, booking: form.booking };
  const now = deps.clock();
  const marked = await deps.db.transaction().execute(async (tx) => {
    const row = await markBookingAttendance(tx, authority, form.booking, form.mark, access, now);
    if (!row) return undefined;
    const fields = form.mark === 'expected' ? ['arrived_at', 'no_show_at'] : [`${form.mark}_at`];
    await audit(
      tx,
      { type: 'booking', id: row.id },
      { mark: form.mark, office: row.officeId, day: localDay(now, authority.timeZone) },
      fields,
    );
    return row;
  });
  return { back, notice: marked ? form.mark : 'unchanged' };
}

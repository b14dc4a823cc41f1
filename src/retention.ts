import { purgeExpiredBookings } from './appointments/service.ts';
import { recordAudit } from './platform/audit/audit.ts';
import { purgeAuditEntries } from './platform/audit/retention.ts';
import type { Config } from './platform/config.ts';
import type { Db } from './platform/db/database.ts';
import { purgeJourneySessions } from './platform/journeys/store.ts';
import { purgeOldMail } from './platform/mail/outbox.ts';
import { purgeSignInState } from './staff/index.ts';

// Retention (DESIGN.md: each record has a retention class that a job enforces; security
// review M9). Each class is deleted by the feature that owns it:
//   bookings        RETENTION_BOOKING_DAYS after the appointment, or after the cancellation
//   journeys        when they expire (2 h after the last answer; an expired one is unreadable)
//   mail outbox     RETENTION_MAIL_DAYS after it was queued
//   staff sessions  at their idle or absolute limit; sign-in failures after a day
//   audit trail     RETENTION_AUDIT_DAYS after an entry was written (at least a year)
// Every class is deleted even when another fails, and what went is written to the audit
// trail as counts only (actor "retention"). Safe on several instances at once: a row is
// deleted once, and a run that deleted nothing writes nothing.

const DAY_MS = 86_400_000;

export type RetentionCounts = {
  /** Per authority (bookings are authority-owned and the trail is searched per authority). */
  bookings: Map<string, number>;
  journeySessions: number;
  mail: number;
  staffSignInState: number;
  auditEntries: number;
};

export type RetentionReport = {
  deleted: RetentionCounts;
  /** The classes that could not be purged this time, with the error; the others were. */
  failed: { retentionClass: string; error: unknown }[];
};

export const RETENTION_ACTOR = { id: null, name: 'retention' };

export async function runRetention(deps: {
  db: Db;
  retention: Config['retention'];
  now: Date;
  /** The authorities whose trail records the run. */
  authorityIds: string[];
}): Promise<RetentionReport> {
  const { db, retention, now } = deps;
  const failed: RetentionReport['failed'] = [];
  const attempt = async <T>(retentionClass: string, work: () => Promise<T>, none: T) => {
    try {
      return await work();
    } catch (error) {
      failed.push({ retentionClass, error });
      return none;
    }
  };
  const deleted: RetentionCounts = {
    bookings: await attempt(
      'bookings',
      () => purgeExpiredBookings(db, now, retention.bookingDays),
      new Map<string, number>(),
    ),
    journeySessions: await attempt('journeys', () => purgeJourneySessions(db, now), 0),
    mail: await attempt('mail', () => purgeOldMail(db, now, retention.mailDays), 0),
    staffSignInState: await attempt('staff-sessions', () => purgeSignInState(db, now), 0),
    auditEntries: await attempt(
      'audit',
      () => purgeAuditEntries(db, new Date(now.getTime() - retention.auditDays * DAY_MS)),
      0,
    ),
  };
  await recordRun(db, deps, deleted);
  return { deleted, failed };
}

/** One entry per authority, counts only: the trail shows that retention ran and what went. */
async function recordRun(
  db: Db,
  deps: { retention: Config['retention']; authorityIds: string[] },
  deleted: RetentionCounts,
) {
  const installationWide = {
    journeySessions: deleted.journeySessions,
    mail: deleted.mail,
    staffSignInState: deleted.staffSignInState,
    auditEntries: deleted.auditEntries,
  };
  const anyInstallationWide = Object.values(installationWide).some((n) => n > 0);
  const authorityIds = new Set([...deps.authorityIds, ...deleted.bookings.keys()]);
  for (const authorityId of authorityIds) {
    const bookings = deleted.bookings.get(authorityId) ?? 0;
    if (bookings === 0 && !anyInstallationWide) continue;
    await recordAudit(db, {
      authorityId,
      actor: RETENTION_ACTOR,
      action: 'change',
      fields: deletedClasses({ bookings, ...installationWide }),
      purpose: 'retention: delete personal data past its retention period',
      details: {
        periods: deps.retention,
        deleted: { bookings },
        // Journeys, mail, sessions and the trail are purged for the whole installation at once.
        deletedInstallationWide: installationWide,
      },
    });
  }
}

const deletedClasses = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([name]) => name);

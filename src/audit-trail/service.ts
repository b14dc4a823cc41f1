import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { bookingIdOfCode } from '../appointments/service.ts';
import { recordAudit } from '../platform/audit/audit.ts';
import { verifyAuditChain, type ChainBreak } from '../platform/audit/verify.ts';
import type { Db } from '../platform/db/database.ts';
import {
  countAuthorityEntries,
  countTrail,
  selectLastSeq,
  selectTrailBatch,
  selectTrailPage,
  type TrailEntry,
  type TrailScope,
} from './repository.ts';
import { filterParams, type TrailFilter } from './schema.ts';

// The data-protection officer's view of the audit trail (issue 7): search by subject, staff
// member, action and period; export as CSV; check the hash chain. Looking at the trail is
// itself recorded (it names staff and the records they opened), and so is every export, with
// its filter and the number of entries it holds.

export const PAGE_SIZE = 50;
const EXPORT_BATCH = 1000;

/** Who looks, for which purpose, in which request; the authority's time zone for days. */
export type TrailViewer = {
  authorityId: string;
  timeZone: string;
  actor: { id: string; name: string };
  purpose: string;
  requestId: string;
};

export type { TrailEntry };

/** A booking code typed as the subject: the code and the booking that has it (if any). */
export type BookingOfCode = { code: string; id: string | undefined };

/**
 * The search's scope. A subject that is a booking code (as the newcomer knows it) stands for
 * the booking's id as well, since the trail names bookings by id.
 */
async function scopeOf(
  db: Db,
  viewer: TrailViewer,
  filter: TrailFilter,
): Promise<{ scope: TrailScope; booking: BookingOfCode | undefined }> {
  const booking = filter.subject
    ? await bookingIdOfCode(db, viewer.authorityId, filter.subject)
    : undefined;
  const subjects = filter.subject ? [filter.subject] : [];
  if (booking?.id) subjects.push(booking.id);
  return {
    scope: { authorityId: viewer.authorityId, timeZone: viewer.timeZone, filter, subjects },
    booking,
  };
}

/** One page of entries, newest first, with the positions of the newer and older pages. */
export async function searchAuditTrail(
  db: Db,
  viewer: TrailViewer,
  filter: TrailFilter,
  page: { before?: string | undefined; after?: string | undefined },
) {
  const { scope, booking } = await scopeOf(db, viewer, filter);
  const { entries, more } = await selectTrailPage(db, scope, { ...page, limit: PAGE_SIZE });
  await recordAudit(db, {
    authorityId: viewer.authorityId,
    actor: viewer.actor,
    action: 'read',
    subject: { type: 'audit-trail', id: viewer.authorityId },
    fields: ['audit-trail'],
    purpose: viewer.purpose,
    requestId: viewer.requestId,
    details: {
      filter: filterParams(filter),
      ...(booking?.id ? { booking: booking.id } : {}),
      entries: entries.length,
    },
  });
  const first = entries[0]?.seq;
  const last = entries.at(-1)?.seq;
  // Reading newer pages, "more" means still newer ones; reading older pages, older ones.
  const paging = page.after !== undefined;
  return {
    entries,
    booking,
    newer: first !== undefined && (paging ? more : page.before !== undefined) ? first : undefined,
    older: last !== undefined && (paging || more) ? last : undefined,
  };
}

export const CSV_COLUMNS = [
  'seq',
  'at',
  'actor_id',
  'actor_name',
  'action',
  'subject_type',
  'subject_id',
  'fields',
  'purpose',
  'request_id',
  'details',
] as const;

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) is
 * prefixed with an apostrophe: failed sign-ins record whatever name a stranger typed.
 */
export function csvCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const csvRow = (e: TrailEntry): string[] =>
  [
    e.seq,
    e.at.toISOString(),
    e.actorId ?? '',
    e.actorName,
    e.action,
    e.subjectType ?? '',
    e.subjectId ?? '',
    e.fields.join(' '),
    e.purpose ?? '',
    e.requestId ?? '',
    JSON.stringify(e.details),
  ].map(csvCell);

/**
 * The filtered entries as CSV, streamed in batches. The export is recorded before the first
 * byte leaves, with its filter and row count: the entries up to the trail's newest seq at
 * this moment, which the stream then reads (entries are never changed, so the count holds).
 */
export async function exportAuditTrail(db: Db, viewer: TrailViewer, filter: TrailFilter) {
  const { scope, booking } = await scopeOf(db, viewer, filter);
  const uptoSeq = await selectLastSeq(db);
  const rows = await countTrail(db, scope, uptoSeq);
  await recordAudit(db, {
    authorityId: viewer.authorityId,
    actor: viewer.actor,
    action: 'export',
    subject: { type: 'audit-trail', id: viewer.authorityId },
    fields: [...CSV_COLUMNS],
    purpose: viewer.purpose,
    requestId: viewer.requestId,
    details: {
      filter: filterParams(filter),
      ...(booking?.id ? { booking: booking.id } : {}),
      rows,
      uptoSeq,
    },
  });
  async function* batches() {
    let afterSeq = '0';
    for (;;) {
      const batch = await selectTrailBatch(db, scope, { afterSeq, uptoSeq, limit: EXPORT_BATCH });
      for (const entry of batch) yield csvRow(entry);
      const last = batch.at(-1);
      if (!last || batch.length < EXPORT_BATCH) return;
      afterSeq = last.seq;
    }
  }
  // A byte-order mark, so that spreadsheet programs read the file as UTF-8.
  const csv = stringify({ header: true, columns: [...CSV_COLUMNS], bom: true });
  const source = Readable.from(batches());
  source.on('error', (error) => csv.destroy(error));
  source.pipe(csv);
  return { rows, stream: csv, filename: `audit-${viewer.authorityId}-${uptoSeq}.csv` };
}

/** What an authority's officer learns from the check of the chain. */
export type TrailCheck = {
  /** The first broken link, if any (its seq and what is wrong there). */
  broken: Pick<ChainBreak, 'seq' | 'problem'> | undefined;
  /** The entries of the officer's own authority. */
  ownEntries: number;
};

/**
 * The hash chain of the whole trail, checked link by link (the chain runs through the entries
 * of every authority, so only all of it can be checked). The officer of one authority sees
 * whether it is intact and where it breaks, and the count of their own authority's entries:
 * no figures of the installation (other authorities' entries, seq range, newest hash).
 */
export async function verifyAuditTrail(db: Db, authorityId: string): Promise<TrailCheck> {
  const [report, ownEntries] = await Promise.all([
    verifyAuditChain(db),
    countAuthorityEntries(db, authorityId),
  ]);
  const broken = report.broken && { seq: report.broken.seq, problem: report.broken.problem };
  return { broken, ownEntries };
}

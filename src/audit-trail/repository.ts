import { sql, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { Database } from '../platform/db/tables.ts';
import '../platform/audit/tables.ts';
import type { TrailFilter } from './schema.ts';

// Reads audit_event for the data-protection officer: one authority's entries, filtered, in
// pages by seq (keyset, so a page costs the same however deep), and in batches for export.
// The trail is only ever read here; entries are written by the platform's audit module.

export type TrailEntry = {
  seq: string;
  at: Date;
  actorId: string | null;
  actorName: string;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  fields: string[];
  purpose: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The keys under which an entry's details list the ids of the records a page showed, e.g.
 * the day list's read entry: {"bookings": ["<id>", …]} (ids as text, as the database's bigint
 * ids reach the app). Searched by jsonb containment, which audit_event_details_idx serves.
 */
const SHOWN_RECORD_LISTS = ['bookings'] as const;

/** The filter, with the record ids its subject stands for (what was typed; a booking's id). */
export type TrailScope = {
  authorityId: string;
  timeZone: string;
  filter: TrailFilter;
  subjects: string[];
};

function filtered(db: Db, { authorityId, timeZone, filter, subjects }: TrailScope) {
  let query = db.selectFrom('audit_event').where('authority_id', '=', authorityId);
  if (subjects.length > 0) {
    // The entries about the record, and the entries of pages that listed it among others.
    const shown = subjects.flatMap((id) =>
      SHOWN_RECORD_LISTS.map((key) => JSON.stringify({ [key]: [id] })),
    );
    query = query.where((eb) =>
      eb.or([
        eb('subject_id', 'in', subjects),
        ...shown.map((json) => eb(sql.ref('details'), '@>', sql<unknown>`${json}::jsonb`)),
      ]),
    );
  }
  if (filter.actor) {
    // An id finds the member's entries whatever name they had; a name also finds attempts
    // under names that belong to nobody (failed sign-ins).
    query = UUID.test(filter.actor)
      ? query.where('actor_id', '=', filter.actor.toLowerCase())
      : query.where('actor_name', '=', filter.actor.toLowerCase());
  }
  if (filter.action) query = query.where('action', '=', filter.action);
  // Days are the authority's calendar days.
  if (filter.from) {
    query = query.where(
      'at',
      '>=',
      sql<Date>`(${filter.from}::date)::timestamp AT TIME ZONE ${timeZone}`,
    );
  }
  if (filter.to) {
    query = query.where(
      'at',
      '<',
      sql<Date>`(${filter.to}::date + 1)::timestamp AT TIME ZONE ${timeZone}`,
    );
  }
  return query;
}

const withColumns = <O>(query: SelectQueryBuilder<Database, 'audit_event', O>) =>
  query.select([
    'seq',
    'at',
    'actor_id as actorId',
    'actor_name as actorName',
    'action',
    'subject_type as subjectType',
    'subject_id as subjectId',
    'fields',
    'purpose',
    'request_id as requestId',
    'details',
  ]);

/**
 * One page, newest first: the entries before `before` (older), or after `after` (newer), or
 * the newest. One more than the limit is read to know whether there is a further page.
 */
export async function selectTrailPage(
  db: Db,
  scope: TrailScope,
  page: { before?: string | undefined; after?: string | undefined; limit: number },
): Promise<{ entries: TrailEntry[]; more: boolean }> {
  let query = withColumns(filtered(db, scope));
  if (page.after !== undefined) {
    query = query.where('seq', '>', page.after).orderBy('seq', 'asc');
  } else {
    if (page.before !== undefined) query = query.where('seq', '<', page.before);
    query = query.orderBy('seq', 'desc');
  }
  const rows = await query.limit(page.limit + 1).execute();
  const more = rows.length > page.limit;
  const entries = rows.slice(0, page.limit);
  return { entries: page.after !== undefined ? entries.reverse() : entries, more };
}

/** The newest seq of the whole trail: an export covers the entries up to it. */
export async function selectLastSeq(db: Db): Promise<string> {
  const row = await db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.max('seq').as('last'))
    .executeTakeFirst();
  return row?.last ?? '0';
}

export async function countTrail(db: Db, scope: TrailScope, uptoSeq: string): Promise<number> {
  const row = await filtered(db, scope)
    .where('seq', '<=', uptoSeq)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Entries after `afterSeq` up to `uptoSeq`, oldest first. */
export function selectTrailBatch(
  db: Db,
  scope: TrailScope,
  range: { afterSeq: string; uptoSeq: string; limit: number },
): Promise<TrailEntry[]> {
  return withColumns(filtered(db, scope))
    .where('seq', '>', range.afterSeq)
    .where('seq', '<=', range.uptoSeq)
    .orderBy('seq', 'asc')
    .limit(range.limit)
    .execute();
}

/** How many entries of the whole trail belong to this authority. */
export async function countAuthorityEntries(db: Db, authorityId: string): Promise<number> {
  const row = await db
    .selectFrom('audit_event')
    .where('authority_id', '=', authorityId)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

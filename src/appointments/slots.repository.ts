import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';

// The materialised slots. Times are timestamptz; local days and times are computed in
// PostgreSQL with the authority's time zone (a parameter), which is correct across DST.

export type Slot = {
  id: string;
  officeId: string;
  concernId: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  booked: number;
};

export const slotColumns = sql`s.id, s.office_id AS "officeId", s.concern_id AS "concernId",
  s.starts_at AS "startsAt", s.ends_at AS "endsAt", s.capacity, s.booked`;

/** Bookable = released, in the future, with a free place. */
export const bookable = (now: Date) =>
  sql<boolean>`s.booked < s.capacity AND s.released_at <= ${now} AND s.starts_at > ${now}`;

/** Which slots a statement concerns: one office, one concern, both, or (null) all. */
export type SlotScope = { officeId: string | null; concernId: string | null };

export const inScope = (alias: 'r' | 's', scope: SlotScope) => {
  const office = sql.ref(`${alias}.office_id`);
  const concern = sql.ref(`${alias}.concern_id`);
  return sql<boolean>`(${scope.officeId}::text IS NULL OR ${office} = ${scope.officeId})
    AND (${scope.concernId}::text IS NULL OR ${concern} = ${scope.concernId})`;
};

/**
 * The slots the rules ask for on the local days from..to (inclusive), except on public
 * holidays and closures: one row per office, concern and start, with the capacity (the desks
 * of the rules covering that time), end and release instant. Creating the slot window and
 * applying a changed rule to existing slots both start from this one query, so they can
 * never disagree about what a rule means.
 */
export const plannedSlots = (
  authority: { id: string; land: string; timeZone: string },
  from: string,
  to: string,
  scope: SlotScope,
) => {
  const zone = authority.timeZone;
  return sql`
    SELECT r.authority_id, r.office_id, r.concern_id, t.starts_at,
           max(t.ends_at) AS ends_at, min(t.released_at) AS released_at,
           sum(r.desks)::int AS capacity
    FROM capacity_rule r
    JOIN booking_policy p ON p.authority_id = r.authority_id AND p.concern_id = r.concern_id
    CROSS JOIN LATERAL (
      SELECT g::date AS day, g::date - (extract(isodow FROM g)::int - 1) AS monday
      FROM generate_series(${from}::date, ${to}::date, interval '1 day') AS g
    ) AS d
    CROSS JOIN LATERAL (
      SELECT r.starts + make_interval(mins => n * p.slot_minutes) AS start_time
      FROM generate_series(
        0, floor(extract(epoch FROM (r.ends - r.starts)) / 60 / p.slot_minutes)::int - 1) AS n
    ) AS s
    CROSS JOIN LATERAL (
      SELECT (d.day + s.start_time) AT TIME ZONE ${zone} AS starts_at,
             (d.day + s.start_time + make_interval(mins => p.slot_minutes)) AT TIME ZONE ${zone}
               AS ends_at,
             CASE p.release_mode
               WHEN 'rolling' THEN (d.day - p.release_weeks_ahead * 7)::timestamp AT TIME ZONE ${zone}
               ELSE (d.monday - 7 + (p.release_weekday - 1) + p.release_time) AT TIME ZONE ${zone}
             END AS released_at
    ) AS t
    WHERE r.authority_id = ${authority.id} AND ${inScope('r', scope)}
      AND extract(isodow FROM d.day) = r.weekday
      AND NOT EXISTS (SELECT 1 FROM public_holiday h WHERE h.land = ${authority.land} AND h.day = d.day)
      AND NOT EXISTS (SELECT 1 FROM closure c
                      WHERE c.authority_id = r.authority_id AND c.office_id = r.office_id AND c.day = d.day)
    GROUP BY r.authority_id, r.office_id, r.concern_id, t.starts_at`;
};

const SLOT_PLANNING_LOCK = 0x5743_0011;

/**
 * Serialises the work that plans slots for an authority (the window job, capacity changes)
 * until the transaction ends: a rule change and the job must not each plan from the other's
 * half-finished state.
 */
export async function lockSlotPlanning(tx: Db, authorityId: string) {
  await sql`SELECT pg_advisory_xact_lock(${SLOT_PLANNING_LOCK}::int, hashtext(${authorityId}))`.execute(
    tx,
  );
}
/**
 * Creates the slots of every capacity rule for the local days from..to (inclusive), except on
 * public holidays and closures. Idempotent: existing slots are kept as they are (a changed
 * rule reaches them through `reconcileFutureSlots`). Call inside a transaction holding
 * `lockSlotPlanning`.
 */
export async function materializeSlots(
  tx: Db,
  authority: { id: string; land: string; timeZone: string },
  from: string,
  to: string,
) {
  const all = { officeId: null, concernId: null };
  const result = await sql`
    INSERT INTO slot (authority_id, office_id, concern_id, starts_at, ends_at, released_at,
                      capacity, rule_capacity)
    SELECT p.authority_id, p.office_id, p.concern_id, p.starts_at, p.ends_at, p.released_at,
           p.capacity, p.capacity
    FROM (${plannedSlots(authority, from, to, all)}) AS p
    ON CONFLICT (authority_id, office_id, concern_id, starts_at) DO NOTHING`.execute(tx);
  return Number(result.numAffectedRows ?? 0);
}

export async function listFreeDays(
  db: Db,
  authority: { id: string; timeZone: string },
  where: { concernId: string; officeId: string },
  now: Date,
  limit: number,
): Promise<{ day: string; free: number }[]> {
  const result = await sql<{ day: string; free: number }>`
    SELECT to_char((s.starts_at AT TIME ZONE ${authority.timeZone})::date, 'YYYY-MM-DD') AS day,
           sum(s.capacity - s.booked)::int AS free
    FROM slot s
    WHERE s.authority_id = ${authority.id} AND s.concern_id = ${where.concernId}
      AND s.office_id = ${where.officeId} AND ${bookable(now)}
    GROUP BY 1 ORDER BY 1 LIMIT ${limit}`.execute(db);
  return result.rows;
}

/** Free slots between two local days (inclusive), for one office or all that offer the concern. */
export async function listFreeSlots(
  db: Db,
  authority: { id: string; timeZone: string },
  filter: { concernId: string; officeId?: string | undefined; from: string; to: string },
  now: Date,
  limit = 500,
): Promise<Slot[]> {
  const zone = authority.timeZone;
  const result = await sql<Slot>`
    SELECT ${slotColumns}
    FROM slot s
    WHERE s.authority_id = ${authority.id} AND s.concern_id = ${filter.concernId}
      AND (${filter.officeId ?? null}::text IS NULL OR s.office_id = ${filter.officeId ?? null})
      AND s.starts_at >= ${filter.from}::date::timestamp AT TIME ZONE ${zone}
      AND s.starts_at < (${filter.to}::date + 1)::timestamp AT TIME ZONE ${zone}
      AND ${bookable(now)}
    ORDER BY s.starts_at, s.office_id LIMIT ${limit}`.execute(db);
  return result.rows;
}

/**
 * The next free slots of the same concern and office as a slot (one just taken by someone
 * else), in one query on the slot_free index; undefined when there is no such slot of the
 * concern.
 */
export async function listAlternatives(
  db: Db,
  authorityId: string,
  slotId: string,
  concernId: string,
  now: Date,
  limit: number,
): Promise<{ alternatives: Slot[] } | undefined> {
  const result = await sql<{ [K in keyof Slot]: Slot[K] | null }>`
    SELECT a.* FROM slot t
    LEFT JOIN LATERAL (
      SELECT ${slotColumns} FROM slot s
      WHERE s.authority_id = t.authority_id AND s.concern_id = t.concern_id
        AND s.office_id = t.office_id AND ${bookable(now)}
      ORDER BY s.starts_at LIMIT ${limit}
    ) AS a ON true
    WHERE t.authority_id = ${authorityId} AND t.id = ${slotId} AND t.concern_id = ${concernId}`.execute(
    db,
  );
  if (result.rows.length === 0) return undefined;
  const alternatives = result.rows.filter((row): row is Slot => row.id !== null);
  return { alternatives };
}

export async function findSlot(
  db: Db,
  authorityId: string,
  slotId: string,
): Promise<Slot | undefined> {
  const result = await sql<Slot>`
    SELECT ${slotColumns} FROM slot s WHERE s.authority_id = ${authorityId} AND s.id = ${slotId}`.execute(
    db,
  );
  return result.rows[0];
}

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

/**
 * Creates the slots of every capacity rule for the local days from..to (inclusive), except
 * on public holidays and closures. Idempotent: existing slots are kept as they are.
 */
export async function materializeSlots(
  db: Db,
  authority: { id: string; land: string; timeZone: string },
  from: string,
  to: string,
) {
  const zone = authority.timeZone;
  const result = await sql`
    INSERT INTO slot (authority_id, office_id, concern_id, starts_at, ends_at, released_at, capacity)
    SELECT r.authority_id, r.office_id, r.concern_id,
           (d.day + s.start_time) AT TIME ZONE ${zone},
           (d.day + s.start_time + make_interval(mins => p.slot_minutes)) AT TIME ZONE ${zone},
           CASE p.release_mode
             WHEN 'rolling' THEN (d.day - p.release_weeks_ahead * 7)::timestamp AT TIME ZONE ${zone}
             ELSE (d.monday - 7 + (p.release_weekday - 1) + p.release_time) AT TIME ZONE ${zone}
           END,
           r.desks
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
    WHERE r.authority_id = ${authority.id}
      AND extract(isodow FROM d.day) = r.weekday
      AND NOT EXISTS (SELECT 1 FROM public_holiday h WHERE h.land = ${authority.land} AND h.day = d.day)
      AND NOT EXISTS (SELECT 1 FROM closure c
                      WHERE c.authority_id = r.authority_id AND c.office_id = r.office_id AND c.day = d.day)
    ON CONFLICT (authority_id, office_id, concern_id, starts_at) DO NOTHING`.execute(db);
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

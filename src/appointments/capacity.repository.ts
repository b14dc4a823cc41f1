import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { CapacityRule } from './rules.repository.ts';
import { inScope, plannedSlots, type SlotScope } from './slots.repository.ts';

// Capacity administration: the rules of one office × concern, the closures of an office, and
// the one statement that brings the existing future slots in line with the rules.

export type RuleRow = Omit<CapacityRule, 'officeId' | 'concernId'>;

export async function listRulesOf(
  db: Db,
  authorityId: string,
  officeId: string,
  concernId: string,
): Promise<RuleRow[]> {
  const result = await sql<RuleRow>`
    SELECT weekday, to_char(starts, 'HH24:MI') AS starts, to_char(ends, 'HH24:MI') AS ends, desks
    FROM capacity_rule
    WHERE authority_id = ${authorityId} AND office_id = ${officeId} AND concern_id = ${concernId}
    ORDER BY weekday, starts`.execute(db);
  return result.rows;
}

/** Replaces the rules of one office × concern (inside the change's transaction). */
export async function replaceRulesOf(
  tx: Db,
  authorityId: string,
  officeId: string,
  concernId: string,
  rules: RuleRow[],
) {
  await tx
    .deleteFrom('capacity_rule')
    .where('authority_id', '=', authorityId)
    .where('office_id', '=', officeId)
    .where('concern_id', '=', concernId)
    .execute();
  if (rules.length === 0) return;
  await tx
    .insertInto('capacity_rule')
    .values(
      rules.map((rule) => ({
        authority_id: authorityId,
        office_id: officeId,
        concern_id: concernId,
        ...rule,
      })),
    )
    .execute();
}

export type Closure = { day: string; reason: string };

export async function listClosuresFrom(
  db: Db,
  authorityId: string,
  officeId: string,
  from: string,
): Promise<Closure[]> {
  return db
    .selectFrom('closure')
    .where('authority_id', '=', authorityId)
    .where('office_id', '=', officeId)
    .where('day', '>=', from)
    .orderBy('day')
    .select(['day', 'reason'])
    .execute();
}

/** False when the office is already closed that day. */
export async function insertClosure(
  tx: Db,
  authorityId: string,
  officeId: string,
  closure: Closure,
): Promise<boolean> {
  const row = await tx
    .insertInto('closure')
    .values({ authority_id: authorityId, office_id: officeId, ...closure })
    .onConflict((oc) => oc.columns(['authority_id', 'office_id', 'day']).doNothing())
    .returning('day')
    .executeTakeFirst();
  return row !== undefined;
}

/** The removed closure's reason, or undefined when there was none. */
export async function deleteClosure(
  tx: Db,
  authorityId: string,
  officeId: string,
  day: string,
): Promise<string | undefined> {
  const row = await tx
    .deleteFrom('closure')
    .where('authority_id', '=', authorityId)
    .where('office_id', '=', officeId)
    .where('day', '=', day)
    .returning('reason')
    .executeTakeFirst();
  return row?.reason;
}

/** What a change does to the places of one ISO week. */
export type WeekEffect = {
  /** ISO week as 'YYYY-Www'. */
  week: string;
  /** The first local day of that week with a change. */
  firstDay: string;
  addedPlaces: number;
  /** Free places taken away (never a booked one). */
  removedFreePlaces: number;
  /** Booked places in slots the change gives fewer places (or none): kept as they are. */
  bookedUnaffected: number;
  /** Of those, places the new rules do not have: people to inform or a desk to keep. */
  bookedBeyondRules: number;
};

export type ReconcileResult = {
  weeks: WeekEffect[];
  addedSlots: number;
  removedSlots: number;
  changedSlots: number;
};

/** What the rules planned before a change: the window's last day and the planned places. */
export type PlanBefore = { to: string; planned: string };

/**
 * Locks the future slots of the scope (in id order) and notes what the rules plan for them
 * now, before the change is written. From here on, bookings, moves and cancellations of
 * those slots wait until the change commits or rolls back, so the effect computed later is
 * exactly what is written. Call inside a transaction holding `lockSlotPlanning`.
 */
export async function lockFutureSlots(
  tx: Db,
  authority: { id: string; land: string; timeZone: string },
  scope: SlotScope,
  window: { from: string; to: string },
  now: Date,
): Promise<PlanBefore> {
  const zone = authority.timeZone;
  await sql`
    SELECT count(*) FROM (SELECT 1 FROM slot s
      WHERE s.authority_id = ${authority.id} AND ${inScope('s', scope)} AND s.starts_at > ${now}
      ORDER BY s.id FOR UPDATE) AS x`.execute(tx);
  // The change plans as far as slots exist (the window the hourly job has filled, whatever
  // the scope): extending the window is the job's work, and a preview that counted it would
  // credit the change with places it does not make. Without any slot yet: today's window.
  const horizon = await sql<{ last: string | null }>`
    SELECT to_char(max(s.starts_at AT TIME ZONE ${zone})::date, 'YYYY-MM-DD') AS last
    FROM slot s WHERE s.authority_id = ${authority.id} AND s.starts_at > ${now}`.execute(tx);
  const to = horizon.rows[0]?.last ?? window.to;
  const planned = await sql<{ planned: string }>`
    SELECT coalesce(json_agg(json_build_object('office_id', p.office_id,
             'concern_id', p.concern_id, 'starts_at', p.starts_at, 'capacity', p.capacity)),
           '[]')::text AS planned
    FROM (${plannedSlots(authority, window.from, to, scope)}) AS p
    WHERE p.starts_at > ${now}`.execute(tx);
  return { to, planned: planned.rows[0]?.planned ?? '[]' };
}

/**
 * Brings the future slots of the scope in line with the rules as they now stand in this
 * transaction, never touching a booked place:
 *
 * - a planned time without a slot gets one;
 * - a slot whose planned desks changed gets them as capacity, but never less than it has
 *   booked (its release instant follows the policy; its end too while nobody is booked);
 * - a slot no longer planned (rule removed or shortened, a closure) loses its free places:
 *   capacity = booked. When no booking ever referred to it (cancelled ones included, which
 *   keep their slot for the record), it is deleted instead, so that a changed slot length or
 *   a moved rule leaves no empty rows behind;
 * - every slot notes what the rules give it (`rule_capacity`), so that a place freed later in
 *   a slot held above its rules is not offered again (see `freedCapacity`).
 *
 * The effect is reported per ISO week against the plan before the change (`before`, from
 * `lockFutureSlots`): places added, free places removed, and the booked places in slots the
 * change gives fewer places, which stay booked.
 *
 * Concurrency: `lockFutureSlots` has locked the slots of the scope, so bookings, moves and
 * cancellations of those slots wait until the change commits or rolls back, and the effect
 * computed here is exactly what is written. A booking that waited then re-checks
 * `booked < capacity` against the new row; every write keeps `greatest(booked, …)`, and the
 * table's CHECK (booked <= capacity) is the last line of defence.
 */
export async function reconcileFutureSlots(
  tx: Db,
  authority: { id: string; land: string; timeZone: string },
  scope: SlotScope,
  window: { from: string },
  before: PlanBefore,
  now: Date,
): Promise<ReconcileResult> {
  const zone = authority.timeZone;
  const to = before.to;
  const result = await sql<ReconcileResult>`
    WITH w AS (
      SELECT * FROM (${plannedSlots(authority, window.from, to, scope)}) AS planned
      WHERE planned.starts_at > ${now}
    ), was AS (
      SELECT * FROM jsonb_to_recordset(${before.planned}::jsonb)
        AS o(office_id text, concern_id text, starts_at timestamptz, capacity int)
    ), cur AS (
      SELECT s.id, s.office_id, s.concern_id, s.starts_at, s.capacity, s.booked,
             EXISTS (SELECT 1 FROM booking b
                     WHERE b.authority_id = s.authority_id AND b.slot_id = s.id) AS referenced
      FROM slot s
      WHERE s.authority_id = ${authority.id} AND ${inScope('s', scope)} AND s.starts_at > ${now}
    ), matched AS (
      SELECT c.id, coalesce(c.office_id, w.office_id) AS office_id,
             coalesce(c.concern_id, w.concern_id) AS concern_id,
             coalesce(c.starts_at, w.starts_at) AS starts_at,
             w.ends_at, w.released_at, w.capacity AS planned,
             coalesce(c.capacity, 0) AS before, coalesce(c.booked, 0) AS booked,
             coalesce(c.referenced, false) AS referenced,
             CASE WHEN w.starts_at IS NULL THEN c.booked
                  ELSE greatest(coalesce(c.booked, 0), w.capacity) END AS after
      FROM cur c
      FULL JOIN w ON w.office_id = c.office_id AND w.concern_id = c.concern_id
        AND w.starts_at = c.starts_at
    ), diff AS (
      SELECT m.*, o.capacity AS was_planned
      FROM matched m
      LEFT JOIN was o ON o.office_id = m.office_id AND o.concern_id = m.concern_id
        AND o.starts_at = m.starts_at
    ), updated AS (
      UPDATE slot s
      SET capacity = greatest(s.booked, d.after),
          rule_capacity = coalesce(d.planned, 0),
          released_at = coalesce(d.released_at, s.released_at),
          ends_at = CASE WHEN s.booked = 0 AND d.ends_at IS NOT NULL THEN d.ends_at
                         ELSE s.ends_at END
      FROM diff d
      WHERE s.authority_id = ${authority.id} AND s.id = d.id
        AND (d.planned IS NOT NULL OR d.referenced OR s.booked > 0)
        AND (s.capacity <> greatest(s.booked, d.after)
             OR s.rule_capacity IS DISTINCT FROM coalesce(d.planned, 0)
             OR s.released_at <> coalesce(d.released_at, s.released_at)
             OR (s.booked = 0 AND d.ends_at IS NOT NULL AND s.ends_at <> d.ends_at))
      RETURNING s.id
    ), removed AS (
      DELETE FROM slot s USING diff d
      WHERE s.authority_id = ${authority.id} AND s.id = d.id AND d.planned IS NULL
        AND NOT d.referenced AND s.booked = 0
      RETURNING s.id
    ), added AS (
      INSERT INTO slot (authority_id, office_id, concern_id, starts_at, ends_at, released_at,
                        capacity, rule_capacity)
      SELECT ${authority.id}, d.office_id, d.concern_id, d.starts_at, d.ends_at, d.released_at,
             d.planned, d.planned
      FROM diff d WHERE d.id IS NULL
      ON CONFLICT (authority_id, office_id, concern_id, starts_at) DO NOTHING
      RETURNING id
    ), week_rows AS (
      SELECT to_char(l.local, 'IYYY-"W"IW') AS week,
             to_char(min(l.local)::date, 'YYYY-MM-DD') AS "firstDay",
             sum(greatest(d.after - d.before, 0))::int AS "addedPlaces",
             sum(greatest(d.before - d.after, 0))::int AS "removedFreePlaces",
             sum(CASE WHEN l.reduced THEN d.booked ELSE 0 END)::int AS "bookedUnaffected",
             sum(CASE WHEN l.reduced THEN greatest(d.booked - coalesce(d.planned, 0), 0) ELSE 0 END)::int
               AS "bookedBeyondRules"
      FROM diff d
      CROSS JOIN LATERAL (
        SELECT d.starts_at AT TIME ZONE ${zone} AS local,
               coalesce(d.planned, 0) < coalesce(d.was_planned, 0) AS reduced) AS l
      WHERE d.after <> d.before OR l.reduced
      GROUP BY 1
    )
    SELECT (SELECT coalesce(json_agg(e ORDER BY e.week), '[]') FROM week_rows e) AS weeks,
           (SELECT count(*) FROM added)::int AS "addedSlots",
           (SELECT count(*) FROM removed)::int AS "removedSlots",
           (SELECT count(*) FROM updated)::int AS "changedSlots"`.execute(tx);
  const row = result.rows[0];
  return row ?? { weeks: [], addedSlots: 0, removedSlots: 0, changedSlots: 0 };
}

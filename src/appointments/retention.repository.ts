import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';

// Retention of bookings (issue 7, security review M9). A booking holds a person's name, date
// of birth and contact details; once its appointment has passed (or it was cancelled) and the
// retention period is over, the row is deleted, so neither staff nor the look-up by code and
// date of birth can find it any more. The slot keeps its count of booked places: how busy a
// day was stays known without anyone in it.

/**
 * Deletes the bookings whose appointment ended, or which were cancelled, `days` or more days
 * before `now`, in batches (a first run on a long-kept table must not hit the statement timeout),
 * skipping rows another instance is deleting at the same moment. Returns the number deleted
 * per authority.
 */
export async function purgeExpiredBookings(
  db: Db,
  now: Date,
  days: number,
  batchSize = 2000,
): Promise<Map<string, number>> {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const deleted = new Map<string, number>();
  for (;;) {
    const result = await sql<{ authorityId: string; n: number }>`
      WITH expired AS (
        SELECT b.authority_id, b.id FROM booking b
        JOIN slot s ON s.authority_id = b.authority_id AND s.id = b.slot_id
        WHERE s.ends_at <= ${cutoff} OR (b.status = 'cancelled' AND b.cancelled_at <= ${cutoff})
        LIMIT ${batchSize}
        FOR UPDATE OF b SKIP LOCKED
      ), gone AS (
        DELETE FROM booking b USING expired e
        WHERE b.authority_id = e.authority_id AND b.id = e.id
        RETURNING b.authority_id
      )
      SELECT authority_id AS "authorityId", count(*)::int AS n FROM gone GROUP BY 1`.execute(db);
    let batch = 0;
    for (const row of result.rows) {
      deleted.set(row.authorityId, (deleted.get(row.authorityId) ?? 0) + row.n);
      batch += row.n;
    }
    if (batch < batchSize) return deleted;
  }
}

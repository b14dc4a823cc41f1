import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

// SQL of the journey sessions (table journey_session, migration 0004).

export async function findSessionData(
  db: Db,
  authorityId: string,
  id: string,
  now: Date,
): Promise<unknown> {
  const result = await sql<{ data: unknown }>`
    SELECT data FROM journey_session
    WHERE authority_id = ${authorityId} AND id = ${id} AND expires_at > ${now}`.execute(db);
  return result.rows[0]?.data;
}

export async function saveSessionData(
  db: Db,
  authorityId: string,
  id: string,
  data: Record<string, unknown>,
  expiresAt: Date,
) {
  await sql`
    INSERT INTO journey_session (authority_id, id, data, expires_at)
    VALUES (${authorityId}, ${id}, ${JSON.stringify(data)}::jsonb, ${expiresAt})
    ON CONFLICT (authority_id, id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`.execute(
    db,
  );
}

export async function deleteSessionData(db: Db, authorityId: string, id: string) {
  await sql`DELETE FROM journey_session WHERE authority_id = ${authorityId} AND id = ${id}`.execute(
    db,
  );
}

export async function purgeJourneySessions(db: Db, now: Date): Promise<number> {
  const result = await sql`DELETE FROM journey_session WHERE expires_at <= ${now}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

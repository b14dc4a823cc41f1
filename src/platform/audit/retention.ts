import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';

// The one way entries leave the audit trail: audit_event_purge (migration 0007), which runs
// with the owner's rights, since the app's role may not delete entries. It removes only a
// prefix of the chain, never the newest entry, and refuses anything younger than a year, so
// `audit verify` still finds one unbroken chain starting at the oldest entry left.

/** Removes the audit entries written before `before`; returns how many went. */
export async function purgeAuditEntries(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await sql<{ removed: string }>`
    SELECT audit_event_purge(${before}::timestamptz) AS removed`.execute(db);
  return Number(result.rows[0]?.removed ?? 0);
}

import { sql, type Kysely } from 'kysely';

// Several instances starting together must not run the same one-off work at once (e.g.
// "database empty → seed"). A session-level advisory lock on one dedicated connection
// serialises them across processes and hosts; the work runs on that same connection.

/** Lock keys, one per kind of exclusive work; any fixed 64-bit numbers will do. */
export const LOCK_KEYS = {
  /** Migrations and the demo seed of an empty database, as one step. */
  prepareDatabase: 0x5743_0001n,
} as const;

/**
 * Runs `fn` with the advisory lock `key` held, on one connection that `fn` receives.
 * Waits for another holder to finish. Statement timeouts are lifted for the duration:
 * migrations may legitimately run long, and the lock wait itself is a statement.
 */
export async function withAdvisoryLock<DB, T>(
  db: Kysely<DB>,
  key: bigint,
  fn: (connection: Kysely<DB>) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (connection) => {
    await sql`SET statement_timeout = 0`.execute(connection);
    await sql`SELECT pg_advisory_lock(${key.toString()}::bigint)`.execute(connection);
    try {
      return await fn(connection);
    } finally {
      // Back to the pool clean: unlocked and with the connection's own timeout.
      await sql`SELECT pg_advisory_unlock(${key.toString()}::bigint)`.execute(connection);
      await sql`RESET statement_timeout`.execute(connection);
    }
  });
}

import { countAuthorities } from './authorities/repository.ts';
import type { DemoStaffAccount } from './staff/index.ts';
import type { Db } from './platform/db/database.ts';
import { LOCK_KEYS, withAdvisoryLock } from './platform/db/advisory-lock.ts';
import { migrateToLatest } from './platform/db/migrate.ts';

export type Prepared = {
  applied: string[];
  /** Set when this call found the database empty and loaded the demo authority. */
  seeded: { demoStaff: DemoStaffAccount[] } | undefined;
};

/**
 * Migrate, then load the demo data into an empty database, as one step under an advisory
 * lock: instances started together would otherwise all see "empty" and seed at once.
 */
export async function prepareDatabase(
  db: Db,
  /** Unset (production): an empty database stays empty until `welcome-center seed`. */
  seed: ((db: Db) => Promise<NonNullable<Prepared['seeded']>>) | undefined,
): Promise<Prepared> {
  return withAdvisoryLock(db, LOCK_KEYS.prepareDatabase, async (connection) => {
    const applied = await migrateToLatest(connection);
    const seeded =
      seed && (await countAuthorities(connection)) === 0 ? await seed(connection) : undefined;
    return { applied, seeded };
  });
}

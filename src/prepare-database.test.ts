import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/support/database.ts';
import { seedDemo } from './demo/seed.ts';
import { deriveStaffKeys } from './staff/index.ts';
import { createDb, type Db } from './platform/db/database.ts';
import { prepareDatabase } from './prepare-database.ts';

let test: TestDatabase;
let other: Db;
beforeAll(async () => {
  test = await createTestDatabase({ empty: true });
  other = createDb(test.url); // a second instance: its own pool, its own connections
});
afterAll(async () => {
  await other.destroy();
  await test.drop();
});

describe('start-up preparation', () => {
  it('run by two instances at once on an empty database migrates once and seeds once', async () => {
    // A slow seed widens the window between "empty?" and the first insert, where it raced.
    const slowSeed = async (db: Db) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return seedDemo(db, { keys: deriveStaffKeys('test-secret-for-prepare-database-test') });
    };
    const [first, second] = await Promise.all([
      prepareDatabase(test.db, slowSeed),
      prepareDatabase(other, slowSeed),
    ]);
    const seeded = [first, second].filter((prepared) => prepared.seeded !== undefined);
    expect(seeded).toHaveLength(1);
    const applied = [...first.applied, ...second.applied];
    expect(new Set(applied).size).toBe(applied.length); // no migration applied twice
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM authority`.execute(test.db);
    expect(rows[0]?.n).toBe('1');
    // A later start finds everything in place.
    expect(await prepareDatabase(other, slowSeed)).toEqual({ applied: [], seeded: undefined });
  });
});

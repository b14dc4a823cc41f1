import crypto from 'node:crypto';
import { inject } from 'vitest';
import { createDb, type Db } from '../../src/platform/db/database.ts';
import { databaseUrl, TEMPLATE_DATABASE, withAdminClient } from './database-admin.ts';

export type TestDatabase = { db: Db; url: string; drop: () => Promise<void> };

/** A fresh database with the schema and demo data, for one test file. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const admin = inject('adminDatabaseUrl');
  const name = `wc_test_${crypto.randomBytes(6).toString('hex')}`;
  await withAdminClient(admin, (client) =>
    client.query(
      options.empty
        ? `CREATE DATABASE ${name}`
        : `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`,
    ),
  );
  const url = databaseUrl(admin, name);
  const db = createDb(url);
  return {
    db,
    url,
    drop: async () => {
      await db.destroy();
      await withAdminClient(admin, (client) => client.query(`DROP DATABASE ${name} WITH (FORCE)`));
    },
  };
}

import crypto from 'node:crypto';
import { inject } from 'vitest';
import { createDb, type Db } from '../../src/platform/db/database.ts';
import { applyRuntimeGrants, kyselyRunner } from '../../src/platform/db/grants.ts';
import { databaseUrl, TEMPLATE_DATABASE, withAdminClient } from './database-admin.ts';

export type TestDatabase = {
  /**
   * The app's runtime login role (least privilege: data only, the audit trail append-only),
   * as the app itself connects. For an `empty` database, the owner: there is nothing to use
   * yet, and the tests that ask for one migrate it.
   */
  db: Db;
  url: string;
  /** The owner (the admin of the test server): schema changes, tampering with the audit trail. */
  ownerDb: Db;
  ownerUrl: string;
  drop: () => Promise<void>;
};

/** A fresh database with the schema and demo data, for one test file. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const admin = inject('adminDatabaseUrl');
  const app = inject('appDatabaseUrl');
  const name = `wc_test_${crypto.randomBytes(6).toString('hex')}`;
  await withAdminClient(admin, (client) =>
    client.query(
      options.empty
        ? `CREATE DATABASE ${name}`
        : `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`,
    ),
  );
  const ownerUrl = databaseUrl(admin, name);
  const ownerDb = createDb(ownerUrl);
  // As at every start of the app: a clone starts with PostgreSQL's default rights on the
  // database itself (TEMPORARY for everyone), which the grants take away again.
  if (!options.empty) {
    await ownerDb.connection().execute((c) => applyRuntimeGrants(kyselyRunner(c)));
  }
  const url = options.empty ? ownerUrl : databaseUrl(app, name);
  const db = options.empty ? ownerDb : createDb(url);
  return {
    db,
    url,
    ownerDb,
    ownerUrl,
    drop: async () => {
      await Promise.all([db.destroy(), ...(db === ownerDb ? [] : [ownerDb.destroy()])]);
      await withAdminClient(admin, (client) => client.query(`DROP DATABASE ${name} WITH (FORCE)`));
    },
  };
}

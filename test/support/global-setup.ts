import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { seedDemo } from '../../src/demo/seed.ts';
import { deriveStaffKeys } from '../../src/staff/index.ts';
import { createDb } from '../../src/platform/db/database.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/platform/db/embedded.ts';
import { ensureLoginRole } from '../../src/platform/db/grants.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import {
  TEMPLATE_DATABASE,
  TEST_SESSION_SECRET,
  TEST_STAFF_PASSWORD,
  withAdminClient,
  databaseUrl,
} from './database-admin.ts';

// One PostgreSQL server for the whole run: the embedded one, or TEST_DATABASE_URL (CI runs
// the suite a second time against Debian's server). Each test file clones a template
// database that holds the migrated schema and the demo data. Tests and test apps connect as
// the app's runtime login role (decision 12), so the whole suite runs with least privilege;
// the admin (owner) connection creates databases and migrates.

let server: EmbeddedServer | undefined;
let dir: string | undefined;

export async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let appUrl: string;
  if (adminUrl) {
    // The runtime login role on the given server, as an operator would create it.
    const user = 'welcome_center_test_app';
    const password = crypto.randomBytes(18).toString('base64url');
    await withAdminClient(adminUrl, (client) =>
      ensureLoginRole((text, values) => client.query(text, values), user, password),
    );
    const url = new URL(adminUrl);
    url.username = user;
    url.password = password;
    appUrl = url.toString();
  } else {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-test-'));
    fs.chmodSync(dir, 0o755); // the postgres system user must reach its cluster inside
    server = await startEmbeddedPostgres({ dir });
    adminUrl = server.connectionString('postgres');
    appUrl = server.appConnectionString('postgres');
  }
  await withAdminClient(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  });
  const db = createDb(databaseUrl(adminUrl, TEMPLATE_DATABASE));
  try {
    await migrateToLatest(db);
    await seedDemo(db, {
      keys: deriveStaffKeys(TEST_SESSION_SECRET),
      staffPassword: TEST_STAFF_PASSWORD,
    });
  } finally {
    await db.destroy();
  }
  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('appDatabaseUrl', appUrl);
}

export async function teardown() {
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    /** The runtime login role's connection to the `postgres` database. */
    appDatabaseUrl: string;
  }
}

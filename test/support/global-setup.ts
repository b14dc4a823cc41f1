import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { seedDemo } from '../../src/demo/seed.ts';
import { createDb } from '../../src/platform/db/database.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/platform/db/embedded.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import {
  TEMPLATE_DATABASE,
  TEST_STAFF_PASSWORD,
  withAdminClient,
  databaseUrl,
} from './database-admin.ts';

// One PostgreSQL server for the whole run: the embedded one, or TEST_DATABASE_URL (CI runs
// the suite a second time against Debian's server). Each test file clones a template
// database that holds the migrated schema and the demo data.

let server: EmbeddedServer | undefined;
let dir: string | undefined;

export async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-test-'));
    fs.chmodSync(dir, 0o755); // the postgres system user must reach its cluster inside
    server = await startEmbeddedPostgres({ dir });
    adminUrl = server.connectionString('postgres');
  }
  await withAdminClient(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  });
  const db = createDb(databaseUrl(adminUrl, TEMPLATE_DATABASE));
  try {
    await migrateToLatest(db);
    await seedDemo(db, { staffPassword: TEST_STAFF_PASSWORD });
  } finally {
    await db.destroy();
  }
  project.provide('adminDatabaseUrl', adminUrl);
}

export async function teardown() {
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

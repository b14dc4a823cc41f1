import crypto from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../../test/support/app.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { checkRuntimeRole } from './connect.ts';
import { createDb, type Db } from './database.ts';
import { applyRuntimeGrants, ensureRuntimeRole, kyselyRunner, RUNTIME_ROLE } from './grants.ts';
import { migrateToLatest } from './migrate.ts';

// The app's database role (decision 12): the grants after every migration are idempotent and
// safe to run at once, and production refuses a runtime role with more rights than it needs.

const production = { ...testConfig(), env: 'production' as const };

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(() => test.drop());

/** A login role of its own in the test database, given extra rights by `setUp` (as owner). */
async function withRole(
  setUp: (role: string) => RawBuilder<unknown>,
  fn: (db: Db) => Promise<void>,
) {
  const role = `wc_test_${crypto.randomBytes(5).toString('hex')}`;
  const password = crypto.randomBytes(12).toString('hex');
  const id = pg.escapeIdentifier(role);
  await sql
    .raw(`CREATE ROLE ${id} LOGIN PASSWORD '${password}' IN ROLE ${RUNTIME_ROLE}`)
    .execute(test.ownerDb);
  const url = new URL(test.ownerUrl);
  url.username = role;
  url.password = password;
  const db = createDb(url.toString(), 1);
  try {
    await setUp(id).execute(test.ownerDb);
    await fn(db);
  } finally {
    await db.destroy();
    await sql.raw(`REASSIGN OWNED BY ${id} TO CURRENT_USER`).execute(test.ownerDb);
    await sql.raw(`DROP OWNED BY ${id}`).execute(test.ownerDb);
    await sql.raw(`DROP ROLE ${id}`).execute(test.ownerDb);
  }
}

const refusal = (db: Db) => checkRuntimeRole(production, db, () => undefined);

describe('the runtime role check at start', () => {
  it('lets the runtime login role start in production', async () => {
    await expect(refusal(test.db)).resolves.toBeUndefined();
  });

  it('refuses a superuser in production, naming the problem and the way out', async () => {
    const refused = refusal(test.ownerDb);
    await expect(refused).rejects.toThrow(ConfigError);
    await expect(refused).rejects.toThrow(/Refusing to start in production/);
    await expect(refused).rejects.toThrow(/is a superuser/);
    await expect(refused).rejects.toThrow(/DATABASE_OWNER_URL/);
  });

  it('only warns outside production', async () => {
    const warnings: string[] = [];
    await checkRuntimeRole(testConfig(), test.ownerDb, (line) => warnings.push(line));
    expect(warnings.join('\n')).toMatch(/superuser/);
  });

  it('refuses a role that may update or delete audit entries', () =>
    withRole(
      (role) => sql.raw(`GRANT UPDATE, DELETE ON audit_event TO ${role}`),
      async (db) => {
        await expect(refusal(db)).rejects.toThrow(/may UPDATE, DELETE audit_event/);
      },
    ));

  it('refuses a role that owns tables', () =>
    withRole(
      (role) => sql.raw(`ALTER TABLE organisation OWNER TO ${role}`),
      async (db) => {
        await expect(refusal(db)).rejects.toThrow(/owns tables/);
      },
    ));

  it('refuses a role that may create temporary tables, which could shadow the audit trail', () =>
    withRole(
      (role) =>
        sql.raw(`DO $$ BEGIN
          EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO ${role}', current_database());
        END $$`),
      async (db) => {
        await expect(refusal(db)).rejects.toThrow(/has TEMP on the database/);
        await expect(refusal(db)).rejects.toThrow(/REVOKE TEMPORARY ON DATABASE/);
      },
    ));
});

describe('the configuration of the two connections', () => {
  it('takes the owner from DATABASE_OWNER_URL, only beside DATABASE_URL', () => {
    const both = loadConfig({
      DATABASE_URL: 'postgresql://app@db/wc',
      DATABASE_OWNER_URL: 'postgresql://owner@db/wc',
    });
    expect(both).toMatchObject({
      databaseUrl: 'postgresql://app@db/wc',
      databaseOwnerUrl: 'postgresql://owner@db/wc',
    });
    expect(loadConfig({ DATABASE_URL: 'postgresql://app@db/wc' }).databaseOwnerUrl).toBeUndefined();
    expect(() => loadConfig({ DATABASE_OWNER_URL: 'postgresql://owner@db/wc' })).toThrow(
      /DATABASE_OWNER_URL: needs DATABASE_URL/,
    );
  });
});

describe('the grants after every migration', () => {
  it('are idempotent and may run at once from several connections', async () => {
    const owners = Array.from({ length: 4 }, () => createDb(test.ownerUrl, 1));
    try {
      const results = await Promise.all(
        owners.map((owner) =>
          owner.connection().execute(async (connection) => {
            const run = kyselyRunner(connection);
            return (await ensureRuntimeRole(run)) && (await applyRuntimeGrants(run));
          }),
        ),
      );
      expect(results).toEqual([true, true, true, true]);
      expect(await migrateToLatest(test.ownerDb)).toEqual([]);
    } finally {
      await Promise.all(owners.map((owner) => owner.destroy()));
    }
    await expect(refusal(test.db)).resolves.toBeUndefined();
  });

  it('grant nothing when run as the runtime role itself', async () => {
    await expect(
      test.db.connection().execute((connection) => applyRuntimeGrants(kyselyRunner(connection))),
    ).resolves.toBe(false);
  });
});

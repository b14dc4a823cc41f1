import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { migrateToLatest } from './migrate.ts';

describe('migrations', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase({ empty: true });
  });
  afterAll(() => test.drop());

  it('apply to an empty database, then find nothing more to do', async () => {
    const applied = await migrateToLatest(test.db);
    expect(applied.slice(0, 2)).toEqual(['0001_foundation', '0002_appointments']);
    expect(await migrateToLatest(test.db)).toEqual([]);
  });

  it('give every authority-owned table authority_id as the first key column', async () => {
    const { rows } = await sql<{ table_name: string; first: string }>`
      SELECT c.relname AS table_name, a.attname AS first
      FROM pg_index i
      JOIN pg_class c ON c.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
      -- audit_event: one chain for the installation, outliving any authority (decision 12).
      WHERE i.indisprimary
        AND c.relname NOT IN ('authority', 'authority_host', 'public_holiday', 'audit_event')
        AND c.relname NOT LIKE 'schema_migration%'`.execute(test.db);
    expect(rows.length).toBeGreaterThanOrEqual(15);
    for (const row of rows) expect(row, row.table_name).toMatchObject({ first: 'authority_id' });
  });
});

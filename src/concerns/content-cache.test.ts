import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/support/app.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { contentVersion } from '../platform/db/content-version.ts';
import { createDb, type Db } from '../platform/db/database.ts';
import { saveConcern } from './service.ts';

// Public pages keep the loaded content in memory per content version (migration 0003). These
// tests warm that memory first, so that they show a change arriving, not a first load.

const AUTHORITY = 'musterstadt';
let test: TestDatabase;
let secondDb: Db;
let first: FastifyInstance;
let second: FastifyInstance;

beforeAll(async () => {
  test = await createTestDatabase();
  // Two instances behind a load balancer: each with its own pool and its own memory.
  secondDb = createDb(test.url);
  first = await createTestApp(test.db);
  second = await createTestApp(secondDb);
});
afterAll(async () => {
  await first.close();
  await second.close();
  await secondDb.destroy();
  await test.drop();
});

const page = async (app: FastifyInstance, url: string) => {
  const res = await app.inject({ method: 'GET', url });
  expect(res.statusCode, url).toBe(200);
  return res.body;
};

const saveTitle = (db: Db, title: string) =>
  saveConcern(
    db,
    AUTHORITY,
    { id: 'naturalisation', leikaKey: null, legalBasis: '§§ 8, 10, 38 StAG', sortOrder: 0 },
    [{ id: 'naturalisation', lang: 'de', field: 'title', text: title, status: 'reviewed' }],
  );

describe('public pages after a content change', () => {
  it('show a concern text saved through the concerns service on the next request', async () => {
    expect(await page(first, '/de/concerns')).toContain('Einbürgerung');
    expect(await page(first, '/de/concerns/naturalisation')).toContain('Einbürgerung');

    await saveTitle(test.db, 'Einbürgerung (neu)');

    expect(await page(first, '/de/concerns')).toContain('Einbürgerung (neu)');
    expect(await page(first, '/de/concerns/naturalisation')).toContain('Einbürgerung (neu)');
    expect(await page(first, '/de/')).toContain('Einbürgerung (neu)');
  });

  it('show the change on a second app instance on the same database, both ways', async () => {
    await page(first, '/de/concerns/naturalisation');
    await page(second, '/de/concerns/naturalisation');

    await saveTitle(test.db, 'Einbürgerung beantragen');
    expect(await page(first, '/de/concerns/naturalisation')).toContain('Einbürgerung beantragen');
    expect(await page(second, '/de/concerns/naturalisation')).toContain('Einbürgerung beantragen');
    expect(await page(second, '/de/concerns')).toContain('Einbürgerung beantragen');

    await saveTitle(secondDb, 'Deutsche Staatsangehörigkeit');
    expect(await page(first, '/de/concerns')).toContain('Deutsche Staatsangehörigkeit');
    expect(await page(second, '/de/concerns')).toContain('Deutsche Staatsangehörigkeit');
  });

  it('show office changes made outside the app, by plain SQL, on concern and office pages', async () => {
    const concernPage = '/de/concerns/naturalisation';
    expect(await page(first, concernPage)).toContain('href="/de/offices/central"');
    expect(await page(second, '/de/offices/central')).toContain('Welcome Center im Rathaus');

    await sql`UPDATE office_text SET text = 'Welcome Center am Markt'
              WHERE authority_id = ${AUTHORITY} AND office_id = 'central'
                AND lang = 'de' AND field = 'name'`.execute(test.db);
    expect(await page(first, concernPage)).toContain('Welcome Center am Markt');
    expect(await page(second, '/de/offices/central')).toContain('Welcome Center am Markt');

    await sql`DELETE FROM office_concern
              WHERE authority_id = ${AUTHORITY} AND concern_id = 'naturalisation'`.execute(test.db);
    expect(await page(first, concernPage)).not.toContain('href="/de/offices/central"');
    expect(await page(second, '/de/offices/central')).not.toContain(
      'href="/de/concerns/naturalisation"',
    );
  });
});

describe('content version', () => {
  const tables = [
    'concern',
    'concern_text',
    'office',
    'office_text',
    'office_opening_hours',
    'office_concern',
  ];

  it('changes with every write to the content tables, only for that authority', async () => {
    await sql`INSERT INTO authority (id, name, land, contact_email, accessibility_email,
                accessibility_statement_date, conciliation_url)
              VALUES ('anderstadt', 'Anderstadt', 'NW', 'a@example.org', 'a@example.org',
                '2026-01-01', 'https://example.org')`.execute(test.db);
    await sql`INSERT INTO concern (authority_id, id, legal_basis, sort_order)
              VALUES ('anderstadt', 'visa', '§ 6 AufenthG', 0)`.execute(test.db);
    const other = await contentVersion(test.db, 'anderstadt');
    expect(other).toBeGreaterThan(0n);

    for (const table of tables) {
      const before = await contentVersion(test.db, AUTHORITY);
      await sql`UPDATE ${sql.table(table)} SET authority_id = authority_id
                WHERE authority_id = ${AUTHORITY}`.execute(test.db);
      expect(await contentVersion(test.db, AUTHORITY), table).toBeGreaterThan(before);
    }
    expect(await contentVersion(test.db, 'anderstadt')).toBe(other);
  });

  it('stays the same while pages are only read', async () => {
    const before = await contentVersion(test.db, AUTHORITY);
    await page(first, '/de/concerns');
    await page(second, '/ar/offices');
    expect(await contentVersion(test.db, AUTHORITY)).toBe(before);
  });

  it('never repeats for an authority deleted and created again', async () => {
    const before = await contentVersion(test.db, 'anderstadt');
    await sql`DELETE FROM authority WHERE id = 'anderstadt'`.execute(test.db);
    await sql`INSERT INTO authority (id, name, land, contact_email, accessibility_email,
                accessibility_statement_date, conciliation_url)
              VALUES ('anderstadt', 'Anderstadt', 'NW', 'a@example.org', 'a@example.org',
                '2026-01-01', 'https://example.org')`.execute(test.db);
    await sql`INSERT INTO concern (authority_id, id, legal_basis, sort_order)
              VALUES ('anderstadt', 'visa', '§ 6 AufenthG', 0)`.execute(test.db);
    expect(await contentVersion(test.db, 'anderstadt')).toBeGreaterThan(before);
  });
});

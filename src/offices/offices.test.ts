import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/support/app.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';

let test: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  test = await createTestDatabase();
  app = await createTestApp(test.db);
});
afterAll(async () => {
  await app.close();
  await test.drop();
});

describe('office pages', () => {
  it('list the three offices of Musterstadt', async () => {
    const res = await app.inject('/en/offices');
    expect(res.body.match(/<li class="card">/g)?.length).toBe(3);
  });

  it('show address, opening hours, building accessibility and languages spoken', async () => {
    const body = (await app.inject('/en/offices/south')).body;
    expect(body).toContain('Lindenallee 7');
    expect(body).toMatch(/<th scope="row">Tuesday<\/th><td>08:00 to 12:30, 14:00 to 18:00<\/td>/);
    expect(body).toMatch(/<th scope="row">Monday<\/th><td>closed<\/td>/);
    expect(body).toContain('The building has steps');
    expect(body).toMatch(/speak German, English, Arabic, Persian,? and Ukrainian/);
  });

  it('use the reader locale for weekdays', async () => {
    const body = (await app.inject('/de/offices/central')).body;
    expect(body).toMatch(
      /<th scope="row">Dienstag<\/th><td>08:00 bis 13:00 Uhr, 14:00 bis 18:00 Uhr<\/td>/,
    );
  });

  it('describe the office as a schema.org GovernmentOffice', async () => {
    const body = (await app.inject('/de/offices/central')).body;
    const json = body.match(/<script type="application\/ld\+json">([^<]*)<\/script>/)?.[1];
    const data = JSON.parse(json ?? '{}') as Record<string, unknown>;
    expect(data['@type']).toBe('GovernmentOffice');
    expect(data.address).toMatchObject({ postalCode: '30159', streetAddress: 'Am Marktplatz 1' });
    expect(data.openingHoursSpecification).toContainEqual({
      '@type': 'OpeningHoursSpecification',
      dayOfWeek: 'https://schema.org/Tuesday',
      opens: '14:00',
      closes: '18:00',
    });
  });

  it('answer an unknown office with 404', async () => {
    expect((await app.inject('/de/offices/nowhere')).statusCode).toBe(404);
  });
});

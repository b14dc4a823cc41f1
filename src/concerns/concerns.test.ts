import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/support/app.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { concernTranslationReport, saveConcern } from './service.ts';

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

const get = (url: string) => app.inject({ method: 'GET', url });

function structuredData(html: string): Record<string, unknown> {
  const match = html.match(/<script type="application\/ld\+json">([^<]*)<\/script>/);
  if (!match?.[1]) throw new Error('no JSON-LD on the page');
  return JSON.parse(match[1]) as Record<string, unknown>;
}

describe('concern catalogue', () => {
  it('lists all twelve concerns in German', async () => {
    const res = await get('/de/concerns');
    expect(res.statusCode).toBe(200);
    expect(res.body.match(/<li class="card">/g)?.length).toBe(12);
  });

  it('shows a concern with documents, fees, duration, legal basis and offices', async () => {
    const res = await get('/de/concerns/naturalisation');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('255');
    expect(res.body).toContain('§§ 8, 10, 38 StAG');
    expect(res.body).toMatch(/<ul class="checklist">(<li>[^<]+<\/li>){2,}/);
    expect(res.body).toContain('href="/de/offices/central"');
    expect(res.body).not.toContain('href="/de/offices/north"');
  });

  it('describes the concern as a schema.org GovernmentService', async () => {
    const data = structuredData((await get('/en/concerns/address-registration')).body);
    expect(data['@type']).toBe('GovernmentService');
    expect(data.name).toBe('Registering your address');
    expect(data.url).toBe('http://localhost:3000/en/concerns/address-registration');
    const channels = data.availableChannel as { serviceLocation: { '@type': string } }[];
    expect(channels).toHaveLength(3);
    expect(channels[0]?.serviceLocation['@type']).toBe('GovernmentOffice');
  });

  it('is translated into Arabic and Ukrainian without falling back', async () => {
    for (const lang of ['ar', 'uk', 'en', 'de-simple']) {
      const body = (await get(`/${lang}/concerns/protection`)).body;
      // Text shown in another language carries lang and dir (the German legal citation only lang).
      expect(body, lang).not.toMatch(/<(span|p|h1|ul) lang="[^"]*" dir=/);
    }
  });

  it('shows Farsi readers the English text, marked as English, with a notice in Farsi', async () => {
    const body = (await get('/fa/concerns/naturalisation')).body;
    expect(body).toMatch(/<h1><span lang="en" dir="ltr">Naturalisation/);
    expect(body).toContain('English');
    expect(body).toMatch(/class="notice" role="note"><p>[^<]*[\u0600-\u06ff]/);
  });

  it('answers an unknown concern with 404', async () => {
    expect((await get('/de/concerns/no-such-thing')).statusCode).toBe(404);
    expect((await get('/de/concerns/UPPER')).statusCode).toBe(404);
  });
});

describe('search', () => {
  const ids = (html: string) =>
    [...html.matchAll(/<h3><a href="\/[a-z-]+\/concerns\/([a-z-]+)"/g)].map((m) => m[1]);

  it('finds concerns by German words, with stemming', async () => {
    expect(ids((await get('/de/search?q=Einb%C3%BCrgerung')).body)[0]).toBe('naturalisation');
    expect(ids((await get('/de/search?q=Familie')).body)).toContain('family-reunification');
  });

  it('tolerates typos', async () => {
    expect(ids((await get('/de/search?q=Einb%C3%BCrgrung')).body)).toContain('naturalisation');
    expect(ids((await get('/en/search?q=registraton')).body)).toContain('address-registration');
  });

  it('searches in the reader language, Arabic and Ukrainian included', async () => {
    const arabic = await get(`/ar/search?q=${encodeURIComponent('التجنس')}`);
    expect(ids(arabic.body)).toContain('naturalisation');
    const ukrainian = await get(`/uk/search?q=${encodeURIComponent('громадянство')}`);
    expect(ids(ukrainian.body)).toContain('naturalisation');
  });

  it('says so when nothing is found', async () => {
    const res = await get('/en/search?q=xylophone');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('No results');
  });

  it('rejects an over-long query with a localized message and no 5xx', async () => {
    const res = await get(`/de/search?q=${'a'.repeat(101)}`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('höchstens 100 Zeichen');
    expect(res.body).toContain('class="error-summary"');
    expect(res.body).toContain('aria-invalid="true"');
  });

  it('never fails on odd input', async () => {
    for (const q of ["'; DROP TABLE concern; --", '&|!:*()', '"', '%', '<script>', ' ', 'a&q=b']) {
      const res = await get(`/de/search?q=${encodeURIComponent(q)}`);
      expect(res.statusCode, q).toBeLessThan(500);
      expect(res.body).not.toContain('<script>');
    }
    expect((await get('/de/search?q=a&q=b')).statusCode).toBe(200);
  });
});

describe('translation status', () => {
  it('marks a translation stale when the German source changes, and says so to readers', async () => {
    const before = await concernTranslationReport(test.db, 'musterstadt');
    const englishBefore = before.find((r) => r.lang === 'en');
    expect(englishBefore).toMatchObject({ stale: 0, missing: 0 });

    await saveConcern(
      test.db,
      'musterstadt',
      { id: 'formal-obligation', leikaKey: null, legalBasis: '§§ 66–68 AufenthG', sortOrder: 9 },
      [
        {
          id: 'formal-obligation',
          lang: 'de',
          field: 'fee',
          text: 'Neu: 29 Euro.',
          status: 'reviewed',
        },
      ],
    );

    const after = await concernTranslationReport(test.db, 'musterstadt');
    expect(after.find((r) => r.lang === 'en')?.stale).toBe(1);
    expect(after.find((r) => r.lang === 'ar')?.stale).toBe(1);
    expect(after.find((r) => r.lang === 'fa')?.missing).toBeGreaterThan(0);

    const body = (await get('/en/concerns/formal-obligation')).body;
    expect(body).toContain('The German text has changed');
    expect((await get('/de/concerns/formal-obligation')).body).toContain('Neu: 29 Euro.');
  });
});

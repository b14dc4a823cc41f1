import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/support/app.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createDb } from '../platform/db/database.ts';
import { upsertAuthority } from '../authorities/service.ts';

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

const get = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers });

describe('language in the URL', () => {
  it('sends / to the language the browser asks for', async () => {
    const res = await get('/', { 'accept-language': 'ar-SY,ar;q=0.9,en;q=0.8' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/ar/');
    expect(res.headers.vary).toMatch(/accept-language/i);
  });

  it('sends / to German when no language of ours is asked for', async () => {
    expect((await get('/', { 'accept-language': 'ja' })).headers.location).toBe('/de/');
  });

  it('sets lang and dir on the page', async () => {
    expect((await get('/de/')).body).toMatch(/<html lang="de" dir="ltr">/);
    expect((await get('/ar/')).body).toMatch(/<html lang="ar" dir="rtl">/);
    expect((await get('/fa/')).body).toMatch(/<html lang="fa" dir="rtl">/);
    expect((await get('/de-simple/')).body).toMatch(/<html lang="de-x-simple" dir="ltr">/);
  });

  it('links the same page in every language', async () => {
    const body = (await get('/uk/concerns/naturalisation')).body;
    for (const code of ['de', 'de-simple', 'en', 'ar', 'uk', 'ru', 'fa', 'tr']) {
      expect(body).toContain(`href="/${code}/concerns/naturalisation"`);
    }
  });

  it('answers unknown languages and malformed URLs with a 404 page, never a 5xx', async () => {
    const unknown = await get('/xx/concerns', { 'accept-language': 'en' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('Page not found');
    for (const url of [
      '/%E0%A4%A',
      '/de/%ZZ',
      '/de/concerns/' + 'a'.repeat(500),
      '/de/offices/..%2f..%2fetc',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
    }
    // A NUL byte is bad input, not a missing page (issue 6): 400, still never a 5xx.
    expect((await get('/de/concerns/%00')).statusCode).toBe(400);
    const arabic404 = await get('/ar/nothing-here');
    expect(arabic404.statusCode).toBe(404);
    expect(arabic404.body).toMatch(/<html lang="ar" dir="rtl">/);
  });
});

describe('start page', () => {
  it('explains the Welcome Center and links concerns, offices, easy-read, sign language, statement and feedback', async () => {
    const res = await get('/de/');
    expect(res.statusCode).toBe(200);
    const body = res.body;
    expect(body).toContain('Welcome Center Musterstadt');
    expect(body).toContain('href="/de/leichte-sprache"');
    expect(body).toContain('href="/de/gebaerdensprache"');
    expect(body).toContain('href="/de/accessibility"');
    expect(body).toContain('href="mailto:barrierefreiheit@musterstadt.example"');
    expect(body.match(/href="\/de\/concerns\/[a-z-]+"/g)?.length).toBe(12);
    expect(body).toContain('href="/de/offices/central"');
    expect(body).toContain('href="/de/offices/north"');
    expect(body).toContain('href="/de/offices/south"');
  });

  it('serves the Leichte Sprache and sign-language pages in German only', async () => {
    const easy = await get('/de/leichte-sprache');
    expect(easy.statusCode).toBe(200);
    expect(easy.body).toContain('class="easy-read"');
    expect((await get('/ar/leichte-sprache')).headers.location).toBe('/de/leichte-sprache');
    expect((await get('/de/gebaerdensprache')).statusCode).toBe(200);
  });

  it('has an accessibility statement with its required parts', async () => {
    const body = (await get('/en/accessibility')).body;
    expect(body).toContain('Accessibility statement');
    expect(body).toContain('partially accessible');
    expect(body).toContain('November 22, 2026');
    expect(body).toContain('mailto:barrierefreiheit@musterstadt.example');
    expect(body).toContain('https://www.behindertenbeauftragter-niedersachsen.de/');
  });
});

describe('security', () => {
  it('sends a strict content security policy without inline script', async () => {
    const res = await get('/de/');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).not.toMatch(/<script(?![^>]*application\/ld\+json)/);
    expect(res.body).not.toMatch(/ style=/);
  });

  it('shows a 500 page in the reader language that reveals nothing internal', async () => {
    const broken = createDb('postgresql://nobody:wrong@127.0.0.1:1/none');
    const brokenApp = await createTestApp(broken);
    try {
      const res = await brokenApp.inject({ url: '/ar/concerns' });
      expect(res.statusCode).toBe(500);
      expect(res.body).toMatch(/<html lang="ar" dir="rtl">/);
      expect(res.body).not.toMatch(/ECONNREFUSED|Error:|at .*\.ts|postgres/i);
      const reference = String(res.headers['x-request-id']);
      expect(reference).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body).toContain(reference);
    } finally {
      await brokenApp.close();
      await broken.destroy();
    }
  });
});

describe('authorities by host name', () => {
  it('serves the authority registered for the host and the default for others', async () => {
    await upsertAuthority(
      test.db,
      {
        id: 'beispielhausen',
        name: 'Beispielhausen',
        land: 'HH',
        contactEmail: 'info@beispielhausen.example',
        accessibilityEmail: 'a11y@beispielhausen.example',
        accessibilityStatementDate: '2026-11-01',
        conciliationUrl: 'https://example.org/',
        phone: null,
      },
      ['welcome.beispielhausen.example'],
    );
    const other = await get('/de/', { host: 'welcome.beispielhausen.example' });
    expect(other.body).toContain('Welcome Center Beispielhausen');
    expect(other.body).toContain('mailto:a11y@beispielhausen.example');
    const fallback = await get('/de/', { host: 'unknown.example' });
    expect(fallback.body).toContain('Welcome Center Musterstadt');
  });
});

describe('health', () => {
  it('reports liveness and readiness', async () => {
    expect((await get('/health')).json()).toEqual({ status: 'ok' });
    expect((await get('/ready')).json()).toEqual({ status: 'ready' });
  });
});

import zlib from 'node:zlib';
import compress from '@fastify/compress';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { createDb, type Db } from '../db/database.ts';
import { chooseEncoding, registerPageCache } from './page-cache.ts';
import type { Authority } from './request-context.ts';

// The cache on a small app wired like app.ts (authority hook, cache, then compress), with a
// page that shows a concern title straight from the database, so that a stale page shows.

const AUTHORITY = {
  id: 'musterstadt',
  name: 'Musterstadt',
  land: 'NW',
  contactEmail: 'welcome@example.org',
  accessibilityEmail: 'a11y@example.org',
  accessibilityStatementDate: '2026-01-01',
  conciliationUrl: 'https://example.org',
  phone: null,
  timeZone: 'Europe/Berlin',
} satisfies Authority;

let test: TestDatabase;
let secondDb: Db;
const renders = { count: 0 };

async function buildInstance(db: Db) {
  const app = Fastify();
  app.decorateRequest('authority', null);
  app.addHook('onRequest', async (request) => {
    request.authority = AUTHORITY;
  });
  registerPageCache(app, { db, routes: ['/:lang/page'] });
  await app.register(compress, { encodings: ['br', 'gzip'], threshold: 512 });
  const page = async (_request: FastifyRequest, reply: FastifyReply) => {
    renders.count++;
    const { rows } = await sql<{ text: string }>`
      SELECT text FROM concern_text WHERE authority_id = 'musterstadt'
        AND concern_id = 'naturalisation' AND lang = 'de' AND field = 'title'`.execute(db);
    const html = `<!doctype html><h1>${rows[0]?.text}</h1>${'<p>Text</p>'.repeat(100)}`;
    return reply.type('text/html; charset=utf-8').send(html);
  };
  app.get('/:lang/page', page);
  app.get('/:lang/other', page);
  await app.ready();
  return app;
}

let first: FastifyInstance;
let second: FastifyInstance;

beforeAll(async () => {
  test = await createTestDatabase();
  secondDb = createDb(test.url);
  first = await buildInstance(test.db);
  second = await buildInstance(secondDb);
});
afterAll(async () => {
  await first.close();
  await second.close();
  await secondDb.destroy();
  await test.drop();
});

const get = (app: FastifyInstance, url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br, gzip', ...headers } });
const text = (res: Awaited<ReturnType<typeof get>>) =>
  res.headers['content-encoding'] === 'br'
    ? zlib.brotliDecompressSync(res.rawPayload).toString()
    : res.headers['content-encoding'] === 'gzip'
      ? zlib.gunzipSync(res.rawPayload).toString()
      : res.body;

const setTitle = (db: Db, title: string) =>
  sql`UPDATE concern_text SET text = ${title} WHERE authority_id = 'musterstadt'
        AND concern_id = 'naturalisation' AND lang = 'de' AND field = 'title'`.execute(db);

describe('page cache', () => {
  it('renders a page once per content version and serves the same bytes after', async () => {
    const before = renders.count;
    const fresh = await get(first, '/de/page');
    const cached = await get(first, '/de/page');
    const gzip = await get(first, '/de/page', { 'accept-encoding': 'gzip' });
    const plain = await get(first, '/de/page', { 'accept-encoding': '' });
    expect(renders.count - before).toBe(1);
    expect(cached.headers['content-encoding']).toBe('br');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    for (const res of [cached, gzip, plain]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers.etag).toBe(fresh.headers.etag);
      expect(text(res)).toBe(text(fresh));
    }
    expect(text(fresh)).toContain('<h1>Einbürgerung</h1>');
  });

  it('answers a matching If-None-Match with 304 and no body', async () => {
    const { etag } = (await get(first, '/de/page')).headers;
    const res = await get(first, '/de/page', { 'if-none-match': String(etag) });
    expect(res.statusCode).toBe(304);
    expect(res.rawPayload.length).toBe(0);
  });

  it('shows a content change on the next request, on both instances on the database', async () => {
    await get(first, '/de/page');
    await get(second, '/de/page');
    const { etag } = (await get(second, '/de/page')).headers;

    await setTitle(test.db, 'Einbürgerung (geändert)');
    expect(text(await get(first, '/de/page'))).toContain('Einbürgerung (geändert)');
    const res = await get(second, '/de/page', { 'if-none-match': String(etag) });
    expect(res.statusCode).toBe(200);
    expect(text(res)).toContain('Einbürgerung (geändert)');

    await setTitle(secondDb, 'Einbürgerung');
    expect(text(await get(first, '/de/page'))).toContain('<h1>Einbürgerung</h1>');
    expect(text(await get(second, '/de/page'))).toContain('<h1>Einbürgerung</h1>');
  });

  it('leaves other routes, query strings and each language to themselves', async () => {
    await get(first, '/de/page');
    const before = renders.count;
    await get(first, '/de/other');
    await get(first, '/de/other');
    await get(first, '/de/page?x=1');
    await get(first, '/de/page?x=1');
    await get(first, '/en/page');
    await get(first, '/en/page');
    expect(renders.count - before).toBe(5);
  });
});

describe('chooseEncoding', () => {
  it('prefers brotli, then gzip, honouring q=0 and *', () => {
    expect(chooseEncoding('gzip, deflate, br')).toBe('br');
    expect(chooseEncoding('gzip')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('*, br;q=0')).toBe('gzip');
    expect(chooseEncoding('deflate')).toBe('identity');
    expect(chooseEncoding(undefined)).toBe('identity');
  });
});

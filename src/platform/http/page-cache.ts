import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authority } from './request-context.ts';
import { contentVersion } from '../db/content-version.ts';
import type { Db } from '../db/database.ts';

// Public pages that show only an authority's content are the same for every reader of a
// language until that content changes. Rendering them is cheap; compressing them per request
// is not (brotli and gzip cost more than routing, the content query and rendering together).
// This cache keeps each page's HTML and its compressed forms per content version
// (migration 0003), so a repeated request costs one version lookup and a buffer write, and
// answers an If-None-Match that still holds with 304. A content change is visible on the
// next request on every instance, since each reads the version from the database.

/** Pages outside this list (forms with CSRF tokens, anything per person) are never cached. */
export type PageCacheOptions = { db: Db; routes: readonly string[] };

type Encoding = 'br' | 'gzip' | 'identity';
type Entry = {
  version: bigint;
  etag: string;
  html: Buffer;
  compressed: Partial<Record<Encoding, Buffer>>;
};
type Pending = { pages: Map<string, Entry>; url: string; version: bigint };

// Brotli at its best quality: 12 ms once per page and version buys a fifth fewer bytes than
// @fastify/compress's per-request quality 4, for newcomers on small data plans.
const BROTLI: zlib.BrotliOptions = {
  params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
    [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
  },
};
const compressors: Record<Encoding, (html: Buffer) => Buffer> = {
  br: (html) => zlib.brotliCompressSync(html, BROTLI),
  gzip: (html) => zlib.gzipSync(html, { level: zlib.constants.Z_BEST_COMPRESSION }),
  identity: (html) => html,
};

/** Pages per authority: its languages times its pages, with room; beyond it, start over. */
const MAX_PAGES = 5_000;

/**
 * The encoding to send: brotli, else gzip, else none, as @fastify/compress prefers them.
 * An encoding given q=0 is refused; `*` accepts any.
 */
export function chooseEncoding(header: string | undefined): Encoding {
  const accepted = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(name.trim(), q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  const allows = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (allows('br')) return 'br';
  if (allows('gzip')) return 'gzip';
  return 'identity';
}

/**
 * Adds the cache's hooks. Call it before registering @fastify/compress: its onSend must see
 * the page before compression, and a hit carries its own Content-Encoding, which compress
 * then leaves alone.
 */
export function registerPageCache(app: FastifyInstance, { db, routes }: PageCacheOptions) {
  const cached = new Set(routes);
  // Keyed by the authority object the resolver hands out: when it reloads the authority (its
  // name appears on every page), the pages made with the old one are dropped with it.
  const byAuthority = new WeakMap<Authority, Map<string, Entry>>();
  const pending = new WeakMap<FastifyRequest, Pending>();

  // preHandler, not onRequest: it runs after every onRequest hook, so the authority is known.
  app.addHook('preHandler', async (request, reply) => {
    const authority = request.authority;
    // A query string reaches the page (its language links), and anyone can vary it.
    if (request.method !== 'GET' || !authority || request.url.includes('?')) return;
    if (!cached.has(request.routeOptions.url ?? '')) return;
    let pages = byAuthority.get(authority);
    if (!pages) {
      pages = new Map();
      byAuthority.set(authority, pages);
    }
    const version = await contentVersion(db, authority.id);
    const entry = pages.get(request.url);
    if (entry?.version === version) return sendCached(request, reply, entry);
    pending.set(request, { pages, url: request.url, version });
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const miss = pending.get(request);
    if (!miss || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    if (!String(reply.getHeader('content-type')).startsWith('text/html')) return payload;
    // A page that sets a cookie belongs to one reader.
    if (reply.hasHeader('set-cookie')) return payload;
    const html = Buffer.from(payload);
    const entry: Entry = {
      version: miss.version,
      etag: `W/"${crypto.createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`,
      html,
      compressed: {},
    };
    const current = miss.pages.get(miss.url);
    // Two requests may render one page at once; the newer version stays.
    if (!current || current.version <= entry.version) {
      if (miss.pages.size >= MAX_PAGES) miss.pages.clear();
      miss.pages.set(miss.url, entry);
    }
    reply.header('etag', entry.etag);
    // Compressed by @fastify/compress this once; the cached forms are made on the next request.
    return payload;
  });
}

function sendCached(request: FastifyRequest, reply: FastifyReply, entry: Entry) {
  reply.header('etag', entry.etag).header('vary', 'accept-encoding');
  const tags = request.headers['if-none-match'];
  if (tags?.split(',').some((tag) => tag.trim() === entry.etag)) return reply.code(304).send();
  const encoding = chooseEncoding(request.headers['accept-encoding']);
  let body = entry.compressed[encoding];
  if (!body) {
    body = compressors[encoding](entry.html);
    entry.compressed[encoding] = body;
  }
  if (encoding !== 'identity') reply.header('content-encoding', encoding);
  return reply.type('text/html; charset=utf-8').send(body);
}

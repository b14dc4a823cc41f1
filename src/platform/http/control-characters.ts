import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.ts';

// No address, search term, form field or API field has a use for C0 control characters or
// DEL, and PostgreSQL refuses NUL in text outright (a 500 deep down). So they are refused
// once, at the edge, with a 400 in the reader's language. Bodies may carry tab, CR and LF
// (multi-line text); URLs may not.

/** Percent-encoded C0 or DEL (%00–%1F, %7F). */
const ENCODED = /%(?:[01][0-9a-f]|7f)/i;

function hasControl(text: string, allowLineBreaks: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7f) return true;
    if (c < 0x20 && !(allowLineBreaks && (c === 0x09 || c === 0x0a || c === 0x0d))) return true;
  }
  return false;
}

/** Encoded, or raw if one ever gets past the HTTP parser. */
export function urlHasControlCharacter(url: string): boolean {
  return ENCODED.test(url) || hasControl(url, false);
}

/** Walks a parsed body (strings, keys, arrays, objects) without recursion: depth is untrusted. */
export function bodyHasControlCharacter(body: unknown): boolean {
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (hasControl(value, true)) return true;
    } else if (Array.isArray(value)) {
      pending.push(...value);
    } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (hasControl(key, true)) return true;
        pending.push(item);
      }
    }
  }
  return false;
}

/** Hooks on the root instance, so they cover every route and the not-found handler. */
export function rejectControlCharacters(app: FastifyInstance) {
  app.addHook('onRequest', async (request) => {
    if (urlHasControlCharacter(request.url)) throw new AppError('BAD_REQUEST');
  });
  // preValidation: after body parsing, before schemas, CSRF checks and handlers.
  app.addHook('preValidation', async (request) => {
    if (bodyHasControlCharacter(request.body)) throw new AppError('BAD_REQUEST');
  });
}

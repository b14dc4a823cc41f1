import type { FastifyRequest } from 'fastify';
import { findLanguage } from '../i18n/languages.ts';
import { negotiateLanguage } from '../i18n/negotiate.ts';

// An API URL carries no language segment: a client names one with `?lang=` (an app showing
// the portal's texts in its own chosen language), otherwise the Accept-Language header decides.

/** The language of an API answer: a known `?lang=`, else the negotiated one. */
export function apiLanguage(request: FastifyRequest): string {
  const lang = (request.query as { lang?: unknown } | undefined)?.lang;
  if (typeof lang === 'string' && findLanguage(lang)) return lang;
  return negotiateLanguage(request.headers['accept-language']);
}

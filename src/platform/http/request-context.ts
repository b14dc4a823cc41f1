import type { FastifyRequest } from 'fastify';
import type { Authority } from '../authorities/service.ts';
import { findLanguage, getLanguage, type Language } from '../platform/i18n/languages.ts';
import { createTranslator } from '../platform/i18n/messages.ts';
import { negotiateLanguage } from '../platform/i18n/negotiate.ts';
import { notFound } from '../platform/http/errors.ts';
import type { PageContext } from '../platform/ui/context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authority this request's host belongs to; set by an onRequest hook. */
    authority: Authority | null;
  }
}

export function requireAuthority(request: FastifyRequest): Authority {
  if (!request.authority) throw new Error('no authority configured for this host');
  return request.authority;
}

/** The language named by the first path segment, if it is one of ours. */
export function languageOfUrl(url: string): Language | undefined {
  const first = url.split(/[/?#]/)[1] ?? '';
  return findLanguage(first);
}

function buildContext(request: FastifyRequest, lang: Language): PageContext {
  const t = createTranslator(lang.code);
  const rest = request.url.slice(lang.code.length + 1);
  const path = rest.startsWith('/') ? rest : '/';
  return {
    lang,
    t,
    path,
    site: {
      name: t('site.name', { city: request.authority?.name ?? '' }).trim(),
      accessibilityEmail: request.authority?.accessibilityEmail ?? '',
    },
  };
}

/** Context for a page under /:lang/…; an unknown language is a 404. */
export function pageContext(request: FastifyRequest): PageContext {
  const lang = languageOfUrl(request.url);
  if (!lang) throw notFound('unknown language');
  return buildContext(request, lang);
}

/** Context for error pages: the URL's language if valid, else the browser's. */
export function errorContext(request: FastifyRequest): PageContext {
  const lang = languageOfUrl(request.url);
  if (lang) return buildContext(request, lang);
  const negotiated = getLanguage(negotiateLanguage(request.headers['accept-language']));
  return { ...buildContext(request, negotiated), path: '/' };
}

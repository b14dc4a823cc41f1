import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findLanguage, getLanguage, type Language } from '../i18n/languages.ts';
import { createTranslator } from '../i18n/messages.ts';
import { negotiateLanguage } from '../i18n/negotiate.ts';
import type { NavigationItem, PageContext } from '../ui/context.ts';
import { AppError } from './errors.ts';

// Who a request is for (the authority of its host name) and what every page needs to
// render (language, translator, site name, navigation). Registered once by app.ts.

/** The Welcome Center (Ausländerbehörde) a request belongs to. */
export type Authority = {
  id: string;
  name: string;
  land: string;
  contactEmail: string;
  accessibilityEmail: string;
  accessibilityStatementDate: string;
  conciliationUrl: string;
  phone: string | null;
  timeZone: string;
};

export type SiteNavigation = { main: NavigationItem[]; footer: NavigationItem[] };

declare module 'fastify' {
  interface FastifyRequest {
    /** The authority this request's host belongs to; set by an onRequest hook. */
    authority: Authority | null;
  }
  interface FastifyInstance {
    siteNavigation: SiteNavigation;
  }
}

/** Paths that need no authority: static files and the probes of the load balancer. */
const WITHOUT_AUTHORITY = (url: string) =>
  url.startsWith('/assets/') || url === '/health' || url === '/ready';

/**
 * Resolves the authority of every request by its host name and keeps the site navigation
 * that the features give, so that the platform's layout links to them without knowing them.
 */
export function registerRequestContext(
  app: FastifyInstance,
  options: {
    resolveAuthority: (hostname: string) => Promise<Authority | undefined>;
    navigation: SiteNavigation;
  },
) {
  app.decorateRequest('authority', null);
  app.decorate('siteNavigation', options.navigation);
  app.addHook('onRequest', async (request) => {
    if (WITHOUT_AUTHORITY(request.url)) return;
    request.authority = (await options.resolveAuthority(request.hostname)) ?? null;
  });
}

/** The request's authority; a host that belongs to none (and no default) has no pages. */
export function requireAuthority(request: FastifyRequest): Authority {
  if (!request.authority) throw new AppError('NOT_FOUND');
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
    navigation: request.server.siteNavigation ?? { main: [], footer: [] },
  };
}

/** Context for a page under /:lang/…; an unknown language is a 404. */
export function pageContext(request: FastifyRequest): PageContext {
  const lang = languageOfUrl(request.url);
  if (!lang) throw new AppError('NOT_FOUND');
  return buildContext(request, lang);
}

/** Context for error pages: the URL's language if valid, else the browser's. */
export function errorContext(request: FastifyRequest): PageContext {
  const lang = languageOfUrl(request.url);
  if (lang) return buildContext(request, lang);
  const negotiated = getLanguage(negotiateLanguage(request.headers['accept-language']));
  return { ...buildContext(request, negotiated), path: '/' };
}

import crypto from 'node:crypto';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { appointmentApi } from './appointments/api.ts';
import { manageRoutes } from './appointments/manage-routes.tsx';
import { appointmentRoutes } from './appointments/routes.tsx';
import { staffAppointmentRoutes } from './appointments/staff-routes.tsx';
import { createAuthorityResolver } from './authorities/service.ts';
import { outboxRoutes } from './dev/routes.tsx';
import { resolvePrincipal, staffRoutes } from './staff/routes.tsx';
import { staffAdminRoutes } from './staff/admin-routes.tsx';
import { auditTrailRoutes } from './audit-trail/routes.tsx';
import { passkeyRoutes } from './staff/passkey-routes.tsx';
import { createSingleSignOn, SSO_PATH } from './staff/oidc.ts';
import { oidcRoutes } from './staff/oidc-routes.tsx';
import { deriveStaffKeys } from './staff/index.ts';
import { registerStaffGuard, type StaffNavigationItem } from './platform/policy/guard.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { concernRoutes } from './concerns/routes.tsx';
import { listConcernsIn } from './concerns/service.ts';
import { healthRoutes } from './health/routes.ts';
import { officeRoutes } from './offices/routes.tsx';
import { officeAdminRoutes } from './offices/admin-routes.tsx';
import { concernAdminRoutes } from './concerns/admin-routes.tsx';
import type { Config } from './platform/config.ts';
import type { Db } from './platform/db/database.ts';
import { sendError } from './platform/http/error-pages.tsx';
import { AppError, toAppError } from './platform/http/errors.ts';
import { registerRequestContext, type SiteNavigation } from './platform/http/request-context.ts';
import { registerSecurityHeaders } from './platform/http/security.ts';
import { registerPageCache } from './platform/http/page-cache.ts';
import { rejectControlCharacters } from './platform/http/control-characters.ts';
import { registerLoadShedding } from './platform/http/load-shedding.ts';
import { isDatabaseOverload } from './platform/db/database.ts';
import { loggerOptions } from './platform/log.ts';
import { PUBLIC_DIR } from './platform/ui/assets.ts';
import { portalRoutes } from './portal/routes.tsx';

/** The links of every page's header and footer; pages in one language only say which. */
const SITE_NAVIGATION: SiteNavigation = {
  main: [
    { path: '/concerns', label: 'nav.concerns' },
    { path: '/offices', label: 'nav.offices' },
    { path: '/search', label: 'nav.search' },
    { path: '/book', label: 'nav.book' },
    { path: '/manage', label: 'nav.manage' },
  ],
  footer: [
    { path: '/leichte-sprache', label: 'footer.easyRead', lang: 'de' },
    { path: '/gebaerdensprache', label: 'footer.signLanguage', lang: 'de' },
    { path: '/accessibility', label: 'footer.accessibility' },
  ],
};

/** The staff area's links; each shows to those whose roles allow its action. */
const STAFF_NAVIGATION: StaffNavigationItem[] = [
  { path: '/staff/day', label: 'nav.day', action: 'appointments.day.read' },
  { path: '/staff/capacity', label: 'nav.capacity', action: 'capacity.manage' },
  { path: '/staff/offices', label: 'nav.offices', action: 'offices.manage' },
  { path: '/staff/concerns', label: 'nav.concerns', action: 'concerns.manage' },
  { path: '/staff/accounts', label: 'nav.accounts', action: 'staff.manage' },
  { path: '/staff/audit', label: 'nav.audit', action: 'audit.read' },
];

export type AppDeps = { config: Config; db: Db; clock?: Clock };

/** The composition root: platform plugins first, then every feature's routes. */
export async function buildApp({ config, db, clock = systemClock }: AppDeps) {
  const app = Fastify({
    logger: loggerOptions(config.logLevel),
    genReqId: () => crypto.randomUUID(),
    // Only configured proxies may name the client address (rate limits go by it).
    trustProxy: config.trustProxy,
    bodyLimit: 64 * 1024,
    // A slow or silent client must not hold a connection (and a request slot) for ever.
    requestTimeout: config.http.requestTimeoutMs,
    connectionTimeout: config.http.idleTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    http: {
      headersTimeout: config.http.headersTimeoutMs,
      requestTimeout: config.http.requestTimeoutMs,
    },
    // Long enough for a passkey's credential id (up to 1364 characters) in a path.
    routerOptions: { maxParamLength: 1400 },
    // Malformed URLs (bad percent-encoding) are simply pages that do not exist.
    frameworkErrors: (_error, request, reply) =>
      sendError(request, reply, new AppError('NOT_FOUND')),
  });

  await registerSecurityHeaders(app);
  // Shed load (503 + Retry-After) before doing any work: above a cap of requests in flight,
  // and when the event loop lags (work arrives faster than it is done, whatever the cap).
  // Probes are never shed: an overloaded instance is busy, not dead.
  const isProbe = (request: { url: string }) =>
    request.url === '/health' || request.url === '/ready';
  await registerLoadShedding(app, {
    maxInFlight: config.http.maxInFlight,
    maxEventLoopDelayMs: config.http.maxEventLoopDelayMs,
    exempt: isProbe,
  });
  rejectControlCharacters(app);
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    errorResponseBuilder: (_request, context) => ({
      statusCode: context.statusCode,
      code: 'TOO_MANY_REQUESTS',
      message: 'too many requests',
    }),
  });
  // Public content pages answer from memory until their content changes (before compress:
  // the cache keeps each page compressed once).
  registerPageCache(app, {
    db,
    routes: [
      '/:lang/',
      '/:lang/concerns',
      '/:lang/concerns/:id',
      '/:lang/offices',
      '/:lang/offices/:id',
    ],
  });
  // Below one TCP packet (about 1,400 bytes) compression saves no round trip but costs CPU
  // on every answer (the API's small JSON, error pages).
  await app.register(compress, { encodings: ['br', 'gzip'], threshold: 1400 });
  await app.register(formbody);
  // Secure cookies everywhere but plain-HTTP local development (production requires https).
  const secure = config.baseUrl.startsWith('https://') || config.env === 'production';
  const secret = config.sessionSecret ?? crypto.randomBytes(32).toString('hex');
  await app.register(cookie, { secret });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: secure ? '__Host-csrf' : '_csrf',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure },
  });
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/assets/',
    // URLs carry a content hash (see assetUrl), so a file never changes under its URL.
    immutable: true,
    maxAge: '365d',
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  if (!config.trustProxy) {
    // A proxy in front that TRUST_PROXY does not name makes every client one address for the
    // rate limits and the sign-in throttle: say so once, loudly.
    let warned = false;
    app.addHook('onRequest', async (request) => {
      if (warned || !(request.headers['x-forwarded-for'] || request.headers.forwarded)) return;
      warned = true;
      request.log.warn(
        'a request came through a proxy (X-Forwarded-For) but TRUST_PROXY is unset: all ' +
          "clients share the proxy's address for rate limits; set TRUST_PROXY",
      );
    });
  }
  registerRequestContext(app, {
    resolveAuthority: createAuthorityResolver(db, config.defaultAuthority),
    navigation: SITE_NAVIGATION,
  });

  const staffDeps = {
    db,
    clock,
    keys: deriveStaffKeys(secret),
    cookies: { secure },
  };
  // Before any feature's routes: every /staff route must name its policy action.
  registerStaffGuard(app, {
    resolve: resolvePrincipal(staffDeps),
    csrfKey: crypto.createHmac('sha256', secret).update('staff-csrf').digest('hex'),
    strictMessages: config.env === 'test',
    navigation: STAFF_NAVIGATION,
  });

  app.setErrorHandler((error, request, reply) => {
    // A statement or pool-wait timeout means an overloaded database: retry later, not a bug.
    const appError = isDatabaseOverload(error)
      ? new AppError('SERVICE_UNAVAILABLE')
      : toAppError(error);
    // Shed requests are logged once per episode (load-shedding.ts), not one by one.
    const shed = error instanceof AppError && error.code === 'SERVICE_UNAVAILABLE';
    if (appError.statusCode >= 500 && !shed) request.log.error({ err: error }, 'request failed');
    return sendError(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) => sendError(request, reply, new AppError('NOT_FOUND')));

  const deps = {
    db,
    baseUrl: config.baseUrl,
    clock,
    secureCookies: secure,
    bookingRateLimit: config.bookingRateLimitPerMinute,
  };
  await app.register(healthRoutes, deps);
  await app.register(portalRoutes, deps);
  await app.register(concernRoutes, deps);
  await app.register(officeRoutes, {
    ...deps,
    concerns: async (authorityId: string, lang: string) =>
      (await listConcernsIn(db, authorityId, lang)).map((c) => ({
        id: c.id,
        title: c.texts.title,
      })),
  });
  await app.register(appointmentRoutes, deps);
  await app.register(manageRoutes, deps);
  await app.register(appointmentApi, deps);
  await app.register(officeAdminRoutes, { db, clock });
  await app.register(concernAdminRoutes, { db });
  await app.register(staffAppointmentRoutes, { db, clock });
  // Single sign-on: the client secret is read from the variable each authority's row names.
  const sso = createSingleSignOn({
    ...staffDeps,
    env: config.env,
    secretOf: (name) => process.env[name],
  });
  await sso.refresh();
  await app.register(oidcRoutes, { sso, cookies: staffDeps.cookies });
  await app.register(staffRoutes, {
    ...staffDeps,
    signInOptions: (request) => ({
      passkeys: true,
      ssoPath: request.authority && sso.offersSso(request.authority.id) ? SSO_PATH : undefined,
    }),
  });
  await app.register(passkeyRoutes, { ...staffDeps, baseUrl: config.baseUrl });
  await app.register(staffAdminRoutes, staffDeps);
  await app.register(auditTrailRoutes, { db });
  if (config.env !== 'production' && !config.smtp.host) await app.register(outboxRoutes, deps);
  return app;
}

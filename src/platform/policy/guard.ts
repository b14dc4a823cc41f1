import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import {
  createStaffTranslator,
  isStaffLanguage,
  type StaffLanguage,
  type StaffTranslate,
} from '../i18n/staff-messages.ts';
import {
  can,
  officeAccess,
  reachesOffice,
  type Action,
  type OfficeAccess,
  type Principal,
} from './policy.ts';

// The staff area's gate (decision 11). Every route under /staff declares in its config either
// the policy action it performs and the purpose it serves (recorded with every read of
// personal data), or that it is part of signing in. A route without either stops the app
// from starting. Before the handler runs, the guard resolves the session, sends strangers to
// the sign-in, answers 403 when the policy says no, and checks the CSRF token, which is
// bound to the session.

export const STAFF_PREFIX = '/staff';
export const SIGN_IN_PATH = '/staff/sign-in';
const LANGUAGE_COOKIE = 'wc_staff_lang';

/** A sample request that the generated policy test sends to the route. */
export type RouteExample = {
  params?: Record<string, string>;
  query?: string;
  body?: Record<string, string>;
  /**
   * The status allowed roles get where no fixed request can succeed (a passkey's answer needs
   * the browser's authenticator and a fresh challenge); refusals and strangers are still walked.
   */
  status?: number;
};

export type StaffRouteRule =
  | { action: Action; purpose: string; example?: RouteExample }
  /** Sign-in steps: reachable without a session; they handle their own state. */
  | { signIn: true };

declare module 'fastify' {
  interface FastifyContextConfig {
    staff?: StaffRouteRule;
  }
  interface FastifyRequest {
    /** The signed-in member of staff on guarded routes. */
    staff: Principal | null;
  }
  interface FastifyInstance {
    /** Every route under /staff with its rule: the generated policy test walks them. */
    staffRouteTable: { method: string; url: string; rule: StaffRouteRule }[];
    staffArea: StaffArea;
  }
}

/** A link of the staff area's navigation, shown to those whose roles allow its action. */
export type StaffNavigationItem = { path: string; label: string; action: Action };

type StaffArea = {
  csrfKey: string;
  strictMessages: boolean;
  navigation: StaffNavigationItem[];
};

export type StaffGuardOptions = {
  navigation: StaffNavigationItem[];
  /** The principal of the request's session (renewing its idle time), if it has one. */
  resolve: (request: FastifyRequest, reply: FastifyReply) => Promise<Principal | undefined>;
  /** Key for the session-bound CSRF tokens. */
  csrfKey: string;
  /** Missing catalogue keys fail loudly (tests). */
  strictMessages: boolean;
};

export function registerStaffGuard(app: FastifyInstance, options: StaffGuardOptions) {
  app.decorate('staffArea', {
    csrfKey: options.csrfKey,
    strictMessages: options.strictMessages,
    navigation: options.navigation,
  });
  app.decorateRequest('staff', null);
  app.decorate('staffRouteTable', []);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(STAFF_PREFIX) || route.method === 'HEAD') return;
    const rule = route.config?.staff;
    if (!rule) throw new Error(`staff route ${String(route.method)} ${route.url} has no policy`);
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) app.staffRouteTable.push({ method, url: route.url, rule });
  });
  app.addHook('preHandler', async (request, reply) => {
    const rule = request.routeOptions.config.staff;
    if (!rule) return;
    // Nothing of the staff area is kept by browsers or proxies (TOTP secrets, names, codes).
    reply.header('cache-control', 'no-store');
    if ('signIn' in rule) return;
    const principal = await options.resolve(request, reply);
    if (!principal) {
      if (request.method !== 'GET') throw new AppError('UNAUTHORIZED');
      const next = encodeURIComponent(request.url);
      return reply.redirect(`${SIGN_IN_PATH}?next=${next}`, 303);
    }
    // Known before the checks, so that a refusal is answered in the signed-in frame
    // (navigation, sign-out); the handler only runs when both checks pass.
    request.staff = principal;
    // The action is checked before any data is read; record-level scope is in the queries.
    if (!can(principal, rule.action)) throw new AppError('FORBIDDEN');
    if (request.method !== 'GET' && !validCsrf(app.staffArea.csrfKey, principal, request)) {
      throw new AppError('FORM_EXPIRED');
    }
  });
}

/** The token a staff form carries: bound to the session, useless in any other. */
export function staffCsrfToken(csrfKey: string, principal: Pick<Principal, 'sessionId'>): string {
  return crypto.createHmac('sha256', csrfKey).update(`csrf:${principal.sessionId}`).digest('hex');
}

function validCsrf(csrfKey: string, principal: Principal, request: FastifyRequest): boolean {
  const body = request.body as Record<string, unknown> | undefined;
  const sent =
    (body && typeof body === 'object' ? body._csrf : undefined) ?? request.headers['x-csrf-token'];
  if (typeof sent !== 'string') return false;
  const expected = Buffer.from(staffCsrfToken(csrfKey, principal));
  const given = Buffer.from(sent);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

/** Refuses (403) a record of an office outside the principal's reach for the route's action. */
export function requireOffice(request: FastifyRequest, officeId: string): void {
  const rule = request.routeOptions.config.staff;
  const principal = requireStaff(request);
  if (
    !rule ||
    !('action' in rule) ||
    !reachesOffice(officeAccess(principal, rule.action), officeId)
  ) {
    throw new AppError('FORBIDDEN');
  }
}

/** The offices the signed-in principal may reach with the route's action (for WHERE clauses). */
export function routeOfficeAccess(request: FastifyRequest): OfficeAccess {
  const rule = request.routeOptions.config.staff;
  if (!rule || !('action' in rule)) return { all: false, officeIds: [] };
  return officeAccess(requireStaff(request), rule.action);
}

/** The signed-in principal of a guarded route (the guard has run). */
export function requireStaff(request: FastifyRequest): Principal {
  if (!request.staff) throw new AppError('UNAUTHORIZED');
  return request.staff;
}

/**
 * The staff area's language: `?lang=` (remembered in a cookie), else the cookie, else the
 * browser's preference between German and English, else German.
 */
export function staffLanguage(request: FastifyRequest, reply?: FastifyReply): StaffLanguage {
  const asked = (request.query as Record<string, unknown> | undefined)?.lang;
  if (isStaffLanguage(asked)) {
    reply?.setCookie(LANGUAGE_COOKIE, asked, {
      path: STAFF_PREFIX,
      sameSite: 'strict',
      httpOnly: true,
      maxAge: 365 * 24 * 3600,
    });
    return asked;
  }
  const remembered = request.cookies[LANGUAGE_COOKIE];
  if (isStaffLanguage(remembered)) return remembered;
  const accept = request.headers['accept-language'] ?? '';
  const first = /\b(de|en)\b/i.exec(accept)?.[1]?.toLowerCase();
  return isStaffLanguage(first) ? first : 'de';
}

/** What every staff page needs: language, texts, who is signed in, CSRF token, navigation. */
export type StaffPageContext = {
  lang: StaffLanguage;
  t: StaffTranslate;
  principal: Principal | null;
  csrf: string;
  path: string;
  /** The same page in each staff language (other query parameters kept). */
  languageHref: (lang: StaffLanguage) => string;
  navigation: { path: string; label: string }[];
};

export function staffPageContext(request: FastifyRequest, reply: FastifyReply): StaffPageContext {
  const area = request.server.staffArea;
  const lang = staffLanguage(request, reply);
  const principal = request.staff;
  return {
    lang,
    t: createStaffTranslator(lang, area.strictMessages),
    principal,
    csrf: principal ? staffCsrfToken(area.csrfKey, principal) : '',
    path: request.url.split('?')[0] ?? request.url,
    languageHref: (target) => {
      const [path = '', query = ''] = request.url.split('?');
      const params = new URLSearchParams(query);
      params.set('lang', target);
      return `${path}?${params.toString()}`;
    },
    navigation: principal ? area.navigation.filter((item) => can(principal, item.action)) : [],
  };
}

/**
 * Records that the signed-in member of staff was shown personal data: which record, which
 * fields, for the route's purpose, in this request.
 */
export async function auditRead(
  db: Db,
  request: FastifyRequest,
  subject: { type: string; id: string },
  fields: string[],
  details: Record<string, unknown> = {},
) {
  const principal = requireStaff(request);
  const rule = request.routeOptions.config.staff;
  await recordAudit(db, {
    authorityId: principal.authorityId,
    actor: { id: principal.staffId, name: principal.username },
    action: 'read',
    subject,
    fields,
    purpose: rule && 'purpose' in rule ? rule.purpose : undefined,
    requestId: request.id,
    details,
  });
}

/** Records a change made through a guarded route (administration, attendance, …). */
export async function auditChange(
  db: Db,
  request: FastifyRequest,
  subject: { type: string; id: string },
  details: Record<string, unknown>,
  fields: string[] = [],
) {
  const principal = requireStaff(request);
  const rule = request.routeOptions.config.staff;
  await recordAudit(db, {
    authorityId: principal.authorityId,
    actor: { id: principal.staffId, name: principal.username },
    action: 'change',
    subject,
    fields,
    purpose: rule && 'purpose' in rule ? rule.purpose : undefined,
    requestId: request.id,
    details,
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireAuthority } from '../platform/http/request-context.ts';
import { staffPageContext } from '../platform/policy/guard.ts';
import { sendPage } from '../platform/ui/render.ts';
import {
  SSO_CALLBACK_PATH,
  SSO_PATH,
  SSO_PENDING_MS,
  type SingleSignOn,
  type SsoFailure,
  type SsoProblem,
} from './oidc.ts';
import { requestMeta, safeNext } from './routes.tsx';
import { setSessionCookie, type CookieSettings } from './session-cookie.ts';
import { SsoContinuePage, SsoProblemPage } from './views/sso.tsx';

// Single sign-on (decision 13): leave for the city's identity provider, come back with its
// answer. Thin handlers: parse, call one service function, render or redirect.

export type OidcRouteDeps = { sso: SingleSignOn; cookies: CookieSettings };

const SIGN_IN = { staff: { signIn: true } } as const;

const STATUS: Record<SsoProblem, number> = {
  not_configured: 404,
  expired: 400,
  invalid: 400,
  denied: 403,
  refused: 403,
  unavailable: 503,
};

// What the browser keeps while it is at the provider. SameSite=Lax, not Strict: the provider
// sends the browser back with a cross-site navigation, and a Strict cookie would stay behind.
// Signed, so that a forged one is refused; short-lived, and cleared on the way back.
const cookieName = (settings: CookieSettings) =>
  settings.secure ? '__Host-wc_staff_sso' : 'wc_staff_sso';

const cookieOptions = (settings: CookieSettings) => ({
  path: '/',
  httpOnly: true,
  secure: settings.secure,
  sameSite: 'lax' as const,
});

function setPendingSso(reply: FastifyReply, settings: CookieSettings, value: string) {
  reply.setCookie(cookieName(settings), value, {
    ...cookieOptions(settings),
    signed: true,
    maxAge: Math.floor(SSO_PENDING_MS / 1000),
  });
}

function takePendingSso(request: FastifyRequest, reply: FastifyReply, settings: CookieSettings) {
  const raw = request.cookies[cookieName(settings)];
  if (!raw) return undefined;
  // With the same attributes: a browser ignores a __Host- cookie set without Secure.
  reply.clearCookie(cookieName(settings), cookieOptions(settings));
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid ? (unsigned.value ?? undefined) : undefined;
}

const nextOf = (request: FastifyRequest) =>
  safeNext((request.query as Record<string, unknown> | undefined)?.next);

export async function oidcRoutes(app: FastifyInstance, deps: OidcRouteDeps) {
  const problemPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    failure: SsoFailure,
    next: string,
  ) => {
    // The reason is ours (no personal data); it tells the operator what to fix.
    if (failure.problem === 'unavailable' || failure.problem === 'invalid') {
      request.log.warn({ reason: failure.reason }, `single sign-on ${failure.problem}`);
    }
    reply.header('cache-control', 'no-store');
    return sendPage(
      reply,
      <SsoProblemPage
        ctx={staffPageContext(request, reply)}
        problem={failure.problem}
        next={next}
        ssoPath={SSO_PATH}
      />,
      STATUS[failure.problem],
    );
  };

  app.get(SSO_PATH, { config: SIGN_IN }, async (request, reply) => {
    const next = nextOf(request);
    const start = await deps.sso.startSignIn(requireAuthority(request).id, next);
    if (start.kind === 'problem') return problemPage(request, reply, start, next);
    setPendingSso(reply, deps.cookies, start.pending);
    reply.header('cache-control', 'no-store');
    return reply.redirect(start.url, 303);
  });

  app.get(SSO_CALLBACK_PATH, { config: SIGN_IN }, async (request, reply) => {
    const pending = takePendingSso(request, reply, deps.cookies);
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    const outcome = await deps.sso.finishSignIn(requestMeta(request), pending, query);
    if (outcome.kind === 'problem') return problemPage(request, reply, outcome, '/staff');
    setSessionCookie(reply, deps.cookies, outcome.token);
    reply.header('cache-control', 'no-store');
    // Not a redirect: see SsoContinuePage (the session cookie would stay behind).
    const next = safeNext(outcome.next);
    reply.header('refresh', `0;url=${next}`);
    return sendPage(reply, <SsoContinuePage ctx={staffPageContext(request, reply)} next={next} />);
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireAuthority } from '../platform/http/request-context.ts';
import { requireStaff, staffPageContext } from '../platform/policy/guard.ts';
import {
  finishPasskeyRegistration,
  removePasskey,
  signInWithPasskey,
  startPasskeyRegistration,
  startPasskeySignIn,
  type RelyingParty,
} from './passkey-service.ts';
import {
  authenticationResponseSchema,
  passkeyNameSchema,
  passkeyParamsSchema,
  registrationResponseSchema,
} from './passkey-schema.ts';
import { requestMeta, safeNext } from './routes.tsx';
import type { StaffDeps } from './service.ts';
import { setSessionCookie, type CookieSettings } from './session-cookie.ts';

// Passkeys: JSON endpoints for public/passkey.js (the browser's WebAuthn ceremonies) and the
// form that removes one. Sign-in endpoints are reachable without a session and carry the
// sign-in form's CSRF token; the own-account endpoints carry the session-bound token.

export type PasskeyRouteDeps = StaffDeps & { cookies: CookieSettings; baseUrl: string };

/**
 * The relying party is the request's host: every authority has its own host name, so each
 * has its own RP ID and a passkey works on the host where it was made. The scheme is https
 * whenever BASE_URL is (behind a TLS proxy the app may see plain http).
 */
function relyingParty(request: FastifyRequest, baseUrl: string): RelyingParty {
  const scheme = baseUrl.startsWith('https://') ? 'https' : request.protocol;
  return {
    id: request.hostname.toLowerCase(),
    origin: `${scheme}://${request.host.toLowerCase()}`,
    name: requireAuthority(request).name,
  };
}

// The handle of the ceremony under way, for the browser that started it (5 minutes).
const handleCookie = (cookies: CookieSettings) =>
  cookies.secure ? '__Host-wc_staff_passkey' : 'wc_staff_passkey';

const handleAttributes = (cookies: CookieSettings) => ({
  path: '/',
  httpOnly: true,
  secure: cookies.secure,
  sameSite: 'strict' as const,
});

function setHandle(reply: FastifyReply, cookies: CookieSettings, handle: string) {
  reply.setCookie(handleCookie(cookies), handle, { ...handleAttributes(cookies), maxAge: 5 * 60 });
}

/**
 * The handle, if any; the cookie ends with this request (a challenge is used once). Cleared
 * with the attributes it was set with: browsers ignore a __Host- clear without Secure.
 */
function takeHandle(request: FastifyRequest, reply: FastifyReply, cookies: CookieSettings) {
  const handle = request.cookies[handleCookie(cookies)];
  if (handle !== undefined) reply.clearCookie(handleCookie(cookies), handleAttributes(cookies));
  return handle || undefined;
}

/** A refusal the script shows as it is, in the page's language. */
const refuse = (reply: FastifyReply, status: number, message: string) =>
  reply.code(status).header('cache-control', 'no-store').send({ message });

const OWN_ACCOUNT = 'own account';

export async function passkeyRoutes(app: FastifyInstance, deps: PasskeyRouteDeps) {
  app.post(
    '/staff/account/passkeys/options',
    {
      config: {
        staff: {
          action: 'account.manage',
          purpose: OWN_ACCOUNT,
          example: { body: { name: 'Laptop' } },
        },
      },
    },
    async (request, reply) => {
      const parsed = passkeyNameSchema.safeParse(request.body);
      if (!parsed.success) {
        const { t } = staffPageContext(request, reply);
        return reply.code(400).send({ errors: { name: t('passkeys.nameMissing') } });
      }
      const { handle, options } = await startPasskeyRegistration(
        deps,
        requireStaff(request),
        relyingParty(request, deps.baseUrl),
        parsed.data.name,
      );
      setHandle(reply, deps.cookies, handle);
      return reply.send(options);
    },
  );

  app.post(
    '/staff/account/passkeys',
    {
      config: {
        staff: {
          action: 'account.manage',
          purpose: OWN_ACCOUNT,
          // Only a browser's authenticator can answer a fresh challenge.
          example: { body: {}, status: 400 },
        },
      },
    },
    async (request, reply) => {
      const { t } = staffPageContext(request, reply);
      const handle = takeHandle(request, reply, deps.cookies);
      const parsed = registrationResponseSchema.safeParse(request.body);
      if (!parsed.success) return refuse(reply, 400, t('passkeys.addFailed'));
      const outcome = await finishPasskeyRegistration(
        deps,
        requestMeta(request),
        requireStaff(request),
        relyingParty(request, deps.baseUrl),
        handle,
        parsed.data,
      );
      if (outcome === 'expired') return refuse(reply, 400, t('passkeys.expired'));
      if (outcome === 'failed') return refuse(reply, 400, t('passkeys.addFailed'));
      return reply.send({ redirect: '/staff/account' });
    },
  );

  app.post(
    '/staff/account/passkeys/:id/remove',
    {
      config: {
        staff: { action: 'account.manage', purpose: OWN_ACCOUNT, example: { params: { id: 'x' } } },
      },
    },
    async (request, reply) => {
      const parsed = passkeyParamsSchema.safeParse(request.params);
      if (parsed.success) {
        await removePasskey(deps, requestMeta(request), requireStaff(request), parsed.data.id);
      }
      // Removed, or already gone: either way the list shows what is left.
      return reply.redirect('/staff/account#passkeys-title', 303);
    },
  );

  const SIGN_IN = { config: { staff: { signIn: true } }, preHandler: app.csrfProtection } as const;

  app.post('/staff/sign-in/passkey/options', SIGN_IN, async (request, reply) => {
    const { handle, options } = await startPasskeySignIn(
      deps,
      requireAuthority(request).id,
      relyingParty(request, deps.baseUrl),
    );
    setHandle(reply, deps.cookies, handle);
    return reply.header('cache-control', 'no-store').send(options);
  });

  app.post('/staff/sign-in/passkey', SIGN_IN, async (request, reply) => {
    const { t } = staffPageContext(request, reply);
    const handle = takeHandle(request, reply, deps.cookies);
    const parsed = authenticationResponseSchema.safeParse(request.body);
    if (!parsed.success) return refuse(reply, 400, t('signIn.passkeyFailed'));
    const outcome = await signInWithPasskey(
      deps,
      requestMeta(request),
      relyingParty(request, deps.baseUrl),
      handle,
      parsed.data,
    );
    switch (outcome.kind) {
      case 'signed_in':
        setSessionCookie(reply, deps.cookies, outcome.token);
        return reply.header('cache-control', 'no-store').send({
          redirect: safeNext((request.query as Record<string, unknown> | undefined)?.next),
        });
      case 'expired':
        return refuse(reply, 400, t('signIn.expired'));
      case 'throttled':
        reply.header('retry-after', String(outcome.retryAfterSeconds));
        return refuse(
          reply,
          429,
          t('signIn.throttled', { minutes: Math.ceil(outcome.retryAfterSeconds / 60) }),
        );
      case 'failed':
        return refuse(reply, 401, t('signIn.passkeyFailed'));
    }
  });
}

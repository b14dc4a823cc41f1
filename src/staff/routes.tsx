import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import { requireAuthority } from '../platform/http/request-context.ts';
import {
  requireStaff,
  SIGN_IN_PATH,
  staffCsrfToken,
  staffPageContext,
  type StaffPageContext,
} from '../platform/policy/guard.ts';
import { sendPage } from '../platform/ui/render.ts';
import {
  accountOverview,
  completeEnrolment,
  completeSecondFactor,
  enrolmentFor,
  principalOfSession,
  renewRecoveryCodes,
  signInWithPassword,
  signOut,
  signOutEverywhere,
  type RequestMeta,
  type SignInOutcome,
  type StaffDeps,
} from './service.ts';
import {
  clearSessionCookies,
  pendingToken,
  sessionToken,
  setPendingCookie,
  setSessionCookie,
  type CookieSettings,
} from './session-cookie.ts';
import { AccountPage, HomePage } from './views/account.tsx';
import type { SignInOptions } from './views/sign-in.tsx';
import { CodePage, EnrolPage, PasswordPage, RecoveryCodesPage } from './views/sign-in.tsx';

// Signing in and out, and the own account. Thin handlers: parse, call one service function,
// render or redirect.

const credentialsSchema = z.object({
  username: z.string().trim().min(1).max(40),
  password: z.string().min(1).max(200),
});
const codeSchema = z.object({ code: z.string().trim().min(1).max(40) });
const enrolSchema = z.object({
  code: z.string().trim().max(40).default(''),
  newPassword: z.string().max(200).optional(),
  repeatPassword: z.string().max(200).optional(),
});

/** Only paths inside the staff area are followed after signing in. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' &&
    /^\/staff(\/[\w\-./?=&%]*)?$/.test(value) &&
    !value.includes('//')
    ? value
    : '/staff';
}

const nextOf = (request: FastifyRequest) =>
  safeNext((request.query as Record<string, unknown> | undefined)?.next);

export const requestMeta = (request: FastifyRequest): RequestMeta => ({
  authorityId: requireAuthority(request).id,
  address: request.ip,
  userAgent: request.headers['user-agent'] ?? '',
  requestId: request.id,
});

export type StaffRouteDeps = StaffDeps & {
  cookies: CookieSettings;
  signInOptions: (request: FastifyRequest) => SignInOptions;
};

/** The guard's resolver: the principal of the request's session cookie. */
export function resolvePrincipal(deps: StaffDeps & { cookies: CookieSettings }) {
  return async (request: FastifyRequest) => {
    const token = sessionToken(request, deps.cookies);
    const authority = request.authority;
    if (!token || !authority) return undefined;
    return principalOfSession(deps, authority.id, token);
  };
}

const SIGN_IN = { staff: { signIn: true } } as const;

export async function staffRoutes(app: FastifyInstance, deps: StaffRouteDeps) {
  const passwordPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    message?: (ctx: StaffPageContext) => string,
    username?: string,
  ) => {
    const ctx = staffPageContext(request, reply);
    return sendPage(
      reply,
      <PasswordPage
        ctx={ctx}
        csrf={reply.generateCsrf()}
        next={nextOf(request)}
        signedOut={(request.query as Record<string, unknown> | undefined)?.signedOut === '1'}
        message={message?.(ctx)}
        username={username}
        options={deps.signInOptions(request)}
      />,
      status,
    );
  };

  /** Where each outcome of a sign-in step leads. */
  const follow = (request: FastifyRequest, reply: FastifyReply, outcome: SignInOutcome) => {
    const next = encodeURIComponent(nextOf(request));
    switch (outcome.kind) {
      case 'second_factor':
        setPendingCookie(reply, deps.cookies, outcome.token);
        return reply.redirect(`/staff/sign-in/code?next=${next}`, 303);
      case 'enrol':
        setPendingCookie(reply, deps.cookies, outcome.token);
        return reply.redirect(`/staff/sign-in/enrol?next=${next}`, 303);
      case 'signed_in':
        setSessionCookie(reply, deps.cookies, outcome.token);
        return reply.redirect(nextOf(request), 303);
      case 'throttled':
        reply.header('retry-after', String(outcome.retryAfterSeconds));
        return passwordPage(request, reply, 429, (ctx) =>
          ctx.t('signIn.throttled', { minutes: Math.round(outcome.retryAfterSeconds / 60) }),
        );
      case 'failed':
        return passwordPage(request, reply, 401, (ctx) => ctx.t('signIn.failed'));
    }
  };

  app.get(SIGN_IN_PATH, { config: SIGN_IN }, async (request, reply) =>
    passwordPage(request, reply, 200),
  );

  // No request-count limit here: only failed attempts slow down, per account and address
  // (see the service), so strangers' empty or token-less posts cannot lock anyone out.
  app.post(
    SIGN_IN_PATH,
    { config: SIGN_IN, preHandler: app.csrfProtection },
    async (request, reply) => {
      const parsed = credentialsSchema.safeParse(request.body);
      if (!parsed.success) {
        return passwordPage(request, reply, 400, (ctx) => ctx.t('signIn.failed'));
      }
      return follow(
        request,
        reply,
        await signInWithPassword(deps, requestMeta(request), parsed.data),
      );
    },
  );

  const codePage = (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    error?: boolean,
  ) => {
    const ctx = staffPageContext(request, reply);
    return sendPage(
      reply,
      <CodePage
        ctx={ctx}
        csrf={reply.generateCsrf()}
        next={nextOf(request)}
        error={error ? ctx.t('signIn.codeWrong') : undefined}
      />,
      status,
    );
  };
  const expired = (request: FastifyRequest, reply: FastifyReply) =>
    passwordPage(request, reply, 400, (ctx) => ctx.t('signIn.expired'));

  app.get('/staff/sign-in/code', { config: SIGN_IN }, async (request, reply) =>
    pendingToken(request, deps.cookies) ? codePage(request, reply, 200) : expired(request, reply),
  );

  app.post(
    '/staff/sign-in/code',
    { config: SIGN_IN, preHandler: app.csrfProtection },
    async (request, reply) => {
      const token = pendingToken(request, deps.cookies);
      const parsed = codeSchema.safeParse(request.body);
      if (!token) return expired(request, reply);
      if (!parsed.success) return codePage(request, reply, 400, true);
      const outcome = await completeSecondFactor(
        deps,
        requestMeta(request),
        token,
        parsed.data.code,
      );
      if (!outcome) return expired(request, reply);
      if (outcome.kind === 'failed') return codePage(request, reply, 401, true);
      return follow(request, reply, outcome);
    },
  );

  const enrolPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    problems: string[] = [],
  ) => {
    const token = pendingToken(request, deps.cookies);
    const enrolment = token
      ? await enrolmentFor(deps, requireAuthority(request), token)
      : undefined;
    if (!enrolment) return expired(request, reply);
    const ctx = staffPageContext(request, reply);
    const errors: Record<string, string> = {};
    if (problems.includes('passwordTooShort')) errors.newPassword = ctx.t('enrol.passwordTooShort');
    if (problems.includes('passwordMismatch'))
      errors.repeatPassword = ctx.t('enrol.passwordMismatch');
    if (problems.includes('code')) errors.code = ctx.t('enrol.codeWrong');
    const qrSvg = await QRCode.toString(enrolment.uri, { type: 'svg', margin: 2 });
    return sendPage(
      reply,
      <EnrolPage
        ctx={ctx}
        csrf={reply.generateCsrf()}
        qrSvg={qrSvg}
        secret={enrolment.secret}
        needsPassword={enrolment.needsPassword}
        errors={errors}
      />,
      status,
    );
  };

  app.get('/staff/sign-in/enrol', { config: SIGN_IN }, async (request, reply) =>
    enrolPage(request, reply, 200),
  );

  app.post(
    '/staff/sign-in/enrol',
    { config: SIGN_IN, preHandler: app.csrfProtection },
    async (request, reply) => {
      const token = pendingToken(request, deps.cookies);
      const parsed = enrolSchema.safeParse(request.body);
      if (!token) return expired(request, reply);
      if (!parsed.success) return enrolPage(request, reply, 400, ['code']);
      const result = await completeEnrolment(deps, requestMeta(request), token, parsed.data);
      if (!result) return expired(request, reply);
      if ('problems' in result) return enrolPage(request, reply, 400, result.problems);
      setSessionCookie(reply, deps.cookies, result.token);
      // The codes are shown once, in this answer; the page is not cached.
      reply.header('cache-control', 'no-store');
      const ctx = staffPageContext(request, reply);
      return sendPage(
        reply,
        <RecoveryCodesPage ctx={ctx} codes={result.recoveryCodes} next={nextOf(request)} />,
      );
    },
  );

  // Signing out needs the session's own token, so that another site cannot sign anyone out.
  app.post('/staff/sign-out', { config: SIGN_IN }, async (request, reply) => {
    const token = sessionToken(request, deps.cookies);
    const authority = requireAuthority(request);
    const principal = token ? await principalOfSession(deps, authority.id, token) : undefined;
    const sent = (request.body as Record<string, unknown> | undefined)?._csrf;
    if (token && principal && sent === staffCsrfToken(app.staffArea.csrfKey, principal)) {
      await signOut(deps, requestMeta(request), token, principal);
      clearSessionCookies(reply, deps.cookies);
      return reply.redirect(`${SIGN_IN_PATH}?signedOut=1`, 303);
    }
    return reply.redirect(SIGN_IN_PATH, 303);
  });

  app.get(
    '/staff',
    { config: { staff: { action: 'account.manage', purpose: 'staff home' } } },
    async (request, reply) => sendPage(reply, <HomePage ctx={staffPageContext(request, reply)} />),
  );

  const accountPage = async (request: FastifyRequest, reply: FastifyReply, codes?: string[]) => {
    const ctx = staffPageContext(request, reply);
    const overview = await accountOverview(deps, requireStaff(request));
    return sendPage(reply, <AccountPage ctx={ctx} overview={overview} recoveryCodes={codes} />);
  };

  app.get(
    '/staff/account',
    { config: { staff: { action: 'account.manage', purpose: 'own account' } } },
    async (request, reply) => accountPage(request, reply),
  );

  app.post(
    '/staff/account/sign-out-everywhere',
    { config: { staff: { action: 'account.manage', purpose: 'own account' } } },
    async (request, reply) => {
      await signOutEverywhere(deps, requestMeta(request), requireStaff(request));
      clearSessionCookies(reply, deps.cookies);
      return reply.redirect(`${SIGN_IN_PATH}?signedOut=1`, 303);
    },
  );

  app.post(
    '/staff/account/recovery-codes',
    { config: { staff: { action: 'account.manage', purpose: 'own account' } } },
    async (request, reply) => {
      const codes = await renewRecoveryCodes(deps, requestMeta(request), requireStaff(request));
      return accountPage(request, reply, codes);
    },
  );
}

import * as client from 'openid-client';
import { z } from 'zod';
import { pseudonymiseAddress, recordAudit } from '../platform/audit/audit.ts';
import type { Grant } from '../platform/policy/policy.ts';
import { grantsFromClaims, parseClaimMapping, type Claims } from './oidc-mapping.ts';
import {
  findOidcConfiguration,
  grantsOf,
  insertOidcMember,
  listOidcAuthorities,
  lockOidcMember,
  type StoredOidcConfiguration,
} from './oidc.repository.ts';
import { replaceGrants } from './repository.ts';
import { sha256 } from './secrets.ts';
import { startVerifiedSession, type RequestMeta, type StaffDeps } from './service.ts';

// Single sign-on with the city's identity provider over OpenID Connect (decision 13):
// authorisation code flow with PKCE, state and nonce (openid-client). The provider proves who
// the person is; the authority's claim mapping decides, at every sign-in, which roles at
// which offices they hold. People are known by (issuer, subject), never by e-mail address.

export const SSO_PATH = '/staff/sign-in/sso';
export const SSO_CALLBACK_PATH = '/staff/sign-in/sso/callback';

/** How long a started sign-in may take at the provider. */
export const SSO_PENDING_MS = 10 * 60 * 1000;
/** How long the provider's discovered metadata is used before it is fetched again. */
const DISCOVERY_TTL_MS = 60 * 60 * 1000;
/** How long the "offers single sign-on" answer of the sign-in page may be old. */
const DIRECTORY_TTL_MS = 60 * 1000;
/** Seconds the provider may take to answer one request. */
const PROVIDER_TIMEOUT_S = 10;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export type SingleSignOnDeps = StaffDeps & {
  env: 'development' | 'production' | 'test';
  /** An environment variable's value: the client secret the configuration names. */
  secretOf: (name: string) => string | undefined;
};

/** Why a single sign-on did not succeed; each has its own page and status. */
export type SsoProblem =
  'not_configured' | 'expired' | 'invalid' | 'denied' | 'refused' | 'unavailable';

/** A problem with what went wrong in words for the log (no personal data). */
export type SsoFailure = { kind: 'problem'; problem: SsoProblem; reason: string };

export type SsoStart = { kind: 'redirect'; url: string; pending: string } | SsoFailure;

export type SsoFinish = { kind: 'signed_in'; token: string; next: string } | SsoFailure;

const failure = (problem: SsoProblem, reason: string): SsoFailure => ({
  kind: 'problem',
  problem,
  reason,
});

class SsoError extends Error {
  constructor(
    readonly problem: SsoProblem,
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * What the browser keeps between leaving for the provider and coming back (in a signed,
 * short-lived cookie): the PKCE verifier, state and nonce, where to go afterwards, for which
 * authority, since when.
 */
const pendingSchema = z.object({
  authority: z.string(),
  verifier: z.string().min(43).max(128),
  state: z.string().min(1).max(200),
  nonce: z.string().min(1).max(200),
  next: z.string().max(500),
  at: z.number(),
});
type Pending = z.infer<typeof pendingSchema>;

const encodePending = (pending: Pending) =>
  Buffer.from(JSON.stringify(pending)).toString('base64url');

function decodePending(raw: string | undefined): Pending | undefined {
  if (!raw) return undefined;
  try {
    const parsed = pendingSchema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString()));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Whether an error means the provider could not be reached or answered with nonsense. */
function isUnreachable(error: unknown): boolean {
  if (error instanceof TypeError) return true; // fetch: connection refused, DNS, reset
  if (error instanceof DOMException) return ['TimeoutError', 'AbortError'].includes(error.name);
  return (
    error instanceof client.ClientError &&
    ['OAUTH_RESPONSE_IS_NOT_CONFORM', 'OAUTH_RESPONSE_IS_NOT_JSON'].includes(error.code ?? '')
  );
}

const describe = (error: unknown) =>
  error instanceof Error
    ? `${error.name}${(error as { code?: string }).code ? ` ${(error as { code?: string }).code}` : ''}: ${error.message}`
    : String(error);

const isForeignKeyViolation = (error: unknown) =>
  (error as { code?: unknown } | null)?.code === '23503';

/** The name to show: the provider's `name`, else what it has nearest to one. */
function displayNameOf(claims: Claims): string {
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  const joined = [text(claims.given_name), text(claims.family_name)].filter(Boolean).join(' ');
  const name = text(claims.name) || joined || text(claims.preferred_username) || 'SSO';
  return name.slice(0, 120);
}

/** A readable user name from the provider when it fits ours, else one from the identity. */
function usernamesFor(claims: Claims, issuer: string, subject: string): string[] {
  const fallback = `sso-${sha256(`${issuer} ${subject}`).slice(0, 12)}`;
  const preferred =
    typeof claims.preferred_username === 'string' ? claims.preferred_username.toLowerCase() : '';
  return /^[a-z0-9._-]{2,40}$/.test(preferred) ? [preferred, fallback] : [fallback];
}

const sameGrants = (a: Grant[], b: Grant[]) => {
  const key = (g: Grant) => `${g.role}\u0000${g.officeId}\u0000${g.organisationId}`;
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.length === right.length && left.every((k, i) => k === right[i]);
};

type MemberRow = { id: string; username: string; active: boolean };

/** Who the verified person is to us, decided in one transaction. */
type Resolution =
  | { kind: 'refused'; reason: string; member?: MemberRow; previous?: Grant[] }
  | { kind: 'accepted'; member: MemberRow; provisioned: boolean; previous: Grant[] };

/**
 * Single sign-on for the staff area. One per app: it keeps the providers' discovered
 * metadata and which authorities offer single sign-on, so that the sign-in page asks the
 * database at most once a minute.
 */
export function createSingleSignOn(deps: SingleSignOnDeps) {
  const discovered = new Map<string, { config: client.Configuration; until: number }>();
  let offering = new Set<string>();
  let offeringUntil = 0;
  let loading: Promise<void> | undefined;

  /** Reads which authorities offer single sign-on; a failed read keeps the last answer. */
  function refresh(): Promise<void> {
    loading ??= listOidcAuthorities(deps.db)
      .then((ids) => {
        offering = new Set(ids);
        offeringUntil = Date.now() + DIRECTORY_TTL_MS;
      })
      .catch(() => undefined)
      .finally(() => {
        loading = undefined;
      });
    return loading;
  }

  /** Whether the authority's sign-in page offers single sign-on (at most a minute old). */
  function offersSso(authorityId: string): boolean {
    if (Date.now() >= offeringUntil) void refresh();
    return offering.has(authorityId);
  }

  /** The provider's metadata and our client at it, discovered once an hour. */
  async function clientConfiguration(stored: StoredOidcConfiguration) {
    const secret = stored.clientSecretEnv ? deps.secretOf(stored.clientSecretEnv) : undefined;
    if (stored.clientSecretEnv && !secret) {
      throw new SsoError('unavailable', `environment variable ${stored.clientSecretEnv} is unset`);
    }
    const key = [stored.issuer, stored.clientId, secret ? sha256(secret) : ''].join(' ');
    const hit = discovered.get(key);
    if (hit && hit.until > Date.now()) return hit.config;
    const issuer = new URL(stored.issuer);
    // openid-client refuses plain http, rightly; a provider on this machine in development
    // or tests is the one exception, and never in production.
    const insecure = issuer.protocol === 'http:';
    if (insecure && (deps.env === 'production' || !LOOPBACK.has(issuer.hostname))) {
      throw new SsoError(
        'unavailable',
        'an http issuer is allowed only on loopback, not in production',
      );
    }
    let config: client.Configuration;
    try {
      config = await client.discovery(
        issuer,
        stored.clientId,
        secret ? { client_secret: secret } : undefined,
        secret ? client.ClientSecretBasic(secret) : client.None(),
        {
          execute: insecure ? [client.allowInsecureRequests] : [],
          timeout: PROVIDER_TIMEOUT_S,
        },
      );
    } catch (error) {
      throw new SsoError('unavailable', `discovery failed: ${describe(error)}`);
    }
    if (discovered.size > 100) discovered.clear();
    discovered.set(key, { config, until: Date.now() + DISCOVERY_TTL_MS });
    return config;
  }

  async function configured(authorityId: string) {
    const stored = await findOidcConfiguration(deps.db, authorityId);
    if (!stored) throw new SsoError('not_configured', 'no single sign-on for this authority');
    const mapping = parseClaimMapping(stored.claimMapping);
    if (!mapping.ok) throw new SsoError('unavailable', `claim mapping: ${mapping.problem}`);
    return { stored, rules: mapping.rules, config: await clientConfiguration(stored) };
  }

  /** Step one: where to send the browser, and what it keeps until it comes back. */
  async function startSignIn(authorityId: string, next: string): Promise<SsoStart> {
    try {
      const { stored, config } = await configured(authorityId);
      const pending: Pending = {
        authority: authorityId,
        verifier: client.randomPKCECodeVerifier(),
        state: client.randomState(),
        nonce: client.randomNonce(),
        next,
        at: deps.clock().getTime(),
      };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: stored.redirectUri,
        scope: stored.scopes,
        code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      return { kind: 'redirect', url: url.href, pending: encodePending(pending) };
    } catch (error) {
      if (error instanceof SsoError) return failure(error.problem, error.message);
      throw error;
    }
  }

  async function audit(
    meta: RequestMeta,
    action: 'sign_in_failed' | 'change',
    actor: { id: string | null; name: string },
    details: Record<string, unknown>,
  ) {
    await recordAudit(deps.db, {
      authorityId: meta.authorityId,
      actor,
      action,
      subject: actor.id ? { type: 'staff', id: actor.id } : undefined,
      purpose: 'sign-in',
      requestId: meta.requestId,
      client: pseudonymiseAddress(meta.address, deps.keys.pseudonym),
      details: { method: 'oidc', ...details },
    });
  }

  /** The provider's answer checked, turned into the person's verified claims. */
  async function verifiedClaims(
    config: client.Configuration,
    redirectUri: string,
    query: string,
    pending: Pending,
  ) {
    // The URL the provider sent the browser to, as registered (not as the Host header says).
    const currentUrl = new URL(redirectUri);
    currentUrl.search = query;
    let tokens;
    try {
      tokens = await client.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      if (error instanceof client.AuthorizationResponseError) {
        throw new SsoError('denied', `provider answered ${error.error}`);
      }
      if (isUnreachable(error)) throw new SsoError('unavailable', describe(error));
      throw new SsoError('invalid', describe(error));
    }
    const idClaims = tokens.claims();
    if (!idClaims) throw new SsoError('invalid', 'no ID token');
    // By default the ID token carries little more than `sub`; the rest comes from userinfo.
    let userinfo: Claims = {};
    if (config.serverMetadata().userinfo_endpoint) {
      try {
        userinfo = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      } catch (error) {
        if (isUnreachable(error)) throw new SsoError('unavailable', describe(error));
        throw new SsoError('invalid', `userinfo: ${describe(error)}`);
      }
    }
    return { issuer: idClaims.iss, subject: idClaims.sub, claims: { ...idClaims, ...userinfo } };
  }

  /**
   * Step two: the provider's answer. Checks state, PKCE and nonce, reads the claims, maps them
   * to grants (replacing the member's grants), finds or creates the member, and opens a
   * session. Every refusal after a genuine start is audited as a failed sign-in.
   */
  async function finishSignIn(
    meta: RequestMeta,
    rawPending: string | undefined,
    query: string,
  ): Promise<SsoFinish> {
    const pending = decodePending(rawPending);
    const now = deps.clock().getTime();
    if (!pending || pending.authority !== meta.authorityId || now - pending.at > SSO_PENDING_MS) {
      return failure('expired', 'no pending single sign-on in this browser');
    }
    let identity: Awaited<ReturnType<typeof verifiedClaims>>;
    let rules;
    let stored;
    try {
      const found = await configured(meta.authorityId);
      ({ rules, stored } = found);
      identity = await verifiedClaims(found.config, stored.redirectUri, query, pending);
    } catch (error) {
      if (!(error instanceof SsoError)) throw error;
      if (error.problem !== 'not_configured') {
        await audit(meta, 'sign_in_failed', { id: null, name: 'oidc' }, { reason: error.problem });
      }
      return failure(error.problem, error.message);
    }

    const { issuer, subject, claims } = identity;
    const grants = grantsFromClaims(rules, claims);
    const oidc = { issuer, subject };
    const displayName = displayNameOf(claims);
    let result: Resolution;
    try {
      result = await deps.db.transaction().execute(async (trx): Promise<Resolution> => {
        let member = await lockOidcMember(trx, meta.authorityId, oidc, displayName);
        let provisioned = false;
        if (!member) {
          if (!stored.provisionUnknown) return { kind: 'refused', reason: 'unknown person' };
          if (grants.length === 0) return { kind: 'refused', reason: 'no matching rule' };
          for (const username of usernamesFor(claims, issuer, subject)) {
            member ??= await insertOidcMember(trx, {
              authorityId: meta.authorityId,
              username,
              displayName,
              oidc,
            });
          }
          // Created by a simultaneous sign-in of the same person.
          member ??= await lockOidcMember(trx, meta.authorityId, oidc, displayName);
          if (!member) throw new SsoError('unavailable', 'no free user name');
          provisioned = true;
        }
        if (!member.active) return { kind: 'refused', reason: 'deactivated', member };
        const previous = await grantsOf(trx, member.id);
        // Re-mapped at every sign-in: what the provider says now is what the member holds,
        // also when that is nothing (the sign-in is then refused, other sessions lose access).
        await replaceGrants(trx, meta.authorityId, member.id, grants);
        if (grants.length === 0) {
          return { kind: 'refused', reason: 'no matching rule', member, previous };
        }
        return { kind: 'accepted', member, provisioned, previous };
      });
    } catch (error) {
      if (error instanceof SsoError) return failure(error.problem, error.message);
      if (!isForeignKeyViolation(error)) throw error;
      await audit(meta, 'sign_in_failed', { id: null, name: 'oidc' }, { reason: 'unavailable' });
      return failure('unavailable', 'the claim mapping names an unknown office or organisation');
    }

    const actor = result.member
      ? { id: result.member.id, name: result.member.username }
      : { id: null, name: `oidc:${subject}`.slice(0, 200) };
    if (result.previous && !sameGrants(result.previous, grants)) {
      await audit(meta, 'change', actor, { grants, previous: result.previous, source: 'claims' });
    }
    if (result.kind === 'refused') {
      await audit(meta, 'sign_in_failed', actor, { reason: result.reason, issuer });
      return failure('refused', result.reason);
    }
    if (result.provisioned) {
      await audit(meta, 'change', actor, { provisioned: true, issuer, grants });
    }
    const token = await startVerifiedSession(deps, meta, result.member, 'oidc');
    return { kind: 'signed_in', token, next: pending.next };
  }

  return { refresh, offersSso, startSignIn, finishSignIn };
}

export type SingleSignOn = ReturnType<typeof createSingleSignOn>;

import crypto from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import { pseudonymiseAddress, recordAudit, type AuditAction } from '../platform/audit/audit.ts';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db/database.ts';
import type { Grant, Principal } from '../platform/policy/policy.ts';
import {
  acceptTotpStep,
  countDemoMembers,
  clearPairFailures,
  countUnusedRecoveryCodes,
  deleteSession,
  deleteSessionsOf,
  findMemberById,
  findMemberByUsername,
  findPendingSession,
  insertMember,
  insertSession,
  listSessionsOf,
  purgeStaleSignInState,
  replaceGrants,
  replaceLanguages,
  releaseAttempt,
  replaceRecoveryCodes,
  reserveAttempt,
  setPassword,
  setTotpSecret,
  touchActiveSession,
  useRecoveryCode,
} from './repository.ts';
import { listPasskeysOf } from './passkey.repository.ts';
import {
  decryptSecret,
  encryptSecret,
  randomToken,
  readableSecret,
  sha256,
  type StaffKeys,
} from './secrets.ts';
import type { AttemptKeys } from './repository.ts';
import type { LanguageLevel, SignInMethod } from './tables.ts';

// Staff accounts and signing in (decision 11): argon2id passwords, TOTP as the mandatory
// second factor (or a passkey, or the city's single sign-on instead), sessions in PostgreSQL
// with idle and absolute limits, and throttling that slows guessing per account and per
// address without letting a stranger lock everyone out.

export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 10 * 60 * 60 * 1000;
/** Between password and second factor. */
const PENDING_MS = 10 * 60 * 1000;
/** Failures are counted over this window. */
const FAILURE_WINDOW_MS = 15 * 60 * 1000;
/**
 * Failures of one account from one client before each further attempt of that pair must
 * wait (doubling, at most 15 min): guessing slows down, while the owner at another client
 * is not affected.
 */
const PAIR_FREE_FAILURES = 5;
const PAIR_MAX_DELAY_MS = 15 * 60 * 1000;
/** Failures of one client (any account) in the window before that client must wait. */
const ADDRESS_MAX_FAILURES = 30;
/**
 * Failures of one account from all clients together before its password sign-in pauses
 * (guessing spread over many addresses); passkeys and single sign-on still work.
 */
const ACCOUNT_MAX_FAILURES = 100;
const RECOVERY_CODES = 10;
const MIN_PASSWORD_LENGTH = 12;

export type StaffDeps = { db: Db; keys: StaffKeys; clock: Clock };

/** Where a request came from, for throttling and the audit trail. */
export type RequestMeta = {
  authorityId: string;
  address: string;
  userAgent: string;
  requestId: string;
};

export type NewStaffMember = {
  authorityId: string;
  username: string;
  displayName: string;
  email?: string | null;
  grants: Grant[];
  languages: { lang: string; level: LanguageLevel }[];
  /** Generated when not given. */
  password?: string;
  /** A temporary password must be replaced at the first sign-in. */
  temporaryPassword: boolean;
  /** Demo accounts get a confirmed TOTP secret; others enrol theirs at first sign-in. */
  demo?: boolean;
  /** The authenticator app's label for the TOTP entry (the authority's name). */
  issuer: string;
};

/** Creates an account with a password and a TOTP secret (confirmed for demo accounts). */
export async function createStaffMember(
  deps: Pick<StaffDeps, 'db' | 'keys'>,
  input: NewStaffMember,
) {
  const password = input.password ?? readableSecret(4);
  const totpSecret = generateSecret();
  const passwordHash = await hash(password);
  const id = await deps.db.transaction().execute(async (trx) => {
    const staffId = await insertMember(trx, {
      authorityId: input.authorityId,
      username: input.username,
      displayName: input.displayName,
      email: input.email ?? null,
      passwordHash,
      passwordTemporary: input.temporaryPassword,
      demo: input.demo ?? false,
    });
    await replaceGrants(trx, input.authorityId, staffId, input.grants);
    await replaceLanguages(trx, staffId, input.languages);
    await setTotpSecret(trx, staffId, encryptSecret(deps.keys.encryption, totpSecret));
    if (input.demo) {
      await trx
        .updateTable('staff_member')
        .set({ totp_confirmed_at: new Date() })
        .where('id', '=', staffId)
        .execute();
    }
    return staffId;
  });
  return {
    id,
    password,
    totpSecret,
    totpUri: generateURI({ issuer: input.issuer, label: input.username, secret: totpSecret }),
  };
}

export type SignInOutcome =
  | { kind: 'failed' }
  | { kind: 'throttled'; retryAfterSeconds: number }
  | { kind: 'second_factor'; token: string }
  | { kind: 'enrol'; token: string }
  | { kind: 'signed_in'; token: string; recoveryCodes?: string[] };

const accountKey = (username: string) => `user:${username.toLowerCase()}`;

/**
 * The throttle's key for a client: a keyed hash of its own address (IPv4) or of its /64
 * (IPv6, where one host may use any address of its prefix) — never of a wider network, so
 * that failures from a shared network (a city office, public Wi-Fi) slow only their sender.
 */
function throttleKey(deps: StaffDeps, meta: RequestMeta) {
  // An IPv4 client of a dual-stack listener arrives as ::ffff:a.b.c.d.
  const address = meta.address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  const host = address.includes(':') ? address.split(':').slice(0, 4).join(':') : address;
  return crypto.createHmac('sha256', deps.keys.pseudonym).update(`client:${host}`).digest('hex');
}

async function audit(
  deps: StaffDeps,
  meta: RequestMeta,
  action: AuditAction,
  actor: { id: string | null; name: string },
  details: Record<string, unknown> = {},
) {
  await recordAudit(deps.db, {
    authorityId: meta.authorityId,
    actor,
    action,
    subject: actor.id ? { type: 'staff', id: actor.id } : undefined,
    purpose: 'sign-in',
    requestId: meta.requestId,
    client: pseudonymiseAddress(meta.address, deps.keys.pseudonym),
    details,
  });
}

/** A sign-in attempt in progress: reserved as a failure until it succeeds. */
export type Attempt = { keys: AttemptKeys; ids: string[] };

/**
 * Reserves an attempt before anything is checked, or says how long the client must wait.
 * `password` attempts (passwords and codes) are limited per account and client, per client
 * and per account; `passkey` attempts only per client, since a stranger's guesses must not
 * block an owner's passkey.
 */
export async function beginAttempt(
  deps: StaffDeps,
  meta: RequestMeta,
  username: string,
  scope: 'password' | 'passkey' = 'password',
): Promise<{ attempt: Attempt; waitSeconds: 0 } | { attempt?: undefined; waitSeconds: number }> {
  const now = deps.clock();
  const address = throttleKey(deps, meta);
  const account = accountKey(username);
  const keys = { account, address, pair: sha256(`${account}|${address}`) };
  const counts = await reserveAttempt(
    deps.db,
    meta.authorityId,
    keys,
    now,
    new Date(now.getTime() - FAILURE_WINDOW_MS),
  );
  const until = (from: Date | null, ms: number) =>
    from ? new Date(from).getTime() + ms - now.getTime() : 0;
  let waitMs = 0;
  // Until the oldest counted failure leaves the window.
  if (counts.address >= ADDRESS_MAX_FAILURES)
    waitMs = until(counts.addressFirst, FAILURE_WINDOW_MS);
  if (scope === 'password') {
    if (counts.account >= ACCOUNT_MAX_FAILURES) {
      waitMs = Math.max(waitMs, until(counts.accountFirst, FAILURE_WINDOW_MS));
    }
    if (counts.pair >= PAIR_FREE_FAILURES) {
      const delay = Math.min(1000 * 2 ** (counts.pair - PAIR_FREE_FAILURES), PAIR_MAX_DELAY_MS);
      waitMs = Math.max(waitMs, until(counts.pairLast, delay));
    }
  }
  if (waitMs > 0) {
    // A refused attempt checks nothing, so it is no failure (and does not prolong the wait).
    await releaseAttempt(deps.db, meta.authorityId, counts.ids);
    return { waitSeconds: Math.ceil(waitMs / 1000) };
  }
  return { attempt: { keys, ids: counts.ids }, waitSeconds: 0 };
}

/** A failed attempt stays counted; the trail records it (an unknown name only as a hash). */
export async function failAttempt(
  deps: StaffDeps,
  meta: RequestMeta,
  actor: { id: string | null; name: string },
  reason: string,
): Promise<SignInOutcome> {
  const name = actor.id ? actor.name : unknownName(deps, actor.name);
  await audit(deps, meta, 'sign_in_failed', { id: actor.id, name }, { reason });
  return { kind: 'failed' };
}

/** A successful attempt is no failure, nor are the owner's earlier slips from this client. */
export async function succeedAttempt(deps: StaffDeps, meta: RequestMeta, attempt: Attempt) {
  await releaseAttempt(deps.db, meta.authorityId, attempt.ids);
  await clearPairFailures(deps.db, meta.authorityId, attempt.keys.pair);
}

/**
 * What a stranger typed as a user name may be anything, even a password: the trail keeps
 * only a keyed hash of it, enough to see repeated attempts on one name.
 */
const unknownName = (deps: StaffDeps, typed: string) =>
  `unknown:${crypto.createHmac('sha256', deps.keys.pseudonym).update(typed).digest('hex').slice(0, 12)}`;

// Verified against when the account does not exist, so that timing does not reveal names.
const DUMMY_HASH = hash('not-a-password');

async function newSession(
  deps: StaffDeps,
  meta: RequestMeta,
  staffId: string,
  stage: 'second_factor' | 'enrol' | 'active',
  method: SignInMethod,
) {
  const token = randomToken();
  const now = deps.clock();
  const lifetime = stage === 'active' ? SESSION_ABSOLUTE_MS : PENDING_MS;
  await insertSession(deps.db, {
    tokenHash: sha256(token),
    authorityId: meta.authorityId,
    staffId,
    stage,
    method,
    now,
    expiresAt: new Date(now.getTime() + lifetime),
    userAgent: meta.userAgent.slice(0, 200),
  });
  return token;
}

/** Step one: user name and password. Success leads to the second factor (or its enrolment). */
export async function signInWithPassword(
  deps: StaffDeps,
  meta: RequestMeta,
  credentials: { username: string; password: string },
): Promise<SignInOutcome> {
  const username = credentials.username.toLowerCase();
  const { attempt, waitSeconds } = await beginAttempt(deps, meta, username);
  if (!attempt) return { kind: 'throttled', retryAfterSeconds: waitSeconds };
  const member = await findMemberByUsername(deps.db, meta.authorityId, username);
  const ok = await verify(member?.passwordHash ?? (await DUMMY_HASH), credentials.password);
  if (!member || !member.passwordHash || !ok || !member.active) {
    const reason = !member ? 'unknown user' : !member.active ? 'deactivated' : 'password';
    return failAttempt(deps, meta, { id: member?.id ?? null, name: username }, reason);
  }
  // The password was right; the attempt counts again only if the second factor fails.
  await releaseAttempt(deps.db, meta.authorityId, attempt.ids);
  const enrol = member.passwordTemporary || !member.totpConfirmedAt;
  const stage = enrol ? 'enrol' : 'second_factor';
  return { kind: stage, token: await newSession(deps, meta, member.id, stage, 'password') };
}

/** The half-finished sign-in of a token, on the authority (host) where it began. */
async function pendingMember(deps: StaffDeps, authorityId: string, token: string) {
  const session = await findPendingSession(deps.db, authorityId, sha256(token), deps.clock());
  if (!session) return undefined;
  const member = await findMemberById(deps.db, session.authorityId, session.staffId);
  return member?.active ? { session, member } : undefined;
}

/** A TOTP time step that the member's secret accepts now (previous step included). */
async function matchingStep(deps: StaffDeps, sealedSecret: string, code: string) {
  if (!/^\d{6}$/.test(code)) return undefined;
  const result = await verifyTotp({
    secret: decryptSecret(deps.keys.encryption, sealedSecret),
    token: code,
    epoch: Math.floor(deps.clock().getTime() / 1000),
    epochTolerance: 30,
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

async function activate(
  deps: StaffDeps,
  meta: RequestMeta,
  token: string,
  member: { id: string; username: string },
  method: SignInMethod,
  attempt: Attempt,
) {
  // A new session id at sign-in: the pending token ends, a fresh one carries the session.
  await deleteSession(deps.db, sha256(token));
  const active = await newSession(deps, meta, member.id, 'active', method);
  await succeedAttempt(deps, meta, attempt);
  await audit(deps, meta, 'sign_in', { id: member.id, name: member.username }, { method });
  return active;
}

/** Step two: a TOTP code, or one of the recovery codes. */
export async function completeSecondFactor(
  deps: StaffDeps,
  meta: RequestMeta,
  token: string,
  code: string,
): Promise<SignInOutcome | undefined> {
  const pending = await pendingMember(deps, meta.authorityId, token);
  if (!pending || pending.session.stage !== 'second_factor') return undefined;
  const { member } = pending;
  const { attempt, waitSeconds } = await beginAttempt(deps, meta, member.username);
  if (!attempt) return { kind: 'throttled', retryAfterSeconds: waitSeconds };
  const actor = { id: member.id, name: member.username };
  const compact = code.replace(/\s+/g, '').toLowerCase();
  if (/^\d{6}$/.test(compact)) {
    const step = member.totpSecret
      ? await matchingStep(deps, member.totpSecret, compact)
      : undefined;
    // A valid code whose step was already used is a replay: refused like a wrong one.
    if (step === undefined || !(await acceptTotpStep(deps.db, member.id, step))) {
      return failAttempt(deps, meta, actor, step === undefined ? 'totp' : 'totp replay');
    }
    const active = await activate(deps, meta, token, member, 'totp', attempt);
    return { kind: 'signed_in', token: active };
  }
  const recovery = normaliseRecoveryCode(compact);
  if (!recovery || !(await useRecoveryCode(deps.db, member.id, sha256(recovery), deps.clock()))) {
    return failAttempt(deps, meta, actor, 'recovery code');
  }
  const active = await activate(deps, meta, token, member, 'recovery_code', attempt);
  return { kind: 'signed_in', token: active };
}

const normaliseRecoveryCode = (code: string) => {
  const bare = code.replace(/[^a-z0-9]/g, '');
  return bare.length === 15 ? bare.match(/.{5}/g)!.join('-') : undefined;
};

export type Enrolment = { username: string; secret: string; uri: string; needsPassword: boolean };

/** What the enrolment page shows: the TOTP secret to scan and whether a new password is due. */
export async function enrolmentFor(
  deps: StaffDeps,
  authority: { id: string; name: string },
  token: string,
): Promise<Enrolment | undefined> {
  const issuer = authority.name;
  const pending = await pendingMember(deps, authority.id, token);
  if (!pending || pending.session.stage !== 'enrol') return undefined;
  const { member } = pending;
  let secret = member.totpSecret && decryptSecret(deps.keys.encryption, member.totpSecret);
  if (!secret || member.totpConfirmedAt) {
    secret = generateSecret();
    await setTotpSecret(deps.db, member.id, encryptSecret(deps.keys.encryption, secret));
  }
  return {
    username: member.username,
    secret,
    uri: generateURI({ issuer, label: member.username, secret }),
    needsPassword: member.passwordTemporary,
  };
}

export type EnrolmentProblem = 'code' | 'passwordTooShort' | 'passwordMismatch';

/** Confirms the TOTP secret with a code (and replaces a temporary password); signs in. */
export async function completeEnrolment(
  deps: StaffDeps,
  meta: RequestMeta,
  token: string,
  input: { code: string; newPassword?: string; repeatPassword?: string },
): Promise<
  { problems: EnrolmentProblem[] } | { token: string; recoveryCodes: string[] } | undefined
> {
  const pending = await pendingMember(deps, meta.authorityId, token);
  const secret = pending?.member.totpSecret;
  if (!pending || pending.session.stage !== 'enrol' || !secret) return undefined;
  const { member } = pending;
  const { attempt } = await beginAttempt(deps, meta, member.username);
  if (!attempt) return { problems: ['code'] };
  const problems: EnrolmentProblem[] = [];
  if (member.passwordTemporary) {
    if ((input.newPassword ?? '').length < MIN_PASSWORD_LENGTH) problems.push('passwordTooShort');
    else if (input.newPassword !== input.repeatPassword) problems.push('passwordMismatch');
  }
  const step = await matchingStep(deps, secret, input.code.replace(/\s+/g, ''));
  if (step === undefined) {
    problems.push('code');
    // A wrong code counts like a wrong password (the temporary password may be stolen).
    await failAttempt(deps, meta, { id: member.id, name: member.username }, 'enrolment code');
  } else if (problems.length > 0) {
    // Only the new password was wrong: no guess at a code, no failure.
    await releaseAttempt(deps.db, meta.authorityId, attempt.ids);
  }
  if (problems.length > 0 || step === undefined) return { problems };
  if (!(await acceptTotpStep(deps.db, member.id, step, deps.clock()))) {
    await failAttempt(deps, meta, { id: member.id, name: member.username }, 'totp replay');
    return { problems: ['code'] };
  }
  if (member.passwordTemporary && input.newPassword) {
    await setPassword(deps.db, member.id, await hash(input.newPassword), false);
    await audit(deps, meta, 'password_changed', { id: member.id, name: member.username });
  }
  const recoveryCodes = await issueRecoveryCodes(deps.db, member.id);
  await audit(deps, meta, 'second_factor_enrolled', { id: member.id, name: member.username });
  return { token: await activate(deps, meta, token, member, 'totp', attempt), recoveryCodes };
}

async function issueRecoveryCodes(db: Db, staffId: string) {
  const codes = Array.from({ length: RECOVERY_CODES }, () => readableSecret(3));
  await replaceRecoveryCodes(db, staffId, codes.map(sha256));
  return codes;
}

/** New recovery codes (the old ones stop working), shown once. */
export async function renewRecoveryCodes(deps: StaffDeps, meta: RequestMeta, principal: Principal) {
  const codes = await issueRecoveryCodes(deps.db, principal.staffId);
  await audit(deps, meta, 'second_factor_enrolled', actorOf(principal), { recoveryCodes: true });
  return codes;
}

/**
 * A session for a member who proved who they are another way (a passkey, the city's single
 * sign-on): active at once, since both count as strong authentication.
 */
export async function startVerifiedSession(
  deps: StaffDeps,
  meta: RequestMeta,
  member: { id: string; username: string },
  method: 'passkey' | 'oidc',
): Promise<string> {
  const token = await newSession(deps, meta, member.id, 'active', method);
  await audit(deps, meta, 'sign_in', { id: member.id, name: member.username }, { method });
  return token;
}

/** The signed-in member of a session token, renewing the session's idle time. */
export function principalOfSession(deps: StaffDeps, authorityId: string, token: string) {
  const now = deps.clock();
  return touchActiveSession(
    deps.db,
    authorityId,
    sha256(token),
    now,
    new Date(now.getTime() - SESSION_IDLE_MS),
  );
}

const actorOf = (principal: Principal) => ({ id: principal.staffId, name: principal.username });

export async function signOut(
  deps: StaffDeps,
  meta: RequestMeta,
  token: string,
  principal?: Principal,
) {
  await deleteSession(deps.db, sha256(token));
  if (principal) await audit(deps, meta, 'sign_out', actorOf(principal));
}

/** Ends every session of the signed-in member, this one included. */
export async function signOutEverywhere(deps: StaffDeps, meta: RequestMeta, principal: Principal) {
  const ended = await deleteSessionsOf(deps.db, principal.authorityId, principal.staffId);
  await audit(deps, meta, 'sign_out', actorOf(principal), { everywhere: true, sessions: ended });
  return ended;
}

/** What the own-account page shows. */
export async function accountOverview(deps: StaffDeps, principal: Principal) {
  const [sessions, recoveryCodesLeft, passkeys] = await Promise.all([
    listSessionsOf(deps.db, principal.staffId, deps.clock()),
    countUnusedRecoveryCodes(deps.db, principal.staffId),
    listPasskeysOf(deps.db, principal.staffId),
  ]);
  return {
    sessions: sessions.map((s) => ({ ...s, current: s.id === principal.sessionId })),
    recoveryCodesLeft,
    passkeys,
  };
}

/** Retention for sign-in state: ended sessions and aged failure counts. */
export function purgeSignInState(db: Db, now: Date) {
  return purgeStaleSignInState(
    db,
    now,
    new Date(now.getTime() - SESSION_IDLE_MS),
    new Date(now.getTime() - 24 * 60 * 60 * 1000),
  );
}

export const countDemoAccounts = countDemoMembers;

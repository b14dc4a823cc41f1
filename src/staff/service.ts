import { hash, verify } from '@node-rs/argon2';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import { pseudonymiseAddress, recordAudit, type AuditAction } from '../platform/audit/audit.ts';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db/database.ts';
import type { Grant, Principal } from '../platform/policy/policy.ts';
import {
  acceptTotpStep,
  clearAccountFailures,
  countDemoMembers,
  countFailures,
  countUnusedRecoveryCodes,
  deleteSession,
  deleteSessionsOf,
  findMemberById,
  findMemberByUsername,
  findPendingSession,
  insertFailure,
  insertMember,
  insertSession,
  listSessionsOf,
  purgeStaleSignInState,
  replaceGrants,
  replaceLanguages,
  replaceRecoveryCodes,
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
/** Failures per account before each further attempt must wait (doubling, at most 15 min). */
const ACCOUNT_FREE_FAILURES = 5;
const ACCOUNT_MAX_DELAY_MS = 15 * 60 * 1000;
/** Failures per client address in the window before that address (only) must wait. */
const ADDRESS_MAX_FAILURES = 30;
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

function addressKey(deps: StaffDeps, meta: RequestMeta) {
  return pseudonymiseAddress(meta.address, deps.keys.pseudonym);
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
    client: addressKey(deps, meta),
    details,
  });
}

/** How long the caller must wait before the next attempt for this account or address. */
export async function throttle(deps: StaffDeps, meta: RequestMeta, username: string) {
  const now = deps.clock();
  const keys = { account: accountKey(username), address: addressKey(deps, meta) };
  const counts = await countFailures(
    deps.db,
    meta.authorityId,
    keys,
    new Date(now.getTime() - FAILURE_WINDOW_MS),
  );
  let waitMs = 0;
  if (counts.address >= ADDRESS_MAX_FAILURES) waitMs = FAILURE_WINDOW_MS;
  if (counts.account >= ACCOUNT_FREE_FAILURES && counts.accountLast) {
    const delay = Math.min(
      1000 * 2 ** (counts.account - ACCOUNT_FREE_FAILURES),
      ACCOUNT_MAX_DELAY_MS,
    );
    waitMs = Math.max(waitMs, new Date(counts.accountLast).getTime() + delay - now.getTime());
  }
  return { keys, waitSeconds: Math.ceil(Math.max(0, waitMs) / 1000) };
}

/** Counts and audits a failed sign-in (any method: password, code, passkey). */
export async function fail(
  deps: StaffDeps,
  meta: RequestMeta,
  keys: { account: string; address: string },
  actor: { id: string | null; name: string },
  reason: string,
): Promise<SignInOutcome> {
  await insertFailure(deps.db, meta.authorityId, keys, deps.clock());
  await audit(deps, meta, 'sign_in_failed', actor, { reason });
  return { kind: 'failed' };
}

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
  const { keys, waitSeconds } = await throttle(deps, meta, username);
  if (waitSeconds > 0) {
    await audit(
      deps,
      meta,
      'sign_in_failed',
      { id: null, name: username },
      { reason: 'throttled' },
    );
    return { kind: 'throttled', retryAfterSeconds: waitSeconds };
  }
  const member = await findMemberByUsername(deps.db, meta.authorityId, username);
  const ok = await verify(member?.passwordHash ?? (await DUMMY_HASH), credentials.password);
  if (!member || !member.passwordHash || !ok || !member.active) {
    const reason = !member ? 'unknown user' : !member.active ? 'deactivated' : 'password';
    return fail(deps, meta, keys, { id: member?.id ?? null, name: username }, reason);
  }
  const enrol = member.passwordTemporary || !member.totpConfirmedAt;
  const stage = enrol ? 'enrol' : 'second_factor';
  return { kind: stage, token: await newSession(deps, meta, member.id, stage, 'password') };
}

async function pendingMember(deps: StaffDeps, token: string) {
  const session = await findPendingSession(deps.db, sha256(token), deps.clock());
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
) {
  // A new session id at sign-in: the pending token ends, a fresh one carries the session.
  await deleteSession(deps.db, sha256(token));
  const active = await newSession(deps, meta, member.id, 'active', method);
  await clearAccountFailures(deps.db, meta.authorityId, accountKey(member.username));
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
  const pending = await pendingMember(deps, token);
  if (!pending || pending.session.stage !== 'second_factor') return undefined;
  const { member } = pending;
  const { keys, waitSeconds } = await throttle(deps, meta, member.username);
  if (waitSeconds > 0) return { kind: 'throttled', retryAfterSeconds: waitSeconds };
  const actor = { id: member.id, name: member.username };
  const compact = code.replace(/\s+/g, '').toLowerCase();
  if (/^\d{6}$/.test(compact)) {
    const step = member.totpSecret
      ? await matchingStep(deps, member.totpSecret, compact)
      : undefined;
    // A valid code whose step was already used is a replay: refused like a wrong one.
    if (step === undefined || !(await acceptTotpStep(deps.db, member.id, step))) {
      return fail(deps, meta, keys, actor, step === undefined ? 'totp' : 'totp replay');
    }
    return { kind: 'signed_in', token: await activate(deps, meta, token, member, 'totp') };
  }
  const recovery = normaliseRecoveryCode(compact);
  if (!recovery || !(await useRecoveryCode(deps.db, member.id, sha256(recovery), deps.clock()))) {
    return fail(deps, meta, keys, actor, 'recovery code');
  }
  return { kind: 'signed_in', token: await activate(deps, meta, token, member, 'recovery_code') };
}

const normaliseRecoveryCode = (code: string) => {
  const bare = code.replace(/[^a-z0-9]/g, '');
  return bare.length === 15 ? bare.match(/.{5}/g)!.join('-') : undefined;
};

export type Enrolment = { username: string; secret: string; uri: string; needsPassword: boolean };

/** What the enrolment page shows: the TOTP secret to scan and whether a new password is due. */
export async function enrolmentFor(
  deps: StaffDeps,
  token: string,
  issuer: string,
): Promise<Enrolment | undefined> {
  const pending = await pendingMember(deps, token);
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
  const pending = await pendingMember(deps, token);
  const secret = pending?.member.totpSecret;
  if (!pending || pending.session.stage !== 'enrol' || !secret) return undefined;
  const { member } = pending;
  const problems: EnrolmentProblem[] = [];
  if (member.passwordTemporary) {
    if ((input.newPassword ?? '').length < MIN_PASSWORD_LENGTH) problems.push('passwordTooShort');
    else if (input.newPassword !== input.repeatPassword) problems.push('passwordMismatch');
  }
  const step = await matchingStep(deps, secret, input.code.replace(/\s+/g, ''));
  if (step === undefined) problems.push('code');
  if (problems.length > 0 || step === undefined) return { problems };
  if (!(await acceptTotpStep(deps.db, member.id, step, deps.clock())))
    return { problems: ['code'] };
  if (member.passwordTemporary && input.newPassword) {
    await setPassword(deps.db, member.id, await hash(input.newPassword), false);
    await audit(deps, meta, 'password_changed', { id: member.id, name: member.username });
  }
  const recoveryCodes = await issueRecoveryCodes(deps.db, member.id);
  await audit(deps, meta, 'second_factor_enrolled', { id: member.id, name: member.username });
  return { token: await activate(deps, meta, token, member, 'totp'), recoveryCodes };
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
  await clearAccountFailures(deps.db, meta.authorityId, accountKey(member.username));
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

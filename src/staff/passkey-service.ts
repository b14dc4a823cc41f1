import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { pseudonymiseAddress, recordAudit, type AuditAction } from '../platform/audit/audit.ts';
import { AppError } from '../platform/http/errors.ts';
import type { Principal } from '../platform/policy/policy.ts';
import {
  deletePasskeyOf,
  findPasskeyInAuthority,
  insertChallenge,
  insertPasskey,
  listPasskeysOf,
  recordPasskeyUse,
  takeChallenge,
  isSsoMember,
} from './passkey.repository.ts';
import type { PasskeyPurpose } from './passkey-tables.ts';
import { randomToken, sha256 } from './secrets.ts';
import {
  startVerifiedSession,
  beginAttempt,
  failAttempt,
  succeedAttempt,
  type RequestMeta,
  type SignInOutcome,
  type StaffDeps,
} from './service.ts';

// Passkeys (WebAuthn) for staff: an alternative to password + TOTP that needs no code, since
// a passkey with user verification is two factors in one (the device, and its PIN or
// fingerprint). Passkeys are discoverable: the sign-in asks for none in particular and the
// authenticator offers the member's own, whose user handle is the member's id.
// Each ceremony's challenge is stored and used once (migration 0009).

/** The relying party of a request: its host name (one per authority host) and origin. */
export type RelyingParty = { id: string; origin: string; name: string };

const CHALLENGE_MS = 5 * 60 * 1000;
/** How long the browser lets the person answer (shorter than the challenge lives). */
const CEREMONY_TIMEOUT_MS = 2 * 60 * 1000;
const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);

async function issueChallenge(
  deps: StaffDeps,
  authorityId: string,
  purpose: PasskeyPurpose,
  challenge: string,
  member?: { staffId: string; name: string },
) {
  const handle = randomToken();
  const now = deps.clock();
  await insertChallenge(
    deps.db,
    {
      authorityId,
      handleHash: sha256(handle),
      purpose,
      challenge,
      staffId: member?.staffId ?? null,
      name: member?.name ?? null,
      expiresAt: new Date(now.getTime() + CHALLENGE_MS),
    },
    now,
  );
  return handle;
}

async function auditOwnAccount(
  deps: StaffDeps,
  meta: RequestMeta,
  principal: Principal,
  action: AuditAction,
  credentialId: string,
) {
  await recordAudit(deps.db, {
    authorityId: principal.authorityId,
    actor: { id: principal.staffId, name: principal.username },
    action,
    subject: { type: 'staff', id: principal.staffId },
    fields: ['passkeys'],
    purpose: 'own account',
    requestId: meta.requestId,
    client: pseudonymiseAddress(meta.address, deps.keys.pseudonym),
    // The opaque credential id ties the entry to the passkey; its name is the member's words.
    details: { credential: credentialId },
  });
}

/** Options for the browser to create a passkey for the signed-in member, and the handle. */
export async function startPasskeyRegistration(
  deps: StaffDeps,
  principal: Principal,
  rp: RelyingParty,
  name: string,
): Promise<{ handle: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  // Single sign-on members sign in at the city's provider (see signInWithPasskey).
  if (await isSsoMember(deps.db, principal.staffId)) throw new AppError('FORBIDDEN');
  const existing = await listPasskeysOf(deps.db, principal.staffId);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: principal.username,
    userDisplayName: principal.displayName,
    userID: new TextEncoder().encode(principal.staffId),
    timeout: CEREMONY_TIMEOUT_MS,
    attestationType: 'none',
    // The same authenticator is not registered twice for one member.
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  const handle = await issueChallenge(deps, principal.authorityId, 'register', options.challenge, {
    staffId: principal.staffId,
    name,
  });
  return { handle, options };
}

export type RegistrationOutcome = 'added' | 'expired' | 'failed';

/** Verifies the browser's answer and stores the passkey under the name given at the start. */
export async function finishPasskeyRegistration(
  deps: StaffDeps,
  meta: RequestMeta,
  principal: Principal,
  rp: RelyingParty,
  handle: string | undefined,
  response: RegistrationResponseJSON,
): Promise<RegistrationOutcome> {
  const pending = handle
    ? await takeChallenge(
        deps.db,
        {
          authorityId: principal.authorityId,
          handleHash: sha256(handle),
          purpose: 'register',
          staffId: principal.staffId,
        },
        deps.clock(),
      )
    : undefined;
  if (!pending?.name) return 'expired';
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: pending.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
    });
  } catch {
    // Malformed data, another origin or challenge, no user verification: all one refusal.
    return 'failed';
  }
  if (!verification.verified) return 'failed';
  const { credential } = verification.registrationInfo;
  const stored = await insertPasskey(deps.db, {
    credentialId: credential.id,
    staffId: principal.staffId,
    publicKey: credential.publicKey,
    counter: credential.counter,
    transports: (credential.transports ?? []).filter((t) => TRANSPORTS.has(t)),
    name: pending.name,
  });
  if (!stored) return 'failed';
  await auditOwnAccount(deps, meta, principal, 'passkey_added', credential.id);
  return 'added';
}

/** Removes one of the signed-in member's passkeys (another member's is never found). */
export async function removePasskey(
  deps: StaffDeps,
  meta: RequestMeta,
  principal: Principal,
  credentialId: string,
): Promise<boolean> {
  const removed = await deletePasskeyOf(deps.db, principal.staffId, credentialId);
  if (removed) await auditOwnAccount(deps, meta, principal, 'passkey_removed', credentialId);
  return removed !== undefined;
}

/** Options for the browser to sign in with any passkey of this host, and the handle. */
export async function startPasskeySignIn(
  deps: StaffDeps,
  authorityId: string,
  rp: RelyingParty,
): Promise<{ handle: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    userVerification: 'required',
    timeout: CEREMONY_TIMEOUT_MS,
  });
  const handle = await issueChallenge(deps, authorityId, 'sign_in', options.challenge);
  return { handle, options };
}

export type PasskeySignInOutcome =
  Extract<SignInOutcome, { kind: 'failed' | 'throttled' | 'signed_in' }> | { kind: 'expired' };

/** The member id a discoverable credential was created with (see startPasskeyRegistration). */
const userOfHandle = (userHandle: string | undefined) =>
  userHandle === undefined ? undefined : Buffer.from(userHandle, 'base64url').toString('utf8');

/**
 * Signs in with a passkey: the challenge of this browser's ceremony is used up, the passkey
 * must belong to a member of this authority, and its signature, origin, RP ID and user
 * verification must check out. Failures count and are throttled like wrong passwords.
 */
export async function signInWithPasskey(
  deps: StaffDeps,
  meta: RequestMeta,
  rp: RelyingParty,
  handle: string | undefined,
  response: AuthenticationResponseJSON,
): Promise<PasskeySignInOutcome> {
  const pending = handle
    ? await takeChallenge(
        deps.db,
        { authorityId: meta.authorityId, handleHash: sha256(handle), purpose: 'sign_in' },
        deps.clock(),
      )
    : undefined;
  if (!pending) return { kind: 'expired' };
  const passkey = await findPasskeyInAuthority(deps.db, meta.authorityId, response.id);
  // An unknown passkey names no account: it counts against the address (its account key,
  // not a valid user name, belongs to no one).
  const username = passkey?.username ?? '(unknown passkey)';
  // Only the client is limited: a stranger's password guesses must not block a passkey.
  const { attempt, waitSeconds } = await beginAttempt(deps, meta, username, 'passkey');
  if (!attempt) return { kind: 'throttled', retryAfterSeconds: waitSeconds };
  const refuse = async (reason: string) => {
    await failAttempt(deps, meta, { id: passkey?.staffId ?? null, name: username }, reason);
    return { kind: 'failed' } as const;
  };
  if (!passkey) return refuse('unknown passkey');
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: pending.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(passkey.publicKey),
        counter: Number(passkey.counter),
        transports: passkey.transports,
      },
    });
  } catch {
    return refuse('passkey');
  }
  const user = userOfHandle(response.response.userHandle);
  if (!verification.verified || (user !== undefined && user !== passkey.staffId)) {
    return refuse('passkey');
  }
  if (!passkey.active) return refuse('deactivated');
  // Members of the city's single sign-on sign in there, so that the provider's removal of
  // an account or role takes effect; a passkey must not outlive it.
  if (passkey.sso) return refuse('single sign-on member');
  await succeedAttempt(deps, meta, attempt);
  // A synced passkey reports 0 every time; the library refuses only a counter that went back.
  await recordPasskeyUse(
    deps.db,
    passkey.credentialId,
    verification.authenticationInfo.newCounter,
    deps.clock(),
  );
  const token = await startVerifiedSession(
    deps,
    meta,
    { id: passkey.staffId, username: passkey.username },
    'passkey',
  );
  return { kind: 'signed_in', token };
}

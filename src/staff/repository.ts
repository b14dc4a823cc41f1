import { sql, type Kysely } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { Database } from '../platform/db/tables.ts';
import type { Grant, Principal } from '../platform/policy/policy.ts';
import type { LanguageLevel, SessionStage, SignInMethod } from './tables.ts';
import './tables.ts';

type Executor = Kysely<Database>;

export type NewMember = {
  authorityId: string;
  username: string;
  displayName: string;
  email: string | null;
  passwordHash: string | null;
  passwordTemporary: boolean;
  demo: boolean;
  oidc?: { issuer: string; subject: string };
};

export async function insertMember(db: Executor, member: NewMember): Promise<string> {
  const row = await db
    .insertInto('staff_member')
    .values({
      authority_id: member.authorityId,
      username: member.username,
      display_name: member.displayName,
      email: member.email,
      password_hash: member.passwordHash,
      password_temporary: member.passwordTemporary,
      demo: member.demo,
      oidc_issuer: member.oidc?.issuer ?? null,
      oidc_subject: member.oidc?.subject ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function replaceGrants(
  db: Executor,
  authorityId: string,
  staffId: string,
  grants: Grant[],
) {
  await db.deleteFrom('staff_role').where('staff_id', '=', staffId).execute();
  if (grants.length === 0) return;
  await db
    .insertInto('staff_role')
    .values(
      grants.map((g) => ({
        authority_id: authorityId,
        staff_id: staffId,
        role: g.role,
        office_id: g.officeId,
        organisation_id: g.organisationId,
      })),
    )
    .execute();
}

export async function replaceLanguages(
  db: Executor,
  staffId: string,
  languages: { lang: string; level: LanguageLevel }[],
) {
  await db.deleteFrom('staff_language').where('staff_id', '=', staffId).execute();
  if (languages.length === 0) return;
  await db
    .insertInto('staff_language')
    .values(languages.map((l) => ({ staff_id: staffId, lang: l.lang, level: l.level })))
    .execute();
}

const memberColumns = [
  'id',
  'authority_id as authorityId',
  'username',
  'display_name as displayName',
  'password_hash as passwordHash',
  'password_temporary as passwordTemporary',
  'totp_secret as totpSecret',
  'totp_confirmed_at as totpConfirmedAt',
  'active',
  'demo',
] as const;

export const findMemberByUsername = (db: Db, authorityId: string, username: string) =>
  db
    .selectFrom('staff_member')
    .where('authority_id', '=', authorityId)
    .where('username', '=', username)
    .select(memberColumns)
    .executeTakeFirst();

export const findMemberById = (db: Db, authorityId: string, id: string) =>
  db
    .selectFrom('staff_member')
    .where('authority_id', '=', authorityId)
    .where('id', '=', id)
    .select(memberColumns)
    .executeTakeFirst();

export const findMemberByOidc = (db: Db, authorityId: string, issuer: string, subject: string) =>
  db
    .selectFrom('staff_member')
    .where('authority_id', '=', authorityId)
    .where('oidc_issuer', '=', issuer)
    .where('oidc_subject', '=', subject)
    .select(memberColumns)
    .executeTakeFirst();

export async function setPassword(db: Executor, staffId: string, hash: string, temporary: boolean) {
  await db
    .updateTable('staff_member')
    .set({ password_hash: hash, password_temporary: temporary })
    .where('id', '=', staffId)
    .execute();
}

/** A new, unconfirmed TOTP secret (enrolment or reset); the old factor stops working. */
export async function setTotpSecret(db: Executor, staffId: string, sealed: string | null) {
  await db
    .updateTable('staff_member')
    .set({ totp_secret: sealed, totp_confirmed_at: null, totp_last_step: null })
    .where('id', '=', staffId)
    .execute();
}

/**
 * Accepts a TOTP time step once: the guarded update succeeds only for a step later than the
 * last one accepted, so a code cannot be replayed, not even by two requests at once.
 */
export async function acceptTotpStep(
  db: Executor,
  staffId: string,
  step: number,
  confirmAt?: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('staff_member')
    .set({
      totp_last_step: step,
      ...(confirmAt ? { totp_confirmed_at: confirmAt } : {}),
    })
    .where('id', '=', staffId)
    .where((eb) =>
      eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', String(step))]),
    )
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function replaceRecoveryCodes(db: Executor, staffId: string, hashes: string[]) {
  await db.deleteFrom('staff_recovery_code').where('staff_id', '=', staffId).execute();
  if (hashes.length === 0) return;
  await db
    .insertInto('staff_recovery_code')
    .values(hashes.map((code_hash) => ({ staff_id: staffId, code_hash, used_at: null })))
    .execute();
}

/** Uses a recovery code once (guarded: a used code is never accepted again). */
export async function useRecoveryCode(db: Db, staffId: string, hash: string, now: Date) {
  const result = await db
    .updateTable('staff_recovery_code')
    .set({ used_at: now })
    .where('staff_id', '=', staffId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export const countUnusedRecoveryCodes = async (db: Db, staffId: string) =>
  Number(
    (
      await db
        .selectFrom('staff_recovery_code')
        .where('staff_id', '=', staffId)
        .where('used_at', 'is', null)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

export type NewSession = {
  tokenHash: string;
  authorityId: string;
  staffId: string;
  stage: SessionStage;
  method: SignInMethod;
  now: Date;
  expiresAt: Date;
  userAgent: string;
};

export async function insertSession(db: Executor, s: NewSession) {
  await db
    .insertInto('staff_session')
    .values({
      token_hash: s.tokenHash,
      authority_id: s.authorityId,
      staff_id: s.staffId,
      stage: s.stage,
      method: s.method,
      created_at: s.now,
      last_seen_at: s.now,
      expires_at: s.expiresAt,
      user_agent: s.userAgent,
    })
    .execute();
}

/** A session that is part-way through signing in (second factor or enrolment pending). */
export const findPendingSession = (db: Db, authorityId: string, tokenHash: string, now: Date) =>
  db
    .selectFrom('staff_session')
    .where('authority_id', '=', authorityId)
    .where('token_hash', '=', tokenHash)
    .where('stage', '!=', 'active')
    .where('expires_at', '>', now)
    .select(['staff_id as staffId', 'authority_id as authorityId', 'stage', 'method'])
    .executeTakeFirst();

export async function deleteSession(db: Executor, tokenHash: string) {
  await db.deleteFrom('staff_session').where('token_hash', '=', tokenHash).execute();
}

export async function deleteSessionsOf(db: Executor, authorityId: string, staffId: string) {
  const result = await db
    .deleteFrom('staff_session')
    .where('authority_id', '=', authorityId)
    .where('staff_id', '=', staffId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

type PrincipalRow = {
  staff_id: string;
  authority_id: string;
  username: string;
  display_name: string;
  grants: Grant[];
};

/**
 * The principal of an active session, in one round trip: the session's idle clock is reset
 * (only while it is neither idle too long nor past its absolute end) and the member's roles
 * are read with it. A deactivated member has no principal.
 */
export async function touchActiveSession(
  db: Db,
  authorityId: string,
  tokenHash: string,
  now: Date,
  idleSince: Date,
): Promise<Principal | undefined> {
  const result = await sql<PrincipalRow>`
    WITH s AS (
      UPDATE staff_session SET last_seen_at = ${now}
      WHERE token_hash = ${tokenHash} AND authority_id = ${authorityId} AND stage = 'active'
        AND expires_at > ${now} AND last_seen_at > ${idleSince}
      RETURNING staff_id, authority_id
    )
    SELECT m.id AS staff_id, m.authority_id, m.username, m.display_name,
      coalesce(
        (SELECT json_agg(json_build_object('role', r.role, 'officeId', r.office_id,
                 'organisationId', r.organisation_id))
         FROM staff_role r WHERE r.staff_id = m.id),
        '[]'::json) AS grants
    FROM s JOIN staff_member m ON m.id = s.staff_id AND m.active
  `.execute(db);
  const row = result.rows[0];
  return row
    ? {
        staffId: row.staff_id,
        authorityId: row.authority_id,
        username: row.username,
        displayName: row.display_name,
        grants: row.grants,
        sessionId: tokenHash,
      }
    : undefined;
}

export const listSessionsOf = (db: Db, staffId: string, now: Date) =>
  db
    .selectFrom('staff_session')
    .where('staff_id', '=', staffId)
    .where('stage', '=', 'active')
    .where('expires_at', '>', now)
    .select([
      'token_hash as id',
      'method',
      'created_at as createdAt',
      'last_seen_at as lastSeenAt',
      'user_agent as userAgent',
    ])
    .orderBy('last_seen_at', 'desc')
    .execute();

export type AttemptKeys = { account: string; address: string; pair: string };

export type AttemptCounts = {
  ids: string[];
  account: number;
  accountFirst: Date | null;
  address: number;
  addressFirst: Date | null;
  pair: number;
  pairLast: Date | null;
};

/**
 * Reserves a sign-in attempt as a failure (of the account, the client and the pair) and
 * returns the failures before it in the window — one step under locks (migration 0014), so
 * that parallel attempts are counted one after the other.
 */
export async function reserveAttempt(
  db: Db,
  authorityId: string,
  keys: AttemptKeys,
  now: Date,
  since: Date,
): Promise<AttemptCounts> {
  const { rows } = await sql<{
    ids: string[];
    account_count: number;
    account_first: Date | null;
    address_count: number;
    address_first: Date | null;
    pair_count: number;
    pair_last: Date | null;
  }>`SELECT * FROM reserve_sign_in_attempt(${authorityId}, ${keys.account}, ${keys.address},
       ${keys.pair}, ${now}, ${since})`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('reserve_sign_in_attempt returned nothing');
  return {
    ids: row.ids.map(String),
    account: row.account_count,
    accountFirst: row.account_first,
    address: row.address_count,
    addressFirst: row.address_first,
    pair: row.pair_count,
    pairLast: row.pair_last,
  };
}

/** An attempt that succeeded (or was not made) is no failure. */
export async function releaseAttempt(db: Db, authorityId: string, ids: string[]) {
  if (ids.length === 0) return;
  await db
    .deleteFrom('sign_in_failure')
    .where('authority_id', '=', authorityId)
    .where('id', 'in', ids)
    .execute();
}

/** After a successful sign-in, the owner's own earlier slips from this client are forgiven. */
export async function clearPairFailures(db: Db, authorityId: string, pairKey: string) {
  await db
    .deleteFrom('sign_in_failure')
    .where('authority_id', '=', authorityId)
    .where('kind', '=', 'pair')
    .where('key', '=', pairKey)
    .execute();
}

/** Retention: sessions past their end or idle limit, failures past the window. */
export async function purgeStaleSignInState(
  db: Db,
  now: Date,
  idleSince: Date,
  failuresBefore: Date,
) {
  const sessions = await db
    .deleteFrom('staff_session')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleSince)]))
    .executeTakeFirst();
  const failures = await db
    .deleteFrom('sign_in_failure')
    .where('at', '<=', failuresBefore)
    .executeTakeFirst();
  return Number(sessions.numDeletedRows) + Number(failures.numDeletedRows);
}

export const countDemoMembers = async (db: Db) =>
  Number(
    (
      await db
        .selectFrom('staff_member')
        .where('demo', '=', true)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

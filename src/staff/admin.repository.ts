import { sql, type Kysely } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { Database } from '../platform/db/tables.ts';
import type { Grant } from '../platform/policy/policy.ts';
import type { LanguageLevel } from './tables.ts';
import './tables.ts';

// Staff administration's SQL: the members of an authority with their roles, languages and
// second-factor state in one query, and the changes an administrator makes. Changes that can
// take away an administrator run under a per-authority lock (see `lockAdministration`).

type Executor = Kysely<Database>;

export type MemberRecord = {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  active: boolean;
  demo: boolean;
  createdAt: Date;
  totpConfirmed: boolean;
  passkeys: number;
  sso: boolean;
  /** Active sessions (not idle, not past their end). */
  sessions: number;
  grants: Grant[];
  languages: { lang: string; level: LanguageLevel }[];
};

type MemberRow = {
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  active: boolean;
  demo: boolean;
  created_at: Date;
  totp_confirmed: boolean;
  passkeys: number;
  sso: boolean;
  sessions: number;
  grants: Grant[];
  languages: { lang: string; level: LanguageLevel }[];
};

const toRecord = (row: MemberRow): MemberRecord => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  email: row.email,
  active: row.active,
  demo: row.demo,
  createdAt: row.created_at,
  totpConfirmed: row.totp_confirmed,
  passkeys: row.passkeys,
  sso: row.sso,
  sessions: row.sessions,
  grants: row.grants,
  languages: row.languages,
});

/** Members of an authority (all, or the one user name), with everything the screens show. */
async function selectMembers(
  db: Executor,
  authorityId: string,
  live: { now: Date; idleSince: Date },
  username?: string,
): Promise<MemberRecord[]> {
  const result = await sql<MemberRow>`
    SELECT m.id, m.username, m.display_name, m.email, m.active, m.demo, m.created_at,
      m.totp_confirmed_at IS NOT NULL AS totp_confirmed,
      m.oidc_issuer IS NOT NULL AS sso,
      (SELECT count(*) FROM staff_passkey p WHERE p.staff_id = m.id)::int AS passkeys,
      (SELECT count(*) FROM staff_session s
        WHERE s.staff_id = m.id AND s.stage = 'active'
          AND s.expires_at > ${live.now} AND s.last_seen_at > ${live.idleSince})::int AS sessions,
      coalesce(
        (SELECT json_agg(json_build_object('role', r.role, 'officeId', r.office_id,
                 'organisationId', r.organisation_id)
                 ORDER BY r.role, r.office_id NULLS FIRST, r.organisation_id)
         FROM staff_role r WHERE r.staff_id = m.id),
        '[]'::json) AS grants,
      coalesce(
        (SELECT json_agg(json_build_object('lang', l.lang, 'level', l.level) ORDER BY l.lang)
         FROM staff_language l WHERE l.staff_id = m.id),
        '[]'::json) AS languages
    FROM staff_member m
    WHERE m.authority_id = ${authorityId}
      ${username === undefined ? sql`` : sql`AND m.username = ${username}`}
    ORDER BY m.active DESC, lower(m.display_name), m.username
  `.execute(db);
  return result.rows.map(toRecord);
}

export const listMembers = (db: Db, authorityId: string, live: { now: Date; idleSince: Date }) =>
  selectMembers(db, authorityId, live);

export const findMember = async (
  db: Executor,
  authorityId: string,
  username: string,
  live: { now: Date; idleSince: Date },
): Promise<MemberRecord | undefined> => (await selectMembers(db, authorityId, live, username))[0];

export const listOrganisations = (db: Db, authorityId: string) =>
  db
    .selectFrom('organisation')
    .where('authority_id', '=', authorityId)
    .select(['id', 'name'])
    .orderBy('name')
    .execute();

export const usernameTaken = async (db: Db, authorityId: string, username: string) =>
  (await db
    .selectFrom('staff_member')
    .where('authority_id', '=', authorityId)
    .where('username', '=', username)
    .select('id')
    .executeTakeFirst()) !== undefined;

/**
 * Serialises, per authority, the changes that could leave it without an active administrator
 * (deactivation, role changes): two administrators taking each other's role at the same moment
 * must not both succeed. Held until the transaction ends.
 */
export async function lockAdministration(trx: Executor, authorityId: string) {
  await sql`SELECT pg_advisory_xact_lock(7307002, hashtext(${authorityId}))`.execute(trx);
}

export async function countActiveAdministrators(db: Executor, authorityId: string) {
  const row = await db
    .selectFrom('staff_member as m')
    .where('m.authority_id', '=', authorityId)
    .where('m.active', '=', true)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('staff_role as r')
          .whereRef('r.staff_id', '=', 'm.id')
          .where('r.role', '=', 'administrator')
          .select(sql`1`.as('one')),
      ),
    )
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateMemberDetails(
  db: Executor,
  authorityId: string,
  staffId: string,
  details: { displayName: string; email: string | null },
) {
  await db
    .updateTable('staff_member')
    .set({ display_name: details.displayName, email: details.email })
    .where('authority_id', '=', authorityId)
    .where('id', '=', staffId)
    .execute();
}

/** Sets the member active or not; true when that changed anything. */
export async function setMemberActive(
  db: Executor,
  authorityId: string,
  staffId: string,
  active: boolean,
) {
  const result = await db
    .updateTable('staff_member')
    .set({ active })
    .where('authority_id', '=', authorityId)
    .where('id', '=', staffId)
    .where('active', '=', !active)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * Removes every second factor: the TOTP secret (a new one is made at the next sign-in, which
 * then leads to enrolment), the recovery codes and the passkeys. Returns what was removed.
 */
export async function clearSecondFactors(db: Executor, authorityId: string, staffId: string) {
  const member = await db
    .updateTable('staff_member')
    .set({ totp_secret: null, totp_confirmed_at: null, totp_last_step: null })
    .where('authority_id', '=', authorityId)
    .where('id', '=', staffId)
    .executeTakeFirst();
  if (member.numUpdatedRows !== 1n) return undefined;
  const codes = await db
    .deleteFrom('staff_recovery_code')
    .where('staff_id', '=', staffId)
    .executeTakeFirst();
  const passkeys = await db
    .deleteFrom('staff_passkey')
    .where('staff_id', '=', staffId)
    .executeTakeFirst();
  return {
    recoveryCodes: Number(codes.numDeletedRows),
    passkeys: Number(passkeys.numDeletedRows),
  };
}

/** Ends a member's sessions but one (an administrator editing themself keeps theirs). */
export async function deleteSessionsExcept(
  db: Executor,
  authorityId: string,
  staffId: string,
  keepTokenHash: string,
) {
  const result = await db
    .deleteFrom('staff_session')
    .where('authority_id', '=', authorityId)
    .where('staff_id', '=', staffId)
    .where('token_hash', '!=', keepTokenHash)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

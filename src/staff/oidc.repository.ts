import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { Database } from '../platform/db/tables.ts';
import type { Grant } from '../platform/policy/policy.ts';
import './oidc-tables.ts';
import './tables.ts';

// The SQL of single sign-on: an authority's provider configuration and the members of staff
// it vouches for, known by (issuer, subject).

type Executor = Kysely<Database>;

export const findOidcConfiguration = (db: Db, authorityId: string) =>
  db
    .selectFrom('authority_oidc')
    .where('authority_id', '=', authorityId)
    .select([
      'authority_id as authorityId',
      'issuer',
      'client_id as clientId',
      'client_secret_env as clientSecretEnv',
      'redirect_uri as redirectUri',
      'scopes',
      'claim_mapping as claimMapping',
      'provision_unknown as provisionUnknown',
    ])
    .executeTakeFirst();

export type StoredOidcConfiguration = NonNullable<
  Awaited<ReturnType<typeof findOidcConfiguration>>
>;

/** The authorities that offer single sign-on (a handful of rows at most). */
export async function listOidcAuthorities(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('authority_oidc').select('authority_id').execute();
  return rows.map((row) => row.authority_id);
}

/**
 * The member known by (issuer, subject), locked for this transaction and with the name the
 * provider gives now: two sign-ins of one person at once replace the grants one after the
 * other, not interleaved.
 */
export const lockOidcMember = (
  db: Executor,
  authorityId: string,
  oidc: { issuer: string; subject: string },
  displayName: string,
) =>
  db
    .updateTable('staff_member')
    .set({ display_name: displayName })
    .where('authority_id', '=', authorityId)
    .where('oidc_issuer', '=', oidc.issuer)
    .where('oidc_subject', '=', oidc.subject)
    .returning(['id', 'username', 'active'])
    .executeTakeFirst();

/**
 * A member of staff for a person the provider vouches for: no password, no TOTP (the
 * provider is the authentication). Nothing when the user name is taken or another request
 * created the member at the same moment; the caller then looks again.
 */
export const insertOidcMember = (
  db: Executor,
  member: {
    authorityId: string;
    username: string;
    displayName: string;
    oidc: { issuer: string; subject: string };
  },
) =>
  db
    .insertInto('staff_member')
    .values({
      authority_id: member.authorityId,
      username: member.username,
      display_name: member.displayName,
      email: null,
      password_hash: null,
      oidc_issuer: member.oidc.issuer,
      oidc_subject: member.oidc.subject,
    })
    .onConflict((conflict) => conflict.doNothing())
    .returning(['id', 'username', 'active'])
    .executeTakeFirst();

export async function grantsOf(db: Executor, staffId: string): Promise<Grant[]> {
  const rows = await db
    .selectFrom('staff_role')
    .where('staff_id', '=', staffId)
    .select(['role', 'office_id as officeId', 'organisation_id as organisationId'])
    .execute();
  return rows;
}

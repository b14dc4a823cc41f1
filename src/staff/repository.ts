import type { Db } from '../platform/db/database.ts';

export async function upsertUser(
  db: Db,
  authorityId: string,
  user: { username: string; displayName: string; passwordHash: string },
) {
  const values = { display_name: user.displayName, password_hash: user.passwordHash };
  await db
    .insertInto('staff_user')
    .values({ authority_id: authorityId, username: user.username, ...values })
    .onConflict((oc) => oc.columns(['authority_id', 'username']).doUpdateSet(values))
    .execute();
}

export async function findUser(db: Db, authorityId: string, username: string) {
  return db
    .selectFrom('staff_user')
    .where('authority_id', '=', authorityId)
    .where('username', '=', username)
    .select(['username', 'display_name as displayName', 'password_hash as passwordHash'])
    .executeTakeFirst();
}

export async function insertSession(
  db: Db,
  authorityId: string,
  session: { tokenHash: string; username: string; expiresAt: Date },
) {
  await db
    .insertInto('staff_session')
    .values({
      authority_id: authorityId,
      token_hash: session.tokenHash,
      username: session.username,
      expires_at: session.expiresAt,
    })
    .execute();
}

export async function findSessionUser(db: Db, authorityId: string, tokenHash: string, now: Date) {
  return db
    .selectFrom('staff_session as s')
    .innerJoin('staff_user as u', (join) =>
      join.onRef('u.authority_id', '=', 's.authority_id').onRef('u.username', '=', 's.username'),
    )
    .where('s.authority_id', '=', authorityId)
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', now)
    .select(['u.username', 'u.display_name as displayName'])
    .executeTakeFirst();
}

export async function deleteSession(db: Db, authorityId: string, tokenHash: string) {
  await db
    .deleteFrom('staff_session')
    .where('authority_id', '=', authorityId)
    .where('token_hash', '=', tokenHash)
    .execute();
}

export async function insertAudit(
  db: Db,
  authorityId: string,
  entry: { actor: string; action: string; subject: string; requestId: string },
) {
  await db
    .insertInto('audit_log')
    .values({
      authority_id: authorityId,
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      request_id: entry.requestId,
    })
    .execute();
}

import crypto from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Db } from '../platform/db/database.ts';
import {
  deleteSession,
  findSessionUser,
  findUser,
  insertAudit,
  insertSession,
  upsertUser,
} from './repository.ts';

// Temporary staff login (issue: full accounts, roles and 2FA come later): argon2id password
// hashes, server-side sessions whose token only the browser holds (the database keeps its
// SHA-256), eight hours long.

const SESSION_MS = 8 * 60 * 60 * 1000;
const tokenHash = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export async function upsertStaffUser(
  db: Db,
  authorityId: string,
  user: { username: string; displayName: string; password: string },
) {
  await upsertUser(db, authorityId, { ...user, passwordHash: await hash(user.password) });
}

// Verified against when the user does not exist, so that timing does not reveal names.
const DUMMY_HASH = hash('not-a-password');

export async function logIn(
  db: Db,
  authorityId: string,
  credentials: { username: string; password: string },
  now: Date,
): Promise<string | undefined> {
  const user = await findUser(db, authorityId, credentials.username);
  const ok = await verify(user?.passwordHash ?? (await DUMMY_HASH), credentials.password);
  if (!user || !ok) return undefined;
  const token = crypto.randomBytes(32).toString('base64url');
  await insertSession(db, authorityId, {
    tokenHash: tokenHash(token),
    username: user.username,
    expiresAt: new Date(now.getTime() + SESSION_MS),
  });
  return token;
}

export const staffOfSession = (db: Db, authorityId: string, token: string, now: Date) =>
  findSessionUser(db, authorityId, tokenHash(token), now);

export const logOut = (db: Db, authorityId: string, token: string) =>
  deleteSession(db, authorityId, tokenHash(token));

/** Every read of personal data by staff is recorded with the request id. */
export const audit = insertAudit;

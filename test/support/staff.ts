import { generate } from 'otplib';
import type { Db } from '../../src/platform/db/database.ts';
import { decryptSecret, deriveStaffKeys } from '../../src/staff/secrets.ts';
import { TEST_SESSION_SECRET, TEST_STAFF_PASSWORD } from './database-admin.ts';
import type { FormClient } from './form-client.ts';

// Signing in as a demo member of staff the way a person does: password, then the code their
// authenticator app shows (computed here from the seeded secret).

/** The demo accounts of the test databases, one per role. */
export const DEMO_STAFF = {
  reception: 'empfang',
  caseworker: 'sachbearbeitung',
  team_lead: 'teamleitung',
  administrator: 'admin',
  data_protection_officer: 'datenschutz',
  partner: 'partner',
} as const;

export async function totpSecretOf(db: Db, username: string): Promise<string> {
  const row = await db
    .selectFrom('staff_member')
    .where('username', '=', username)
    .select('totp_secret')
    .executeTakeFirstOrThrow();
  if (!row.totp_secret) throw new Error(`${username} has no TOTP secret`);
  return decryptSecret(deriveStaffKeys(TEST_SESSION_SECRET).encryption, row.totp_secret);
}

/** The code an authenticator app shows at `at` (default: now). */
export async function totpCode(db: Db, username: string, at = new Date()): Promise<string> {
  return generate({
    secret: await totpSecretOf(db, username),
    epoch: Math.floor(at.getTime() / 1000),
  });
}

/**
 * Signs the client in. A code is accepted once; a second sign-in of the same account within
 * one 30-second step uses the next step's code (accepted within the allowed clock drift).
 */
export async function signIn(
  client: FormClient,
  db: Db,
  username: string,
  options: { password?: string; now?: Date } = {},
) {
  await client.get('/staff/sign-in');
  const first = await client.post('/staff/sign-in', {
    username,
    password: options.password ?? TEST_STAFF_PASSWORD,
  });
  if (first.status !== 303 || !first.location?.startsWith('/staff/sign-in/code')) {
    throw new Error(`password step for ${username}: ${first.status} ${first.location ?? ''}`);
  }
  await client.get(first.location);
  const now = options.now ?? new Date();
  for (const offset of [0, 30_000]) {
    const code = await totpCode(db, username, new Date(now.getTime() + offset));
    const second = await client.post('/staff/sign-in/code', { code });
    if (second.status === 303) return;
  }
  throw new Error(`second factor for ${username} refused`);
}

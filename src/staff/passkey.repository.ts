import type { Db } from '../platform/db/database.ts';
import type { PasskeyPurpose } from './passkey-tables.ts';
import './passkey-tables.ts';
import './tables.ts';

// SQL of the passkeys (WebAuthn credentials of staff) and their pending ceremonies.

export type NewChallenge = {
  authorityId: string;
  handleHash: string;
  purpose: PasskeyPurpose;
  challenge: string;
  staffId: string | null;
  name: string | null;
  expiresAt: Date;
};

/** Stores a challenge; challenges past their time go in the same statement's wake. */
export async function insertChallenge(db: Db, c: NewChallenge, now: Date) {
  await db.deleteFrom('staff_passkey_challenge').where('expires_at', '<=', now).execute();
  await db
    .insertInto('staff_passkey_challenge')
    .values({
      authority_id: c.authorityId,
      handle_hash: c.handleHash,
      purpose: c.purpose,
      challenge: c.challenge,
      staff_id: c.staffId,
      name: c.name,
      expires_at: c.expiresAt,
    })
    .execute();
}

/**
 * Takes a challenge once: the row is deleted as it is read, so two requests with the same
 * handle cannot both use it. A registration challenge is taken only by the member it was
 * issued to.
 */
export const takeChallenge = (
  db: Db,
  key: { authorityId: string; handleHash: string; purpose: PasskeyPurpose; staffId?: string },
  now: Date,
) => {
  let query = db
    .deleteFrom('staff_passkey_challenge')
    .where('authority_id', '=', key.authorityId)
    .where('handle_hash', '=', key.handleHash)
    .where('purpose', '=', key.purpose)
    .where('expires_at', '>', now);
  if (key.staffId) query = query.where('staff_id', '=', key.staffId);
  return query.returning(['challenge', 'name']).executeTakeFirst();
};

export const listPasskeysOf = (db: Db, staffId: string) =>
  db
    .selectFrom('staff_passkey')
    .where('staff_id', '=', staffId)
    .select([
      'credential_id as id',
      'name',
      'transports',
      'created_at as createdAt',
      'last_used_at as lastUsedAt',
    ])
    .orderBy('created_at')
    .execute();

/** A passkey with its member, only if the member belongs to the authority. */
export const findPasskeyInAuthority = (db: Db, authorityId: string, credentialId: string) =>
  db
    .selectFrom('staff_passkey as p')
    .innerJoin('staff_member as m', 'm.id', 'p.staff_id')
    .where('m.authority_id', '=', authorityId)
    .where('p.credential_id', '=', credentialId)
    .select([
      'p.credential_id as credentialId',
      'p.public_key as publicKey',
      'p.counter',
      'p.transports',
      'm.id as staffId',
      'm.username',
      'm.active',
      (eb) => eb('m.oidc_issuer', 'is not', null).as('sso'),
    ])
    .executeTakeFirst();

/** Whether the member signs in through the city's single sign-on. */
export const isSsoMember = async (db: Db, staffId: string) =>
  (
    await db
      .selectFrom('staff_member')
      .where('id', '=', staffId)
      .select((eb) => eb('oidc_issuer', 'is not', null).as('sso'))
      .executeTakeFirst()
  )?.sso === true;

export type NewPasskey = {
  credentialId: string;
  staffId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  name: string;
};

/** Stores a passkey; false when the credential is already registered (to anyone). */
export async function insertPasskey(db: Db, p: NewPasskey): Promise<boolean> {
  const row = await db
    .insertInto('staff_passkey')
    .values({
      credential_id: p.credentialId,
      staff_id: p.staffId,
      public_key: Buffer.from(p.publicKey),
      counter: p.counter,
      transports: p.transports,
      name: p.name,
    })
    .onConflict((oc) => oc.columns(['authority_id', 'credential_id']).doNothing())
    .returning('credential_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function recordPasskeyUse(
  db: Db,
  credentialId: string,
  counter: number,
  now: Date,
): Promise<void> {
  await db
    .updateTable('staff_passkey')
    .set({ counter, last_used_at: now })
    .where('credential_id', '=', credentialId)
    .execute();
}

/** Removes one of the member's own passkeys; returns its name if there was one. */
export const deletePasskeyOf = (db: Db, staffId: string, credentialId: string) =>
  db
    .deleteFrom('staff_passkey')
    .where('staff_id', '=', staffId)
    .where('credential_id', '=', credentialId)
    .returning('name')
    .executeTakeFirst();

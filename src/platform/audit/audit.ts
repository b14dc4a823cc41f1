import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import './tables.ts';

// The audit trail (decision 12): who did or saw what, when, why and in which request. Entries
// are only ever inserted; the database numbers and hash-chains them. Entries hold ids and
// field names, never the personal data itself; a log line ties to its entry by request id.

export type AuditAction =
  | 'sign_in'
  | 'sign_in_failed'
  | 'sign_out'
  | 'session_revoked'
  | 'second_factor_enrolled'
  | 'second_factor_reset'
  | 'passkey_added'
  | 'passkey_removed'
  | 'password_changed'
  | 'read'
  | 'change'
  | 'export';

export type AuditEntry = {
  authorityId: string;
  /** The member of staff (id and user name), or a system actor such as "cli" or "retention". */
  actor: { id: string | null; name: string };
  action: AuditAction;
  /** The record concerned, e.g. { type: 'booking', id } or { type: 'office-day', id }. */
  subject?: { type: string; id: string };
  /** Which fields or page were shown or changed. */
  fields?: string[];
  /** Why: the purpose of the route or task. */
  purpose?: string;
  requestId?: string;
  /** The pseudonymised client address (see `pseudonymiseAddress`). */
  client?: string;
  /** Further facts: counts, the values changed in administration. Never personal data. */
  details?: Record<string, unknown>;
};

export async function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      authority_id: entry.authorityId,
      actor_id: entry.actor.id,
      actor_name: entry.actor.name,
      action: entry.action,
      subject_type: entry.subject?.type ?? null,
      subject_id: entry.subject?.id ?? null,
      fields: entry.fields ?? [],
      purpose: entry.purpose ?? null,
      request_id: entry.requestId ?? null,
      client: entry.client ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

/**
 * A client address as the trail keeps it: a keyed hash of its network (IPv4 /24, IPv6 /48),
 * enough to see that attempts came from one place, not enough to name a household.
 */
export function pseudonymiseAddress(given: string, key: string): string {
  // An IPv4 client of a dual-stack listener arrives as ::ffff:a.b.c.d.
  const address = given.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  const network = address.includes(':')
    ? address.split(':').slice(0, 3).join(':')
    : address.split('.').slice(0, 3).join('.');
  return crypto.createHmac('sha256', key).update(network).digest('base64url').slice(0, 16);
}

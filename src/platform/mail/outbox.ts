import { sql, type RawBuilder } from 'kysely';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { MailAttachment } from '../db/tables.ts';

// Transactional outbox: a message is written in the same transaction as what it confirms,
// so an acknowledged booking never lacks its mail; a sender delivers it afterwards. Without
// SMTP settings messages stay in the outbox, where the development page lists them.

export type OutgoingMail = {
  recipient: string;
  subject: string;
  body: string;
  attachments: MailAttachment[];
};

export async function enqueueMail(db: Db, authorityId: string, mail: OutgoingMail) {
  await db
    .insertInto('mail_outbox')
    .values({
      authority_id: authorityId,
      recipient: mail.recipient,
      subject: mail.subject,
      body: mail.body,
      attachments: JSON.stringify(mail.attachments),
    })
    .execute();
}

/** What a mail queued before its text exists is composed from. */
export type MailIntent = { kind: string; ref: string };

/** Composes the mail of an intent; undefined when there is nothing to send any more. */
export type ComposeMail = (
  authorityId: string,
  intent: MailIntent,
) => Promise<OutgoingMail | undefined>;

/**
 * A statement part that queues a mail to compose for every row of `source` (a CTE of the
 * caller's statement) with a recipient: `INSERT … SELECT authority, recipient, kind, ref`.
 * Used inside the statement that makes what the mail confirms, so both exist or neither.
 */
export function queueMailIntents(
  kind: string,
  source: { table: string; authority: string; recipient: string; ref: string },
): RawBuilder<unknown> {
  const column = (name: string) => sql.ref(`${source.table}.${name}`);
  return sql`INSERT INTO mail_outbox (authority_id, recipient, compose_kind, compose_ref)
    SELECT ${column(source.authority)}, ${column(source.recipient)}, ${kind},
           ${column(source.ref)}::text
    FROM ${sql.table(source.table)}
    WHERE ${column(source.recipient)} IS NOT NULL`;
}

/** Gives a queued intent its text (unless the sender did so first). */
export async function completeMailIntent(
  db: Db,
  authorityId: string,
  intent: MailIntent,
  mail: OutgoingMail,
) {
  await db
    .updateTable('mail_outbox')
    .set({
      recipient: mail.recipient,
      subject: mail.subject,
      body: mail.body,
      attachments: JSON.stringify(mail.attachments),
    })
    .where('authority_id', '=', authorityId)
    .where('compose_kind', '=', intent.kind)
    .where('compose_ref', '=', intent.ref)
    .where('subject', 'is', null)
    .where('sent_at', 'is', null)
    .execute();
}

export async function listOutbox(db: Db, authorityId: string, limit = 50) {
  return db
    .selectFrom('mail_outbox')
    .where('authority_id', '=', authorityId)
    .orderBy('id', 'desc')
    .limit(limit)
    .select([
      'id',
      'recipient',
      'subject',
      'body',
      'attachments',
      'created_at as createdAt',
      'sent_at as sentAt',
    ])
    .execute();
}

export function createTransport(smtp: Config['smtp']): Transporter | undefined {
  if (!smtp.host) return undefined;
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
  });
}

/**
 * Sends pending messages; each is locked while it is sent, so instances never send twice.
 * A message still to be composed is composed first.
 */
export async function deliverPendingMail(
  db: Db,
  transport: Transporter,
  from: string,
  compose: ComposeMail,
  batch = 20,
) {
  let sent = 0;
  for (let i = 0; i < batch; i++) {
    const done = await db.transaction().execute(async (tx) => {
      const mail = await tx
        .selectFrom('mail_outbox')
        .where('sent_at', 'is', null)
        .where('attempts', '<', 10)
        // An intent is composed by its request right after the statement; only one left
        // uncomposed for a minute (a crash) is the sender's, so the two never wait on each other.
        .where((eb) =>
          eb.or([
            eb('subject', 'is not', null),
            eb('created_at', '<', sql<Date>`now() - interval '1 minute'`),
          ]),
        )
        .orderBy('id')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .selectAll()
        .executeTakeFirst();
      if (!mail) return false;
      try {
        const text =
          mail.subject !== null && mail.body !== null
            ? { ...mail, subject: mail.subject, body: mail.body }
            : mail.compose_kind && mail.compose_ref
              ? await compose(mail.authority_id, { kind: mail.compose_kind, ref: mail.compose_ref })
              : undefined;
        if (!text) {
          // Nothing to send any more (e.g. the booking is gone): done, with a note why.
          await tx
            .updateTable('mail_outbox')
            .set({ sent_at: new Date(), last_error: 'nothing to compose' })
            .where('authority_id', '=', mail.authority_id)
            .where('id', '=', mail.id)
            .execute();
          return true;
        }
        await transport.sendMail({
          from,
          to: text.recipient,
          subject: text.subject,
          text: text.body,
          attachments: text.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            content: a.content,
          })),
        });
        await tx
          .updateTable('mail_outbox')
          .set({
            sent_at: new Date(),
            attempts: mail.attempts + 1,
            subject: text.subject,
            body: text.body,
            attachments: JSON.stringify(text.attachments),
          })
          .where('authority_id', '=', mail.authority_id)
          .where('id', '=', mail.id)
          .execute();
        sent++;
      } catch (error) {
        await tx
          .updateTable('mail_outbox')
          .set({ attempts: mail.attempts + 1, last_error: String(error).slice(0, 500) })
          .where('authority_id', '=', mail.authority_id)
          .where('id', '=', mail.id)
          .execute();
      }
      return true;
    });
    if (!done) break;
  }
  return sent;
}

/** Mail holds personal data: sent (or abandoned) messages are deleted after `days`. */
export async function purgeOldMail(db: Db, now: Date, days = 30) {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const result = await db
    .deleteFrom('mail_outbox')
    .where('created_at', '<', cutoff)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

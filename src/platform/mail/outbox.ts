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

/** Sends pending messages; each is locked while it is sent, so instances never send twice. */
export async function deliverPendingMail(db: Db, transport: Transporter, from: string, batch = 20) {
  let sent = 0;
  for (let i = 0; i < batch; i++) {
    const done = await db.transaction().execute(async (tx) => {
      const mail = await tx
        .selectFrom('mail_outbox')
        .where('sent_at', 'is', null)
        .where('attempts', '<', 10)
        .orderBy('id')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .selectAll()
        .executeTakeFirst();
      if (!mail) return false;
      try {
        await transport.sendMail({
          from,
          to: mail.recipient,
          subject: mail.subject,
          text: mail.body,
          attachments: mail.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            content: a.content,
          })),
        });
        await tx
          .updateTable('mail_outbox')
          .set({ sent_at: new Date(), attempts: mail.attempts + 1 })
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

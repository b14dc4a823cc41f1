import type { FastifyInstance } from 'fastify';
import type { Db } from '../platform/db/database.ts';
import { notFound } from '../platform/http/errors.ts';
import { listOutbox } from '../platform/mail/outbox.ts';
import { sendPage } from '../platform/ui/render.ts';
import { requireAuthority } from '../platform/http/request-context.ts';

// Development only (no SMTP configured, not production): the mail that would have been
// sent, so that a tester sees the confirmation without a mail server.
// It shows personal data, so it answers only a browser on this machine: a loopback socket,
// a local Host name and no proxy in between.
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export async function outboxRoutes(app: FastifyInstance, { db }: { db: Db }) {
  app.get('/dev/outbox', async (request, reply) => {
    const local =
      LOOPBACK.has(request.socket.remoteAddress ?? '') &&
      LOCAL_HOSTS.has(request.hostname) &&
      request.headers['x-forwarded-for'] === undefined;
    if (!local) throw notFound();
    const mails = await listOutbox(db, requireAuthority(request).id);
    return sendPage(
      reply,
      <html lang="en" dir="ltr">
        <head>
          <meta charset="utf-8" />
          <title>Outbox (development)</title>
        </head>
        <body>
          <main>
            <h1>Outbox (development)</h1>
            <p>No SMTP server is configured, so mail stays here.</p>
            {mails.map((mail) => (
              <article key={mail.id}>
                <h2>{mail.subject}</h2>
                <p>To: {mail.recipient}</p>
                <pre>{mail.body}</pre>
                <p>Attachments: {mail.attachments.map((a) => a.filename).join(', ') || 'none'}</p>
              </article>
            ))}
          </main>
        </body>
      </html>,
    );
  });
}

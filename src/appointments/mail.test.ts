import ICAL from 'ical.js';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { mailComposer } from '../jobs.ts';
import { MUSTERSTADT, person, slotAt, slotsFrom } from '../../test/support/booking.ts';
import { startTestServer, type TestServer } from '../../test/support/server.ts';
import { createTransport, deliverPendingMail, type ComposeMail } from '../platform/mail/outbox.ts';

// The confirmation mail over a real SMTP conversation with a local SMTP server.

let server: TestServer;
let smtp: SMTPServer;
let smtpPort = 0;
const received: ParsedMail[] = [];
let compose: ComposeMail;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  server = await startTestServer({ clock: () => new Date('2027-03-20T10:00:00Z') });
  await slotsFrom(server.database.db, '2027-03-22', 14);
  compose = mailComposer({
    db: server.database.db,
    clock: () => new Date('2027-03-20T10:00:00Z'),
    baseUrl: server.url,
    authorities: async () => [MUSTERSTADT],
  });
});
const smtpTransport = () => {
  const transport = createTransport({
    host: '127.0.0.1',
    port: smtpPort,
    secure: false,
    user: undefined,
    password: undefined,
    from: 'x@y.z',
  });
  if (!transport) throw new Error('no transport');
  return transport;
};
const book = async (slotId: string, who: ReturnType<typeof person>) => {
  const res = await fetch(`${server.url}/api/v1/bookings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ slotId, concernId: 'address-registration', ...who }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { code: string };
};
afterAll(async () => {
  await server.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe('confirmation mail', () => {
  it('arrives in the booker language with the appointment as an .ics file', async () => {
    const slot = await slotAt(
      server.database.db,
      'address-registration',
      'central',
      '2027-03-30T06:00:00Z',
    );
    const res = await fetch(`${server.url}/api/v1/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        slotId: slot.id,
        concernId: 'address-registration',
        ...person('mail', { language: 'ar', email: 'layla@example.org' }),
      }),
    });
    expect(res.status).toBe(201);
    const { code } = (await res.json()) as { code: string };

    const transport = smtpTransport();
    expect(
      await deliverPendingMail(
        server.database.db,
        transport,
        'termine@musterstadt.example',
        compose,
      ),
    ).toBe(1);
    expect(
      await deliverPendingMail(
        server.database.db,
        transport,
        'termine@musterstadt.example',
        compose,
      ),
    ).toBe(0);

    expect(received).toHaveLength(1);
    const mail = received[0];
    if (!mail) throw new Error('no mail');
    expect(mail.subject).toMatch(/[\u0600-\u06ff]/);
    expect(mail.text).toContain(code);
    expect(mail.text).toContain('Am Marktplatz 1');
    const ics = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
    if (!ics) throw new Error('no calendar attachment');
    const calendar = new ICAL.Component(ICAL.parse(ics.content.toString('utf8')));
    const vevent = calendar.getFirstSubcomponent('vevent');
    if (!vevent) throw new Error('no event in the calendar file');
    const event = new ICAL.Event(vevent);
    expect(calendar.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe(
      'Europe/Berlin',
    );
    expect(event.startDate.toString()).toBe('2027-03-30T08:00:00');
    expect(event.startDate.toJSDate().toISOString()).toBe('2027-03-30T06:00:00.000Z');
  });

  it('is composed by the sender when the booking request did not get to compose it', async () => {
    const slot = await slotAt(
      server.database.db,
      'address-registration',
      'central',
      '2027-03-30T06:15:00Z',
    );
    const { code } = await book(
      slot.id,
      person('crash', { language: 'uk', email: 'oksana@example.org' }),
    );
    // As if the process died between the booking statement and composing its mail.
    await sql`UPDATE mail_outbox SET subject = NULL, body = NULL, attachments = '[]'
              WHERE recipient = 'oksana@example.org'`.execute(server.database.db);
    const sender = () =>
      deliverPendingMail(
        server.database.db,
        smtpTransport(),
        'termine@musterstadt.example',
        compose,
      );
    // A fresh intent is its request's to compose: the sender leaves it alone for a minute.
    expect(await sender()).toBe(0);
    await sql`UPDATE mail_outbox SET created_at = now() - interval '2 minutes'
              WHERE recipient = 'oksana@example.org'`.execute(server.database.db);
    const before = received.length;
    expect(await sender()).toBe(1);
    const mail = received[before];
    if (!mail) throw new Error('no mail');
    expect(mail.text).toContain(code);
    expect(mail.subject).toMatch(/[\u0400-\u04ff]/); // in Ukrainian, the booker's language
    expect(mail.attachments.some((a) => a.contentType.startsWith('text/calendar'))).toBe(true);
  });
});

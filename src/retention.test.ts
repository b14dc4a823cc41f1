import crypto from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person, slotAt, slotsFrom } from '../test/support/booking.ts';
import { startTestServer, type TestServer } from '../test/support/server.ts';
import { purgeExpiredBookings } from './appointments/service.ts';
import { recordAudit } from './platform/audit/audit.ts';
import { verifyAuditChain } from './platform/audit/verify.ts';
import { ConfigError, loadConfig } from './platform/config.ts';
import type { Db } from './platform/db/database.ts';
import { runRetention } from './retention.ts';

// Nothing personal is kept forever (issue 7, security review M9): the retention job deletes
// bookings after their appointment (or cancellation) plus the configured period, expired
// journeys and staff sessions, old mail and, after the legal period, audit entries, and
// writes what it deleted to the audit trail as counts. The clock is the app's (bookings,
// cancellations, sessions); the audit trail is stamped by the database, so old entries are
// made by backdating them as the owner.

let now = new Date('2027-03-20T10:00:00Z');
let server: TestServer;
let db: Db;
beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
  db = server.database.db;
  await slotsFrom(db, '2027-03-22', 14);
});
afterAll(() => server.close());

const retention = loadConfig({}).retention;
const retain = (at: string) => {
  now = new Date(at);
  return runRetention({ db, retention, now, authorityIds: ['musterstadt'] });
};

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': 'en' },
    body: JSON.stringify(body),
  });

const DATE_OF_BIRTH = '1988-06-01';

async function book(n: string, officeId: string, startsAt: string) {
  const slot = await slotAt(db, 'address-registration', officeId, startsAt);
  const res = await post('/api/v1/bookings', {
    slotId: slot.id,
    concernId: 'address-registration',
    ...person(n),
    phone: undefined,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { code: string }).code;
}

const lookUp = async (code: string) =>
  (await post('/api/v1/bookings/lookup', { code, dateOfBirth: DATE_OF_BIRTH })).status;

const count = async (query: RawBuilder<{ n: number }>) =>
  (await query.execute(db)).rows[0]?.n ?? -1;

const retentionEntries = () =>
  sql<{ seq: string; details: Record<string, unknown>; fields: string[] }>`
    SELECT seq, details, fields FROM audit_event
    WHERE actor_name = 'retention' ORDER BY seq`
    .execute(db)
    .then((result) => result.rows);

describe('retention configuration', () => {
  it('has a period per class, and keeps the audit trail at least a year', () => {
    expect(retention).toEqual({ bookingDays: 30, mailDays: 30, auditDays: 730 });
    expect(
      loadConfig({
        RETENTION_BOOKING_DAYS: '7',
        RETENTION_MAIL_DAYS: '14',
        RETENTION_AUDIT_DAYS: '1095',
      }).retention,
    ).toEqual({ bookingDays: 7, mailDays: 14, auditDays: 1095 });
    expect(() => loadConfig({ RETENTION_AUDIT_DAYS: '365' })).toThrow(
      /RETENTION_AUDIT_DAYS: must be at least 366/,
    );
    expect(() => loadConfig({ RETENTION_BOOKING_DAYS: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ RETENTION_MAIL_DAYS: 'forever' })).toThrow(/RETENTION_MAIL_DAYS/);
  });
});

describe('the retention job', () => {
  it('deletes a booking 30 days after its appointment or cancellation; its look-up then finds nothing', async () => {
    now = new Date('2027-03-20T10:00:00Z');
    const attended = await book('1', 'central', '2027-03-23T07:00:00Z'); // ends 07:15
    const cancelledEarly = await book('2', 'north', '2027-03-24T07:00:00Z');
    const later = await book('3', 'central', '2027-04-01T06:00:00Z');
    const cancelledLate = await book('4', 'central', '2027-03-31T06:00:00Z');
    now = new Date('2027-03-21T09:00:00Z');
    const cancel = (code: string) =>
      post('/api/v1/bookings/cancel', { code, dateOfBirth: DATE_OF_BIRTH });
    expect((await cancel(cancelledEarly)).status).toBe(200);
    now = new Date('2027-03-30T09:00:00Z');
    expect((await cancel(cancelledLate)).status).toBe(200);
    const bookedPlaces = await count(sql`SELECT sum(booked)::int AS n FROM slot`);

    // 30 days after the first cancellation: only that booking is past its period.
    let report = await retain('2027-04-21T09:00:01Z');
    expect(report.failed).toEqual([]);
    expect(report.deleted.bookings).toEqual(new Map([['musterstadt', 1]]));
    expect(await lookUp(cancelledEarly)).toBe(404);
    for (const code of [attended, later, cancelledLate]) expect(await lookUp(code)).toBe(200);

    // 30 days after the attended appointment ended.
    report = await retain('2027-04-22T07:15:00Z');
    expect(report.deleted.bookings).toEqual(new Map([['musterstadt', 1]]));
    expect(await lookUp(attended)).toBe(404);
    for (const code of [later, cancelledLate]) expect(await lookUp(code)).toBe(200);

    // Again a moment later: nothing more is due.
    report = await retain('2027-04-22T07:16:00Z');
    expect(report.deleted.bookings).toEqual(new Map());

    // In batches (here of one): a first run on a long-kept table stays within the statement
    // timeout.
    const due = await purgeExpiredBookings(db, new Date('2027-05-02T12:00:00Z'), 30, 1);
    expect(due).toEqual(new Map([['musterstadt', 2]]));
    report = await retain('2027-05-02T12:00:00Z');
    expect(report.deleted.bookings).toEqual(new Map());
    for (const code of [later, cancelledLate]) expect(await lookUp(code)).toBe(404);

    // The person is gone from the database; the slots and how many places were taken stay.
    expect(await count(sql`SELECT count(*)::int AS n FROM booking`)).toBe(0);
    expect(await count(sql`SELECT sum(booked)::int AS n FROM slot`)).toBe(bookedPlaces);
  });

  it('deletes expired journeys, old mail and ended staff sessions; recent ones stay', async () => {
    now = new Date('2027-06-01T12:00:00Z');
    const minutes = (n: number) => new Date(now.getTime() + n * 60_000);
    const days = (n: number) => minutes(n * 24 * 60);
    const journey = (expiresAt: Date) =>
      sql`INSERT INTO journey_session (authority_id, id, data, expires_at)
          VALUES ('musterstadt', ${crypto.randomUUID()}, '{"details": {"familyName": "Petrenko"}}',
                  ${expiresAt})`.execute(db);
    await journey(minutes(-1));
    await journey(minutes(90));
    const mail = (createdAt: Date) =>
      sql`INSERT INTO mail_outbox (authority_id, recipient, subject, body, created_at)
          VALUES ('musterstadt', 'olena@example.org', 'Your appointment', 'Dear Olena', ${createdAt})`.execute(
        db,
      );
    await sql`DELETE FROM mail_outbox`.execute(db); // the bookings' confirmations
    await mail(days(-31));
    await mail(days(-29));
    const staff = await sql<{ id: string }>`
      SELECT id FROM staff_member WHERE username = 'empfang'`.execute(db);
    const staffId = staff.rows[0]?.id ?? '';
    const session = (lastSeen: Date, expires: Date) =>
      sql`INSERT INTO staff_session (token_hash, authority_id, staff_id, stage, method,
                                     created_at, last_seen_at, expires_at)
          VALUES (${crypto.randomBytes(16).toString('hex')}, 'musterstadt', ${staffId}, 'active',
                  'totp', ${minutes(-120)}, ${lastSeen}, ${expires})`.execute(db);
    await session(minutes(-31), minutes(300)); // idle for more than 30 minutes
    await session(minutes(-5), minutes(-1)); // past its absolute limit
    await session(minutes(-5), minutes(300)); // in use
    const failure = (at: Date) =>
      sql`INSERT INTO sign_in_failure (authority_id, kind, key, at)
          VALUES ('musterstadt', 'account', 'empfang', ${at})`.execute(db);
    await failure(days(-2));
    await failure(minutes(-10));

    const report = await retain(now.toISOString());
    expect(report.failed).toEqual([]);
    expect(report.deleted).toMatchObject({ journeySessions: 1, mail: 1, staffSignInState: 3 });
    expect(
      await count(sql`SELECT count(*)::int AS n FROM journey_session WHERE expires_at > ${now}`),
    ).toBe(1);
    expect(await count(sql`SELECT count(*)::int AS n FROM journey_session`)).toBe(1);
    expect(await count(sql`SELECT count(*)::int AS n FROM mail_outbox`)).toBe(1);
    expect(await count(sql`SELECT count(*)::int AS n FROM staff_session`)).toBe(1);
    expect(await count(sql`SELECT count(*)::int AS n FROM sign_in_failure`)).toBe(1);

    // A second run finds nothing more to delete, and writes nothing to the trail.
    const entries = (await retentionEntries()).length;
    const again = await retain(now.toISOString());
    expect(again).toEqual({
      deleted: {
        bookings: new Map(),
        journeySessions: 0,
        mail: 0,
        staffSignInState: 0,
        auditEntries: 0,
      },
      failed: [],
    });
    expect(await retentionEntries()).toHaveLength(entries);
  });

  it('goes on with the other classes when one fails', async () => {
    await sql`INSERT INTO journey_session (authority_id, id, expires_at)
              VALUES ('musterstadt', ${crypto.randomUUID()}, ${new Date('2027-06-01T13:00:00Z')})`.execute(
      db,
    );
    // A period the database refuses for the audit trail (less than a year).
    now = new Date('2027-06-01T14:00:00Z');
    const report = await runRetention({
      db,
      retention: { ...retention, auditDays: 30 },
      now,
      authorityIds: ['musterstadt'],
    });
    expect(report.failed).toEqual([
      {
        retentionClass: 'audit',
        error: expect.objectContaining({
          message: expect.stringMatching(/kept for at least one year/),
        }),
      },
    ]);
    expect(report.deleted.journeySessions).toBeGreaterThan(0);
    expect(
      await count(sql`SELECT count(*)::int AS n FROM journey_session WHERE expires_at <= ${now}`),
    ).toBe(0);
  });

  it('records each run in the audit trail as counts, without personal data', async () => {
    const entries = await retentionEntries();
    expect(entries.length).toBeGreaterThan(0);
    const booking = entries.find((entry) => entry.fields.includes('bookings'));
    expect(booking?.details).toMatchObject({
      periods: { bookingDays: 30, mailDays: 30, auditDays: 730 },
      deleted: { bookings: 1 },
    });
    expect(entries.find((entry) => entry.fields.includes('staffSignInState'))?.fields).toEqual([
      'journeySessions',
      'mail',
      'staffSignInState',
    ]);
    const written = JSON.stringify(
      (await sql`SELECT * FROM audit_event WHERE actor_name = 'retention'`.execute(db)).rows,
    );
    for (const personal of ['Petrenko', 'Olena', '1988-06-01', 'example.org', 'empfang']) {
      expect(written).not.toContain(personal);
    }
  });

  it('purges audit entries older than the legal period; the chain still verifies from the oldest left', async () => {
    for (let n = 0; n < 6; n += 1) {
      await recordAudit(db, {
        authorityId: 'musterstadt',
        actor: { id: null, name: 'test' },
        action: 'read',
        subject: { type: 'booking', id: `b-${n}` },
        purpose: 'test',
      });
    }
    const seqs = async () =>
      (await sql<{ seq: string }>`SELECT seq FROM audit_event ORDER BY seq`.execute(db)).rows.map(
        (row) => Number(row.seq),
      );
    const all = await seqs();
    const cut = all.at(-3) ?? 0; // the last three entries stay recent
    // As the owner, with the trail's triggers off: the older entries become three years old,
    // and the chain is recomputed, as if they had been written then.
    await server.database.ownerDb.transaction().execute(async (trx) => {
      await sql`ALTER TABLE audit_event DISABLE TRIGGER USER`.execute(trx);
      await sql`UPDATE audit_event SET at = at - interval '3 years' WHERE seq < ${cut}`.execute(
        trx,
      );
      await sql`
        DO $$
        DECLARE r audit_event; previous text := '';
        BEGIN
          FOR r IN SELECT * FROM audit_event ORDER BY seq LOOP
            r.prev_hash := previous;
            r.hash := audit_event_digest(r);
            UPDATE audit_event SET prev_hash = r.prev_hash, hash = r.hash WHERE seq = r.seq;
            previous := r.hash;
          END LOOP;
        END $$`.execute(trx);
      await sql`ALTER TABLE audit_event ENABLE TRIGGER USER`.execute(trx);
    });
    expect((await verifyAuditChain(db)).broken).toBeUndefined();

    // The job's clock is close to the database's: 730 days back lies between the two ages.
    const report = await retain(new Date().toISOString());
    expect(report.failed).toEqual([]);
    expect(report.deleted.auditEntries).toBe(all.filter((seq) => seq < cut).length);
    const left = await seqs();
    expect(left[0]).toBe(cut);
    expect(left.slice(0, -1)).toEqual(all.slice(-3)); // nothing recent deleted (then the run's entry)
    const chain = await verifyAuditChain(db);
    expect(chain).toMatchObject({ broken: undefined, firstSeq: String(cut) });
    expect(chain.entries).toBe(left.length);

    const recorded = (await retentionEntries()).at(-1);
    expect(recorded?.fields).toEqual(['auditEntries']);
    expect(recorded?.details).toMatchObject({
      deleted: { bookings: 0 },
      deletedInstallationWide: { auditEntries: report.deleted.auditEntries, mail: 0 },
    });

    expect(left.at(-1)).toBe(Number(recorded?.seq));

    // A second run finds nothing more that old, and writes nothing.
    const again = await retain(new Date().toISOString());
    expect(again.deleted.auditEntries).toBe(0);
    expect(await seqs()).toEqual(left);
  });
});

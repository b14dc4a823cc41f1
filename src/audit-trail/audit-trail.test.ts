import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUSTERSTADT, person } from '../../test/support/booking.ts';
import { FormClient } from '../../test/support/form-client.ts';
import { startTestServer, type TestServer } from '../../test/support/server.ts';
import { signIn } from '../../test/support/staff.ts';
import { bookAppointment, extendSlotWindow } from '../appointments/service.ts';
import { recordAudit } from '../platform/audit/audit.ts';
import { localDay } from '../platform/ui/format.ts';
import { csvCell } from './service.ts';

// The data-protection officer's screen: the trail searched by subject, staff member, action
// and period, page by page; the CSV export, which is itself recorded; the chain check; and
// nobody else gets in.

let server: TestServer;
let dpo: FormClient;
let authorityId: string;
beforeAll(async () => {
  server = await startTestServer();
  dpo = new FormClient(server.url);
  await signIn(dpo, db(), 'datenschutz');
  await dpo.get('/staff');
  authorityId = (
    await db()
      .selectFrom('staff_member')
      .where('username', '=', 'datenschutz')
      .select('authority_id')
      .executeTakeFirstOrThrow()
  ).authority_id;
});
afterAll(async () => server?.close());

const db = () => server.database.db;

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks) as objects. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [[]];
  let field = '';
  let quoted = false;
  const endField = () => {
    rows.at(-1)!.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted) {
      field += c;
    } else if (c === ',') {
      endField();
    } else if (c === '\n') {
      endField();
      rows.push([]);
    } else if (c !== '\r') {
      field += c;
    }
  }
  if (field !== '' || rows.at(-1)!.length > 0) rows.at(-1)!.push(field);
  else rows.pop();
  const [header = [], ...records] = rows;
  return records.map((r) => Object.fromEntries(header.map((name, i) => [name, r[i] ?? ''])));
}

/** The seq numbers of the entries a page lists, in order. */
const seqsOf = (html: string) => [...html.matchAll(/<tr><td>(\d+)<\/td>/g)].map((m) => m[1]!);

async function exportCsv(client: FormClient, fields: Record<string, string>) {
  const res = await fetch(`${server.url}/staff/audit/export`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: client.cookieHeader,
    },
    body: new URLSearchParams({ _csrf: client.csrfToken, ...fields }),
    redirect: 'manual',
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { res, bytes, body: bytes.toString('utf8') };
}

describe('searching the audit trail', () => {
  it('finds a subject’s entries, newest first, page by page', async () => {
    for (let i = 0; i < 57; i += 1) {
      await recordAudit(db(), {
        authorityId,
        actor: { id: null, name: 'paging-test' },
        action: 'read',
        subject: { type: 'booking', id: 'booking-4711' },
        fields: ['familyName', 'dateOfBirth'],
        purpose: 'day view',
        requestId: `request-${i}`,
      });
    }
    const first = await dpo.get('/staff/audit?subject=booking-4711&lang=en');
    expect(first.status).toBe(200);
    const firstSeqs = seqsOf(first.html);
    expect(firstSeqs).toHaveLength(50);
    expect(firstSeqs).toEqual([...firstSeqs].sort((a, b) => Number(b) - Number(a)));
    expect(first.html).toContain('familyName, dateOfBirth');
    expect(first.html).toContain('request-56');
    expect(first.html).not.toContain('Newer entries');
    const older = /href="(\/staff\/audit\?[^"]*before=\d+)"/.exec(first.html)?.[1];
    expect(older).toBeDefined();
    const second = await dpo.get(older!.replaceAll('&amp;', '&'));
    const secondSeqs = seqsOf(second.html);
    expect(secondSeqs).toHaveLength(7);
    expect(Number(secondSeqs[0])).toBeLessThan(Number(firstSeqs.at(-1)));
    expect(second.html).not.toContain('Older entries');
    const newer = /href="(\/staff\/audit\?[^"]*after=\d+)"/.exec(second.html)?.[1];
    const back = await dpo.get(newer!.replaceAll('&amp;', '&'));
    expect(seqsOf(back.html)).toEqual(firstSeqs);
  });

  it('filters by staff member, action and period, and records each search', async () => {
    const reception = new FormClient(server.url);
    await signIn(reception, db(), 'empfang');
    const today = new Date().toISOString().slice(0, 10);
    const byActor = await dpo.get(`/staff/audit?actor=EMPFANG&action=sign_in&from=${today}`);
    expect(byActor.status).toBe(200);
    const seqs = seqsOf(byActor.html);
    expect(seqs.length).toBeGreaterThan(0);
    const rows = await db()
      .selectFrom('audit_event')
      .where('seq', 'in', seqs)
      .select(['actor_name', 'action'])
      .execute();
    expect(new Set(rows.map((r) => `${r.actor_name} ${r.action}`))).toEqual(
      new Set(['empfang sign_in']),
    );
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const past = await dpo.get(`/staff/audit?actor=empfang&from=2020-01-01&to=${yesterday}`);
    expect(seqsOf(past.html)).toEqual([]);

    const searches = await db()
      .selectFrom('audit_event')
      .where('actor_name', '=', 'datenschutz')
      .where('action', '=', 'read')
      .where('subject_type', '=', 'audit-trail')
      .select(['details', 'purpose'])
      .orderBy('seq')
      .execute();
    expect(searches.at(-2)).toMatchObject({
      purpose: 'data protection supervision',
      details: { filter: { actor: 'EMPFANG', action: 'sign_in', from: today } },
    });
  });

  it('explains a bad filter next to its field and searches nothing', async () => {
    const before = await db()
      .selectFrom('audit_event')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const bad = await dpo.get('/staff/audit?from=2026-02-30&to=2026-01-01&action=delete&lang=en');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('href="#from"');
    expect(bad.html).toContain('href="#action"');
    expect(bad.html).toContain('Enter a real date');
    const reversed = await dpo.get('/staff/audit?from=2026-03-01&to=2026-01-01&lang=en');
    expect(reversed.status).toBe(400);
    expect(reversed.html).toContain('must not be before the first day');
    const after = await db()
      .selectFrom('audit_event')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('answers a day before 2000 or after 2100 (year 0000 among them) beside its field', async () => {
    for (const query of ['from=0000-01-01', 'to=0000-12-31', 'from=1999-12-31', 'to=2101-01-01']) {
      const res = await dpo.get(`/staff/audit?${query}&lang=en`);
      expect(res.status, query).toBe(400);
      expect(res.html).toContain(`href="#${query.slice(0, query.indexOf('='))}"`);
      expect(res.html).toContain('Enter a day between 2000 and 2100');
    }
    const edges = await dpo.get('/staff/audit?from=2000-01-01&to=2100-12-31&lang=en');
    expect(edges.status).toBe(200);
  });
});

describe('exporting the audit trail', () => {
  it('streams the filtered entries as CSV and records the export with filter and count', async () => {
    // A stranger's sign-in attempt under a name that a spreadsheet would run as a formula.
    await recordAudit(db(), {
      authorityId,
      actor: { id: null, name: '=HYPERLINK("http://evil.example")' },
      action: 'sign_in_failed',
      subject: { type: 'booking', id: 'booking-4711' },
    });
    await dpo.get('/staff/audit?subject=booking-4711');
    const { res, bytes, body } = await exportCsv(dpo, { subject: 'booking-4711' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="audit-.*\.csv"$/,
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    // A byte-order mark first, so that spreadsheets read UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parseCsv(body.slice(1));
    expect(records).toHaveLength(58);
    expect(Object.keys(records[0]!)).toEqual([
      'seq',
      'at',
      'actor_id',
      'actor_name',
      'action',
      'subject_type',
      'subject_id',
      'fields',
      'purpose',
      'request_id',
      'details',
    ]);
    expect(records.map((r) => Number(r.seq))).toEqual(
      records.map((r) => Number(r.seq)).sort((a, b) => a - b),
    );
    expect(records[0]).toMatchObject({
      actor_name: 'paging-test',
      action: 'read',
      subject_id: 'booking-4711',
      fields: 'familyName dateOfBirth',
      request_id: 'request-0',
    });
    expect(records.at(-1)!.actor_name).toBe(`'=HYPERLINK("http://evil.example")`);

    const exports = await db()
      .selectFrom('audit_event')
      .where('action', '=', 'export')
      .select(['actor_name', 'details', 'purpose', 'request_id'])
      .execute();
    expect(exports).toHaveLength(1);
    expect(exports[0]).toMatchObject({
      actor_name: 'datenschutz',
      purpose: 'data protection supervision',
      details: { filter: { subject: 'booking-4711' }, rows: 58 },
    });
    expect(exports[0]!.request_id).toBeTruthy();

    // The export shows up when the officer searches the trail for exports.
    const found = await dpo.get('/staff/audit?action=export&lang=en');
    expect(found.html).toContain('exported');
    expect(seqsOf(found.html)).toHaveLength(1);
  });

  it('refuses a bad filter without exporting anything', async () => {
    await dpo.get('/staff/audit');
    const { res } = await exportCsv(dpo, { from: 'yesterday' });
    expect(res.status).toBe(400);
    const ancient = await exportCsv(dpo, { from: '0000-01-01', to: '0000-12-31' });
    expect(ancient.res.status).toBe(400);
    expect(ancient.body).toContain('2000');
    const exports = await db()
      .selectFrom('audit_event')
      .where('action', '=', 'export')
      .select('seq')
      .execute();
    expect(exports).toHaveLength(1);
  });

  it('keeps formula characters from starting a cell', () => {
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', 'empfang', '{"a":1}'].map(csvCell)).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@SUM(A1)",
      "'\tx",
      'empfang',
      '{"a":1}',
    ]);
  });
});

describe('checking the chain', () => {
  it('reports an intact chain', async () => {
    const page = await dpo.get('/staff/audit/verify?lang=en');
    expect(page.status).toBe(200);
    expect(page.html).toContain('The chain is intact');
  });

  it('shows no figures of the installation, only the count of the own authority’s entries', async () => {
    // Another authority on the same installation.
    for (let i = 0; i < 3; i += 1) {
      await recordAudit(db(), {
        authorityId: 'elsewhere',
        actor: { id: null, name: 'someone' },
        action: 'sign_in_failed',
      });
    }
    const count = async (where?: string) => {
      let query = db()
        .selectFrom('audit_event')
        .select((eb) => eb.fn.countAll<string>().as('n'));
      if (where) query = query.where('authority_id', '=', where);
      return Number((await query.executeTakeFirstOrThrow()).n);
    };
    const own = await count(authorityId);
    const newest = await db()
      .selectFrom('audit_event')
      .select(['seq', 'hash'])
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    const page = await dpo.get('/staff/audit/verify?lang=en');
    expect(page.status).toBe(200);
    expect(page.html).toContain('The chain is intact');
    const shown = /Entries of your authority<\/dt>\s*<dd>(\d+)<\/dd>/.exec(page.html)?.[1];
    expect(Number(shown)).toBe(own);
    expect(page.html).not.toContain(newest.hash);
    expect(page.html).not.toContain(`${await count()} entries`);
    const main = /<main[\s\S]*<\/main>/.exec(page.html)?.[0] ?? '';
    expect(main).not.toMatch(new RegExp(`\\b${newest.seq}\\b`));
  });
});

describe('who looked at a booking', () => {
  it('finds the day list that showed it, by the booking’s id and by its code', async () => {
    const now = new Date();
    await extendSlotWindow(db(), MUSTERSTADT, now);
    const slot = (
      await sql<{ id: string; concern_id: string; starts_at: Date }>`
        SELECT id, concern_id, starts_at FROM slot
        WHERE authority_id = ${MUSTERSTADT.id} AND office_id = 'central' AND booked < capacity
          AND starts_at > now() + interval '1 day'
        ORDER BY starts_at LIMIT 1`.execute(db())
    ).rows[0];
    if (!slot) throw new Error('no free slot at central');
    const booked = await bookAppointment(
      { db: db(), clock: () => now, baseUrl: server.url },
      MUSTERSTADT,
      {
        slotId: slot.id,
        concernId: slot.concern_id,
        person: person(7, { familyName: 'Kovalenko', email: null, phone: '+49 30 1234567' }),
      },
    );
    if (!booked.ok) throw new Error(`booking failed: ${booked.reason}`);
    const { booking } = booked;

    // Reception opens the day list that shows the booking.
    const reception = new FormClient(server.url);
    await signIn(reception, db(), 'empfang');
    const day = localDay(slot.starts_at, MUSTERSTADT.timeZone);
    const list = await reception.get(`/staff/day?office=central&day=${day}&lang=en`);
    expect(list.status).toBe(200);
    expect(list.html).toContain('Kovalenko');
    const read = await db()
      .selectFrom('audit_event')
      .where('actor_name', '=', 'empfang')
      .where('subject_type', '=', 'office-day')
      .select(['seq', 'details'])
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(read.details).toMatchObject({
      bookings: expect.arrayContaining([booking.id]) as unknown,
    });

    // The officer finds it by the id, and by the code as the newcomer reads it out.
    const typed = `${booking.code.slice(0, 5).toLowerCase()}-${booking.code.slice(5)}`;
    for (const subject of [booking.id, booking.code, typed]) {
      const found = await dpo.get(`/staff/audit?subject=${encodeURIComponent(subject)}&lang=en`);
      expect(found.status, subject).toBe(200);
      expect(seqsOf(found.html), subject).toContain(read.seq);
    }
    const byCode = await dpo.get(`/staff/audit?subject=${booking.code}&lang=en`);
    expect(byCode.html).toContain(`Booking code ${booking.code} is booking ${booking.id}`);
    const unknown = await dpo.get('/staff/audit?subject=zzzz-zzzzzz&lang=en');
    expect(unknown.html).toContain('No booking has the code ZZZZZZZZZZ');
    // An id that no list showed finds nothing of this.
    const other = await dpo.get(`/staff/audit?subject=${booking.id}0&lang=en`);
    expect(seqsOf(other.html)).not.toContain(read.seq);
  });

  it('serves the search for a record among those a page showed from an index', async () => {
    const plan = await db()
      .connection()
      .execute(async (session) => {
        await sql`SET enable_seqscan = off`.execute(session);
        try {
          return await sql<{ 'QUERY PLAN': string }>`
            EXPLAIN SELECT seq FROM audit_event
            WHERE details @> '{"bookings": ["42"]}'::jsonb`.execute(session);
        } finally {
          await sql`RESET enable_seqscan`.execute(session);
        }
      });
    expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain(
      'audit_event_details_idx',
    );
  });
});

describe('who may read the trail', () => {
  it('refuses a caseworker and an administrator', async () => {
    for (const username of ['sachbearbeitung', 'admin']) {
      const client = new FormClient(server.url);
      await signIn(client, db(), username);
      await client.get('/staff');
      expect((await client.get('/staff/audit')).status).toBe(403);
      expect((await client.get('/staff/audit/verify')).status).toBe(403);
      const { res } = await exportCsv(client, {});
      expect(res.status).toBe(403);
    }
  });
});

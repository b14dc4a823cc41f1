import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person, slotAt, slotsFrom } from '../../test/support/booking.ts';
import { startTestServer, type TestServer } from '../../test/support/server.ts';

// The JSON API over real HTTP, and the proof that one slot is never overbooked.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    clock: () => new Date('2027-03-20T10:00:00Z'),
    // The flood below is about overbooking, not about load shedding (tested on its own):
    // the in-flight cap must not refuse part of the 200 requests before they race.
    env: { MAX_IN_FLIGHT_REQUESTS: '1000' },
  });
  await slotsFrom(server.database.db, '2027-03-22', 14);
});
afterAll(() => server.close());

const post = (path: string, body: unknown, lang = 'en') =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': lang },
    body: JSON.stringify(body),
  });

describe('appointments API', () => {
  it('lists concerns and offices in the requested language', async () => {
    const concerns = (await (await fetch(`${server.url}/api/v1/concerns?lang=uk`)).json()) as {
      id: string;
      language: string;
    }[];
    expect(concerns).toHaveLength(12);
    expect(concerns[0]?.language).toBe('uk');
    const offices = (await (await fetch(`${server.url}/api/v1/offices`)).json()) as unknown[];
    expect(offices).toHaveLength(3);
  });

  it('reports free slots with their remaining capacity', async () => {
    const res = await fetch(
      `${server.url}/api/v1/availability?concern=address-registration&office=north&from=2027-03-24&to=2027-03-24`,
    );
    const slots = (await res.json()) as { startsAt: string; remaining: number }[];
    expect(slots[0]).toMatchObject({ startsAt: '2027-03-24T07:00:00.000Z', remaining: 1 });
    expect(slots).toHaveLength(30); // 08:00–12:00 and 14:00–17:30, every 15 minutes
    const bad = await fetch(
      `${server.url}/api/v1/availability?concern=address-registration&from=2027-01-01&to=2027-12-31`,
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('books, looks up and cancels by code and date of birth', async () => {
    const slot = await slotAt(
      server.database.db,
      'address-registration',
      'central',
      '2027-03-30T06:30:00Z',
    );
    const created = await post('/api/v1/bookings', {
      slotId: slot.id,
      concernId: 'address-registration',
      ...person('api'),
      phone: undefined,
    });
    expect(created.status).toBe(201);
    const booking = (await created.json()) as { code: string; startsAt: string };
    expect(booking.startsAt).toBe('2027-03-30T06:30:00.000Z');
    const found = await post('/api/v1/bookings/lookup', {
      code: booking.code,
      dateOfBirth: '1988-06-01',
    });
    expect(found.status).toBe(200);
    const wrong = await post(
      '/api/v1/bookings/lookup',
      { code: booking.code, dateOfBirth: '1988-06-02' },
      'de',
    );
    expect(wrong.status).toBe(404);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toContain(
      'keinen Termin',
    );
    const cancelled = await post('/api/v1/bookings/cancel', {
      code: booking.code,
      dateOfBirth: '1988-06-01',
    });
    expect(((await cancelled.json()) as { status: string }).status).toBe('cancelled');
    expect(
      (await post('/api/v1/bookings/cancel', { code: booking.code, dateOfBirth: '1988-06-01' }))
        .status,
    ).toBe(409);
  });

  it('validates with the form rules and answers in the caller language', async () => {
    const slot = await slotAt(
      server.database.db,
      'address-registration',
      'central',
      '2027-03-30T06:45:00Z',
    );
    const res = await post(
      '/api/v1/bookings',
      {
        slotId: slot.id,
        concernId: 'address-registration',
        ...person('bad'),
        familyName: 'Петренко',
        email: 'nope',
      },
      'ar',
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; fields: Record<string, string> } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(body.error.fields).sort()).toEqual(['email', 'familyName']);
    expect(body.error.fields.familyName).toMatch(/[\u0600-\u06ff]/);
    expect(
      (await slotAt(server.database.db, 'address-registration', 'central', '2027-03-30T06:45:00Z'))
        .booked,
    ).toBe(0);
  });

  it('documents itself as OpenAPI generated from the schemas', async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<
        string,
        {
          post?: {
            requestBody: { content: { 'application/json': { schema: { required: string[] } } } };
          };
        }
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(
      doc.paths['/api/v1/bookings']?.post?.requestBody.content['application/json'].schema.required,
    ).toEqual(expect.arrayContaining(['slotId', 'concernId', 'familyName', 'dateOfBirth']));
  });

  it('takes JSON only, and out-of-range dates as bad input, not as server errors', async () => {
    const form = await fetch(`${server.url}/api/v1/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'slotId=1&concernId=address-registration',
    });
    expect(form.status).toBe(415);
    const ancient = await fetch(
      `${server.url}/api/v1/availability?concern=address-registration&from=0000-01-01&to=0000-01-02`,
    );
    expect(ancient.status).toBe(400);
    expect(
      (await post('/api/v1/bookings/lookup', { code: 'ABCDEFGHJK', dateOfBirth: '0000-01-01' }))
        .status,
    ).toBe(404);
  });

  it('answers malformed JSON and unknown paths with JSON errors, never 5xx', async () => {
    const broken = await fetch(`${server.url}/api/v1/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"slotId":',
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { code: string } }).error.code).toBe(
      'VALIDATION_FAILED',
    );
    const unknown = await fetch(`${server.url}/api/v1/nothing`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});

describe('a flood of bookings for one slot', () => {
  it('200 simultaneous requests for 3 places: exactly 3 bookings, the rest "just taken", no 5xx', async () => {
    const { db } = server.database;
    const slot = await slotAt(db, 'address-registration', 'central', '2027-03-31T06:00:00Z');
    await sql`UPDATE slot SET capacity = 3 WHERE id = ${slot.id}`.execute(db);
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        post('/api/v1/bookings', {
          slotId: slot.id,
          concernId: 'address-registration',
          ...person(`flood${i}`),
        }).then(async (res) => ({
          status: res.status,
          code:
            res.status === 201
              ? undefined
              : ((await res.json()) as { error: { code: string } }).error.code,
        })),
      ),
    );
    const created = responses.filter((r) => r.status === 201);
    expect(created).toHaveLength(3);
    expect(responses.filter((r) => r.status >= 500)).toEqual([]);
    expect(
      new Set(responses.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.code}`)),
    ).toEqual(new Set(['409 SLOT_TAKEN']));
    const counts = await sql<{ booked: number; active: number }>`
      SELECT s.booked, (SELECT count(*)::int FROM booking b WHERE b.slot_id = s.id AND b.status = 'active') AS active
      FROM slot s WHERE s.id = ${slot.id}`.execute(db);
    expect(counts.rows[0]).toEqual({ booked: 3, active: 3 });
  });
});

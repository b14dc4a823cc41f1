import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUSTERSTADT, person, slotAt, slotsFrom } from '../../test/support/booking.ts';
import { TEST_STAFF_PASSWORD } from '../../test/support/database-admin.ts';
import { startTestServer, type TestServer } from '../../test/support/server.ts';
import { bookAppointment } from '../appointments/service.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock: () => new Date('2027-03-29T10:00:00Z') });
  await slotsFrom(server.database.db, '2027-03-22', 14);
  const slot = await slotAt(
    server.database.db,
    'address-registration',
    'central',
    '2027-03-30T06:00:00Z',
  );
  const booked = await bookAppointment(
    {
      db: server.database.db,
      clock: () => new Date('2027-03-29T10:00:00Z'),
      baseUrl: server.url,
    },
    MUSTERSTADT,
    {
      slotId: slot.id,
      concernId: 'address-registration',
      person: { ...person('staff'), interpreterLanguage: 'uk' },
    },
  );
  expect(booked.ok).toBe(true);
});
afterAll(() => server.close());

async function signIn(password: string) {
  const page = await fetch(`${server.url}/staff/login`);
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = (await page.text()).match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
  const res = await fetch(`${server.url}/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: csrf, username: 'demo', password }),
    redirect: 'manual',
  });
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { res, cookie: [cookie, session].filter(Boolean).join('; ') };
}

describe('staff day view', () => {
  it('is closed without a login and refuses a wrong password', async () => {
    const anonymous = await fetch(`${server.url}/staff?office=central&day=2027-03-30`, {
      redirect: 'manual',
    });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/staff/login');
    expect((await signIn('wrong')).res.status).toBe(401);
  });

  it('lists the day appointments with concern, name, language and interpreter, and audits the read', async () => {
    const { res, cookie } = await signIn(TEST_STAFF_PASSWORD);
    expect(res.status).toBe(303);
    const day = await fetch(`${server.url}/staff?office=central&day=2027-03-30`, {
      headers: { cookie },
    });
    expect(day.status).toBe(200);
    expect(day.headers.get('cache-control')).toBe('no-store');
    const html = await day.text();
    expect(html).toMatch(
      /<td>08:00<\/td><td>Wohnsitz anmelden|<td>08:00<\/td><td>[^<]+<\/td><td>Petrenko, Olena/,
    );
    expect(html).toContain('Petrenko, Olena');
    expect(html).toContain('Українська');
    expect(html).toContain('Ukrainisch');
    const audit = await sql<{ actor: string; action: string; subject: string }>`
      SELECT actor, action, subject FROM audit_log ORDER BY id DESC LIMIT 1`.execute(
      server.database.db,
    );
    expect(audit.rows[0]).toEqual({
      actor: 'demo',
      action: 'appointments.day.read',
      subject: 'central/2027-03-30',
    });
  });
});

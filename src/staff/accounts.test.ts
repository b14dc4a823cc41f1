import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient } from '../../test/support/form-client.ts';
import { startTestServer, type TestServer } from '../../test/support/server.ts';
import { signIn } from '../../test/support/staff.ts';
import { testConfig } from '../../test/support/app.ts';
import { runStaffCommand } from './cli.ts';

// Accounts over their life: the first administrator from the command line, enrolment at the
// first sign-in, recovery codes, and the session limits.

let now = new Date('2026-12-07T08:00:00Z');
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
});
afterAll(async () => server?.close());

const db = () => server.database.db;
const minutes = (n: number) => (now = new Date(now.getTime() + n * 60_000));

describe('welcome-center staff create', () => {
  it('creates an administrator who must set a password and enrol TOTP at the first sign-in', async () => {
    const output = await runStaffCommand(db(), testConfig(), [
      'create',
      '--user',
      'erste.admin',
      '--role',
      'administrator',
      '--name',
      'Erste Administratorin',
    ]);
    const password = /One-time password[^:]*: (\S+)/.exec(output)?.[1];
    const uri = /otpauth:\/\/\S+/.exec(output)?.[0];
    expect(password).toBeDefined();
    expect(uri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    const secret = new URL(uri!).searchParams.get('secret')!;

    const client = new FormClient(server.url);
    await client.get('/staff/sign-in');
    const step = await client.post('/staff/sign-in', {
      username: 'erste.admin',
      password: password!,
    });
    expect(step.location).toMatch(/^\/staff\/sign-in\/enrol/);
    const page = await client.get(step.location!);
    expect(page.html).toContain('<svg'); // the QR code
    expect(page.html).toContain(secret);
    // Before enrolment, nothing of the staff area opens.
    expect((await client.get('/staff')).status).toBe(303);

    const code = await generate({ secret, epoch: Math.floor(now.getTime() / 1000) });
    const tooShort = await client.post('/staff/sign-in/enrol', {
      newPassword: 'short',
      repeatPassword: 'short',
      code,
    });
    expect(tooShort.status).toBe(400);
    const done = await client.post('/staff/sign-in/enrol', {
      newPassword: 'a-long-new-password',
      repeatPassword: 'a-long-new-password',
      code,
    });
    expect(done.status).toBe(200);
    const codes = [...done.html.matchAll(/<code>([a-z0-9-]{17})<\/code>/g)].map((m) => m[1]!);
    expect(codes).toHaveLength(10);
    expect((await client.get('/staff/accounts')).status).not.toBe(303);

    // The one-time password no longer works; the new one with a recovery code does, once.
    const other = new FormClient(server.url);
    await other.get('/staff/sign-in');
    const old = await other.post('/staff/sign-in', {
      username: 'erste.admin',
      password: password!,
    });
    expect(old.status).toBe(401);
    const fresh = await other.post('/staff/sign-in', {
      username: 'erste.admin',
      password: 'a-long-new-password',
    });
    expect(fresh.location).toMatch(/^\/staff\/sign-in\/code/);
    await other.get(fresh.location!);
    expect((await other.post('/staff/sign-in/code', { code: codes[0]! })).status).toBe(303);

    const third = new FormClient(server.url);
    await third.get('/staff/sign-in');
    const again = await third.post('/staff/sign-in', {
      username: 'erste.admin',
      password: 'a-long-new-password',
    });
    await third.get(again.location!);
    expect((await third.post('/staff/sign-in/code', { code: codes[0]! })).status).toBe(401);

    const trail = await db()
      .selectFrom('audit_event')
      .where('actor_name', 'in', ['cli', 'erste.admin'])
      .select('action')
      .orderBy('seq')
      .execute();
    expect(trail.map((e) => e.action)).toEqual(
      expect.arrayContaining(['change', 'password_changed', 'second_factor_enrolled', 'sign_in']),
    );
  });

  it('refuses a duplicate user and an unknown role with a clear message', async () => {
    await expect(
      runStaffCommand(db(), testConfig(), ['create', '--user', 'admin', '--role', 'administrator']),
    ).rejects.toThrow(/exists already/);
    await expect(
      runStaffCommand(db(), testConfig(), ['create', '--user', 'x1', '--role', 'king']),
    ).rejects.toThrow(/--role/);
    await expect(
      runStaffCommand(db(), testConfig(), ['create', '--role', 'reception']),
    ).rejects.toThrow(/--user: is required/);
    await expect(
      runStaffCommand(db(), testConfig(), [
        'create',
        '--user',
        'x2',
        '--role',
        'administrator',
        '--office',
        'central',
      ]),
    ).rejects.toThrow(/--office: only for the roles/);
  });
});

describe('staff sessions', () => {
  it('end after 30 idle minutes', async () => {
    const client = new FormClient(server.url);
    await signIn(client, db(), 'empfang', { now });
    minutes(29);
    expect((await client.get('/staff')).status).toBe(200);
    minutes(29);
    expect((await client.get('/staff')).status).toBe(200);
    minutes(31);
    expect((await client.get('/staff')).status).toBe(303);
  });

  it('end after ten hours however active', async () => {
    minutes(5);
    const client = new FormClient(server.url);
    await signIn(client, db(), 'teamleitung', { now });
    for (let i = 0; i < 29; i += 1) {
      minutes(20);
      expect((await client.get('/staff')).status).toBe(200);
    }
    minutes(21); // 10 h 1 min after signing in
    expect((await client.get('/staff')).status).toBe(303);
  });
});

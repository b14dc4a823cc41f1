import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient } from '../../test/support/form-client.ts';
import { startTestServer, type TestServer } from '../../test/support/server.ts';
import { signIn, totpCode } from '../../test/support/staff.ts';
import { TEST_STAFF_PASSWORD } from '../../test/support/database-admin.ts';
import { createTestApp } from '../../test/support/app.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { TRUST_PROXY: '127.0.0.1' } });
});
afterAll(async () => server?.close());

const db = () => server.database.db;

describe('staff sign-in with password and TOTP', () => {
  it('signs in with password and the app code, and opens the staff home', async () => {
    const client = new FormClient(server.url);
    const anonymous = await client.get('/staff');
    expect(anonymous.status).toBe(303);
    expect(anonymous.location).toMatch(/^\/staff\/sign-in\?next=/);
    await signIn(client, db(), 'admin');
    const home = await client.get('/staff');
    expect(home.status).toBe(200);
    expect(home.html).toContain('Anna Administration');
    const audit = await db()
      .selectFrom('audit_event')
      .where('action', '=', 'sign_in')
      .where('actor_name', '=', 'admin')
      .select(['request_id', 'client'])
      .execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it('refuses a wrong password and a replayed code', async () => {
    const client = new FormClient(server.url);
    await client.get('/staff/sign-in');
    const wrong = await client.post('/staff/sign-in', { username: 'empfang', password: 'nope' });
    expect(wrong.status).toBe(401);
    const ok = await client.post('/staff/sign-in', {
      username: 'empfang',
      password: TEST_STAFF_PASSWORD,
    });
    expect(ok.location).toMatch(/^\/staff\/sign-in\/code/);
    await client.get(ok.location!);
    const code = await totpCode(db(), 'empfang');
    expect((await client.post('/staff/sign-in/code', { code })).status).toBe(303);

    // Another browser with the same password and the same code: refused.
    const thief = new FormClient(server.url);
    await thief.get('/staff/sign-in');
    const step1 = await thief.post('/staff/sign-in', {
      username: 'empfang',
      password: TEST_STAFF_PASSWORD,
    });
    await thief.get(step1.location!);
    const replay = await thief.post('/staff/sign-in/code', { code });
    expect(replay.status).toBe(401);
  });

  it('ten failed sign-ins from one address do not stop a colleague at another', async () => {
    const attacker = new FormClient(server.url);
    await attacker.get('/staff/sign-in');
    // Token-less posts are refused before they count.
    for (let i = 0; i < 10; i += 1) {
      const res = await fetch(`${server.url}/staff/sign-in`, {
        method: 'POST',
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      expect(res.status).toBeLessThan(500);
    }
    for (let i = 0; i < 10; i += 1) {
      const res = await fetch(`${server.url}/staff/sign-in`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: attacker.cookieHeader,
          'x-forwarded-for': '203.0.113.9',
        },
        body: new URLSearchParams({
          _csrf: attacker.csrfToken,
          username: `guess${i}`,
          password: 'wrong',
        }),
        redirect: 'manual',
      });
      expect([401, 429]).toContain(res.status);
    }
    const colleague = new FormClient(server.url);
    await signIn(colleague, db(), 'teamleitung');
    expect((await colleague.get('/staff')).status).toBe(200);
  });

  it('slows guessing on one account', async () => {
    const client = new FormClient(server.url);
    await client.get('/staff/sign-in');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      statuses.push(
        (await client.post('/staff/sign-in', { username: 'datenschutz', password: `x${i}` }))
          .status,
      );
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.at(-1)).toBe(429);
  });

  it("lets the owner in while a stranger guesses the owner's password elsewhere", async () => {
    const stranger = new FormClient(server.url, { 'x-forwarded-for': '198.51.100.66' });
    await stranger.get('/staff/sign-in');
    for (let i = 0; i < 20; i += 1) {
      await stranger.post('/staff/sign-in', { username: 'datenschutz', password: `g${i}` });
    }
    const owner = new FormClient(server.url, { 'x-forwarded-for': '192.0.2.44' });
    await signIn(owner, db(), 'datenschutz');
    expect((await owner.get('/staff')).status).toBe(200);
  });

  it('counts parallel guesses one after the other', async () => {
    const client = new FormClient(server.url, { 'x-forwarded-for': '198.51.100.77' });
    await client.get('/staff/sign-in');
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        client.post('/staff/sign-in', { username: 'teamleitung', password: `p${i}` }),
      ),
    ).then((answers) => answers.map((a) => a.status));
    // Five free guesses for this account from this client; every other one waits.
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
  });

  it('tells IPv4 clients of a dual-stack listener apart', async () => {
    const noisy = new FormClient(server.url, { 'x-forwarded-for': '::ffff:203.0.113.20' });
    await noisy.get('/staff/sign-in');
    for (let i = 0; i < 31; i += 1) {
      await noisy.post('/staff/sign-in', { username: `nobody${i}`, password: 'x' });
    }
    expect((await noisy.post('/staff/sign-in', { username: 'nobody', password: 'x' })).status).toBe(
      429,
    );
    const neighbour = new FormClient(server.url, { 'x-forwarded-for': '::ffff:203.0.113.21' });
    await signIn(neighbour, db(), 'admin');
    expect((await neighbour.get('/staff')).status).toBe(200);
  });

  it('signs out everywhere', async () => {
    const a = new FormClient(server.url);
    const b = new FormClient(server.url);
    await signIn(a, db(), 'sachbearbeitung');
    await signIn(b, db(), 'sachbearbeitung');
    expect((await b.get('/staff/account')).status).toBe(200);
    const out = await b.post('/staff/account/sign-out-everywhere', {});
    expect(out.status).toBe(303);
    expect((await a.get('/staff')).status).toBe(303);
  });

  it('refuses a form token from another session', async () => {
    const a = new FormClient(server.url);
    const b = new FormClient(server.url);
    await signIn(a, db(), 'partner');
    await a.get('/staff/account');
    const tokenOfA = a.csrfToken;
    await signIn(b, db(), 'partner');
    const res = await fetch(`${server.url}/staff/account/recovery-codes`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: b.cookieHeader,
      },
      body: new URLSearchParams({ _csrf: tokenOfA }),
      redirect: 'manual',
    });
    expect(res.status).toBe(403);
  });
});

describe('cookies over HTTPS', () => {
  it('carry the __Host- prefix, Secure, no Domain', async () => {
    const app = await createTestApp(server.database.db, { BASE_URL: 'https://welcome.example' });
    try {
      const page = await app.inject({ url: '/staff/sign-in' });
      const csrfCookie = page.cookies.find((c) => c.name === '__Host-csrf');
      expect(csrfCookie).toMatchObject({ secure: true, path: '/' });
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      const res = await app.inject({
        method: 'POST',
        url: '/staff/sign-in',
        headers: { cookie: `__Host-csrf=${csrfCookie?.value ?? ''}` },
        payload: { _csrf: token, username: 'admin', password: TEST_STAFF_PASSWORD },
      });
      expect(res.statusCode).toBe(303);
      const pending = res.cookies.find((c) => c.name === '__Host-wc_staff_pending');
      expect(pending).toMatchObject({
        secure: true,
        httpOnly: true,
        path: '/',
        sameSite: 'Strict',
      });
      expect(pending?.domain).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient } from '../../test/support/form-client.ts';
import { startTestServer, type TestServer } from '../../test/support/server.ts';
import { signIn } from '../../test/support/staff.ts';
import { SoftwarePasskey } from '../../test/support/webauthn.ts';

// The passkey endpoints without a browser: a software passkey answers the ceremonies, so the
// refusals can be tried one by one — malformed answers, a passkey nobody registered, an answer
// to another challenge, a replayed answer, a deactivated member — and each one must leave no
// session and no passkey behind. The browser test (test/e2e/passkeys.test.ts) does the same
// with Chromium's virtual authenticator.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const db = () => server.database.db;

/** A browser's cookie jar and CSRF token for JSON requests. */
class Browser {
  private readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(from?: FormClient) {
    if (from) {
      for (const pair of from.cookieHeader.split('; ').filter(Boolean)) {
        const [name = '', ...rest] = pair.split('=');
        this.cookies.set(name, rest.join('='));
      }
      this.csrf = from.csrfToken;
    }
  }

  private remember(res: Response) {
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const [name = '', ...rest] = pair.split('=');
      const value = rest.join('=');
      if (value === '' || /max-age=0|expires=Thu, 01 Jan 1970/i.test(cookie)) {
        this.cookies.delete(name);
      } else {
        this.cookies.set(name, value);
      }
    }
  }

  get cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(path: string) {
    const res = await fetch(`${server.url}${path}`, {
      headers: { cookie: this.cookieHeader },
      redirect: 'manual',
    });
    this.remember(res);
    const html = await res.text();
    this.csrf = html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? this.csrf;
    return { status: res.status, html };
  }

  /** Posts JSON (or, as a string, any text with a JSON content type). */
  async post(path: string, body: unknown, options: { csrf?: string } = {}) {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-csrf-token': options.csrf ?? this.csrf,
        cookie: this.cookieHeader,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    this.remember(res);
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // An error page.
    }
    return { status: res.status, json, location: res.headers.get('location') };
  }
}

async function signedIn(username: string) {
  const client = new FormClient(server.url);
  await signIn(client, db(), username);
  const browser = new Browser(client);
  await browser.get('/staff/account');
  return browser;
}

const rpOf = () => ({ id: new URL(server.url).hostname, origin: server.url });

/** Counts of everything a passkey request could write. */
async function snapshot() {
  const count = async (
    table: 'staff_session' | 'sign_in_failure' | 'audit_event' | 'staff_passkey',
  ) =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const passkeys = await db()
    .selectFrom('staff_passkey')
    .select(['credential_id', 'counter', 'last_used_at'])
    .orderBy('credential_id')
    .execute();
  return {
    sessions: await count('staff_session'),
    failures: await count('sign_in_failure'),
    audit: await count('audit_event'),
    passkeys,
  };
}

/** Registers a software passkey for the signed-in member through the account endpoints. */
async function register(browser: Browser, name: string) {
  const options = await browser.post('/staff/account/passkeys/options', { name });
  expect(options.status).toBe(200);
  const user = options.json.user as { id: string; name: string };
  const passkey = new SoftwarePasskey(rpOf(), user.id);
  const result = await browser.post(
    '/staff/account/passkeys',
    passkey.register(options.json.challenge as string),
  );
  expect(result.status, JSON.stringify(result.json)).toBe(200);
  return passkey;
}

/** A browser on the sign-in page with a fresh passkey challenge. */
async function signInPage() {
  const browser = new Browser();
  await browser.get('/staff/sign-in');
  const options = await browser.post('/staff/sign-in/passkey/options', {});
  expect(options.status).toBe(200);
  expect(options.json.allowCredentials ?? []).toEqual([]);
  expect(options.json.userVerification).toBe('required');
  return { browser, challenge: options.json.challenge as string };
}

describe('adding and removing passkeys on the own account', () => {
  it('adds a named passkey, lists it and audits it', async () => {
    const browser = await signedIn('sachbearbeitung');
    const options = await browser.post('/staff/account/passkeys/options', { name: ' Laptop ' });
    expect(options.status).toBe(200);
    const member = await db()
      .selectFrom('staff_member')
      .where('username', '=', 'sachbearbeitung')
      .select('id')
      .executeTakeFirstOrThrow();
    const user = options.json.user as { id: string; name: string };
    expect(Buffer.from(user.id, 'base64url').toString()).toBe(member.id);
    expect(options.json.authenticatorSelection).toMatchObject({
      residentKey: 'required',
      userVerification: 'required',
    });
    const passkey = new SoftwarePasskey(rpOf(), user.id);
    const added = await browser.post(
      '/staff/account/passkeys',
      passkey.register(options.json.challenge as string),
    );
    expect(added).toMatchObject({ status: 200, json: { redirect: '/staff/account' } });
    const page = await browser.get('/staff/account');
    expect(page.html).toContain('<td>Laptop</td>');
    const audit = await db()
      .selectFrom('audit_event')
      .where('action', '=', 'passkey_added')
      .where('actor_id', '=', member.id)
      .select(['details', 'purpose'])
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ purpose: 'own account', details: { credential: passkey.id } });

    // The next options exclude it, so the same device is not registered twice.
    const again = await browser.post('/staff/account/passkeys/options', { name: 'Twice' });
    expect(again.json.excludeCredentials).toEqual([
      expect.objectContaining({ id: passkey.id }) as unknown,
    ]);
  });

  it('asks for a name before the device is asked', async () => {
    const browser = await signedIn('teamleitung');
    for (const name of ['', '   ', 'x'.repeat(61)]) {
      const res = await browser.post('/staff/account/passkeys/options', { name });
      expect(res.status).toBe(400);
      expect(res.json.errors).toEqual({ name: expect.stringContaining('Namen') as unknown });
    }
  });

  it('refuses malformed answers, a missing ceremony and another challenge, writing nothing', async () => {
    const browser = await signedIn('empfang');
    const before = await snapshot();
    const user = (await browser.post('/staff/account/passkeys/options', { name: 'Phone' })).json
      .user as { id: string };
    const passkey = new SoftwarePasskey(rpOf(), user.id);

    // Not JSON at all; JSON of the wrong shape.
    expect((await browser.post('/staff/account/passkeys', '{"id": ')).status).toBe(400);
    expect((await browser.post('/staff/account/passkeys', { id: 'x' })).status).toBe(400);
    // The handle cookie went with the last answer: the ceremony must start again.
    expect(
      (await browser.post('/staff/account/passkeys', passkey.register('AAAAAAAAAAAAAAAAAAAAAA')))
        .status,
    ).toBe(400);
    // A fresh ceremony, answered for another challenge.
    await browser.post('/staff/account/passkeys/options', { name: 'Phone' });
    const wrong = await browser.post(
      '/staff/account/passkeys',
      passkey.register('c29tZSBvdGhlciBjaGFsbGVuZ2U'),
    );
    expect(wrong.status).toBe(400);
    expect(wrong.json.message).toEqual(expect.any(String));
    // Without the session's CSRF token.
    await browser.post('/staff/account/passkeys/options', { name: 'Phone' });
    expect((await browser.post('/staff/account/passkeys', {}, { csrf: 'nope' })).status).toBe(403);

    const after = await snapshot();
    expect(after.passkeys).toEqual(before.passkeys);
    expect(after.audit).toBe(before.audit);
  });

  it('removes only the member’s own passkey, and a removed passkey no longer signs in', async () => {
    const owner = await signedIn('admin');
    const passkey = await register(owner, 'Desk key');
    const ownerId = (
      await db()
        .selectFrom('staff_member')
        .where('username', '=', 'admin')
        .select('id')
        .executeTakeFirstOrThrow()
    ).id;

    // A colleague cannot remove it (it is simply not theirs).
    const colleague = await signedIn('datenschutz');
    const path = `/staff/account/passkeys/${passkey.id}/remove`;
    const attempt = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: colleague.cookieHeader,
      },
      body: new URLSearchParams({ _csrf: colleague.csrf }),
      redirect: 'manual',
    });
    expect(attempt.status).toBe(303);
    expect((await snapshot()).passkeys.map((p) => p.credential_id)).toContain(passkey.id);

    const removed = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: owner.cookieHeader },
      body: new URLSearchParams({ _csrf: owner.csrf }),
      redirect: 'manual',
    });
    expect(removed.status).toBe(303);
    expect((await snapshot()).passkeys.map((p) => p.credential_id)).not.toContain(passkey.id);
    const audit = await db()
      .selectFrom('audit_event')
      .where('action', '=', 'passkey_removed')
      .where('actor_id', '=', ownerId)
      .select('details')
      .executeTakeFirstOrThrow();
    expect(audit.details).toEqual({ credential: passkey.id });

    const { browser, challenge } = await signInPage();
    const res = await browser.post('/staff/sign-in/passkey', passkey.signIn(challenge));
    expect(res.status).toBe(401);
  });
});

describe('signing in with a passkey', () => {
  let passkey: SoftwarePasskey;
  beforeAll(async () => {
    passkey = await register(await signedIn('partner'), 'Partner phone');
  });

  it('signs in with no password and no code, into an active session', async () => {
    const { browser, challenge } = await signInPage();
    const res = await fetch(`${server.url}/staff/sign-in/passkey?next=%2Fstaff%2Faccount`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-csrf-token': browser.csrf,
        cookie: browser.cookieHeader,
      },
      body: JSON.stringify(passkey.signIn(challenge)),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ redirect: '/staff/account' });
    const session = res.headers.getSetCookie().find((c) => c.startsWith('wc_staff='));
    expect(session).toBeDefined();
    const page = await fetch(`${server.url}/staff/account`, {
      headers: { cookie: session!.split(';')[0]! },
      redirect: 'manual',
    });
    expect(page.status).toBe(200);
    const stored = await db()
      .selectFrom('staff_passkey')
      .where('credential_id', '=', passkey.id)
      .select(['counter', 'last_used_at'])
      .executeTakeFirstOrThrow();
    expect(Number(stored.counter)).toBeGreaterThan(1);
    expect(stored.last_used_at).not.toBeNull();
    const audit = await db()
      .selectFrom('audit_event')
      .where('action', '=', 'sign_in')
      .where('actor_name', '=', 'partner')
      .orderBy('seq', 'desc')
      .select('details')
      .executeTakeFirstOrThrow();
    expect(audit.details).toEqual({ method: 'passkey' });
  });

  it('refuses bad JSON and a missing CSRF token before anything is written', async () => {
    const { browser, challenge } = await signInPage();
    const before = await snapshot();
    expect((await browser.post('/staff/sign-in/passkey', '{"id": "x"')).status).toBe(400);
    expect((await browser.post('/staff/sign-in/passkey', '')).status).toBe(400);
    expect((await browser.post('/staff/sign-in/passkey', [1, 2])).status).toBe(400);
    expect(
      (await browser.post('/staff/sign-in/passkey', passkey.signIn(challenge), { csrf: 'x' }))
        .status,
    ).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an answer without a ceremony of this browser', async () => {
    const { challenge } = await signInPage();
    const stranger = new Browser();
    await stranger.get('/staff/sign-in');
    const before = await snapshot();
    const res = await stranger.post('/staff/sign-in/passkey', passkey.signIn(challenge));
    expect(res.status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an unknown passkey and counts the failure', async () => {
    const { browser, challenge } = await signInPage();
    const before = await snapshot();
    const unknown = new SoftwarePasskey(rpOf(), 'dW5rbm93bg');
    const res = await browser.post('/staff/sign-in/passkey', unknown.signIn(challenge));
    expect(res.status).toBe(401);
    expect(res.json.message).toEqual(expect.any(String));
    const after = await snapshot();
    expect(after.sessions).toBe(before.sessions);
    expect(after.passkeys).toEqual(before.passkeys);
    expect(after.failures).toBe(before.failures + 3); // account, client and the pair
    const audit = await db()
      .selectFrom('audit_event')
      .where('action', '=', 'sign_in_failed')
      .orderBy('seq', 'desc')
      .select('details')
      .executeTakeFirstOrThrow();
    expect(audit.details).toEqual({ reason: 'unknown passkey' });
  });

  it('refuses an answer to another challenge, a replayed answer and an unverified user', async () => {
    const first = await signInPage();
    const before = await snapshot();
    const wrong = await first.browser.post(
      '/staff/sign-in/passkey',
      passkey.signIn('b3RoZXItY2hhbGxlbmdlLW9mLXNvbWVvbmU'),
    );
    expect(wrong.status).toBe(401);

    // A good answer, then the same answer again with a new ceremony: its challenge is spent.
    const second = await signInPage();
    const answer = passkey.signIn(second.challenge);
    expect((await second.browser.post('/staff/sign-in/passkey', answer)).status).toBe(200);
    const third = await signInPage();
    expect((await third.browser.post('/staff/sign-in/passkey', answer)).status).toBe(401);

    // The device did not verify the person (no PIN, no fingerprint).
    const fourth = await signInPage();
    const unverified = passkey.signIn(fourth.challenge, { verified: false });
    expect((await fourth.browser.post('/staff/sign-in/passkey', unverified)).status).toBe(401);

    const after = await snapshot();
    expect(after.sessions).toBe(before.sessions + 1); // only the good answer
    const reasons = await db()
      .selectFrom('audit_event')
      .where('action', '=', 'sign_in_failed')
      .where('actor_name', '=', 'partner')
      .select('details')
      .execute();
    expect(reasons.map((r) => r.details)).toEqual(
      expect.arrayContaining([{ reason: 'passkey' }]) as unknown,
    );
  });

  it('refuses a deactivated member', async () => {
    await db()
      .updateTable('staff_member')
      .set({ active: false })
      .where('username', '=', 'partner')
      .execute();
    try {
      const { browser, challenge } = await signInPage();
      const before = await snapshot();
      const res = await browser.post('/staff/sign-in/passkey', passkey.signIn(challenge));
      expect(res.status).toBe(401);
      const after = await snapshot();
      expect(after.sessions).toBe(before.sessions);
      expect(after.passkeys).toEqual(before.passkeys);
    } finally {
      await db()
        .updateTable('staff_member')
        .set({ active: true })
        .where('username', '=', 'partner')
        .execute();
    }
  });
});

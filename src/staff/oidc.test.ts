import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SESSION_SECRET } from '../../test/support/database-admin.ts';
import { RedirectingBrowser } from '../../test/support/oidc-browser.ts';
import type { TestOidcProvider } from '../../test/support/oidc-provider.ts';
import {
  SSO_CLIENT_SECRET,
  startSsoTestServer,
  type SsoTestServer,
} from '../../test/support/sso.ts';
import { createSingleSignOn } from './oidc.ts';
import { deriveStaffKeys } from './secrets.ts';

// Single sign-on against a real OpenID Connect provider (oidc-provider) on loopback: the
// browser goes from our sign-in to the provider, signs in there and comes back; nothing
// between the two servers is mocked.

let server: SsoTestServer;
let op: TestOidcProvider;
let appUrl: string;

const db = () => server.database.db;

beforeAll(async () => {
  server = await startSsoTestServer();
  ({ op, url: appUrl } = server);
  op.accounts.set('alice-0001', {
    name: 'Alice Beispiel',
    preferred_username: 'alice.beispiel',
    email: 'alice@stadt.example',
    groups: ['staff', 'wc-caseworker'],
  });
  op.accounts.set('bob-0002', { name: 'Bob Muster', groups: ['staff', 'parks'] });
  op.accounts.set('carol-0003', { name: 'Carol Probe', groups: ['wc-caseworker'] });
});

afterAll(async () => server?.close());

/** From the staff sign-in page through the provider and back, as one person's browser. */
async function signInWithSso(browser: RedirectingBrowser, subject: string | null) {
  op.loginAs(subject);
  return browser.open(`${appUrl}/staff/sign-in/sso?next=${encodeURIComponent('/staff/account')}`);
}

const memberOf = (subject: string) =>
  db()
    .selectFrom('staff_member')
    .where('oidc_issuer', '=', op.issuer)
    .where('oidc_subject', '=', subject)
    .select(['id', 'username', 'display_name', 'password_hash', 'totp_secret'])
    .executeTakeFirst();

const grantsOf = (staffId: string) =>
  db()
    .selectFrom('staff_role')
    .where('staff_id', '=', staffId)
    .select(['role', 'office_id'])
    .orderBy('role')
    .execute();

const auditOf = (action: string, requestIdsAfter: number) =>
  db()
    .selectFrom('audit_event')
    .where('action', '=', action)
    .where('seq', '>', String(requestIdsAfter))
    .select(['actor_id', 'actor_name', 'details', 'purpose'])
    .execute();

const lastSeq = async () =>
  Number(
    (
      await db()
        .selectFrom('audit_event')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirstOrThrow()
    ).seq ?? 0,
  );

describe('single sign-on with the city identity provider', () => {
  it('offers the city account on the password page', async () => {
    const page = await new RedirectingBrowser().open(`${appUrl}/staff/sign-in`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('href="/staff/sign-in/sso?next=%2Fstaff"');
  });

  it('signs a mapped caseworker in, creates the account, and audits the sign-in', async () => {
    const before = await lastSeq();
    const browser = new RedirectingBrowser();
    op.loginAs('alice-0001');
    const atCallback = await browser.open(
      `${appUrl}/staff/sign-in/sso?next=${encodeURIComponent('/staff/account')}`,
      (url) => url.pathname === '/staff/sign-in/sso/callback',
    );
    // The way back ends on a page of ours that moves on at once, not on a redirect (the
    // browser would keep the SameSite=Strict session cookie from a redirect that began on
    // the provider's site; test/e2e/staff-sso.test.ts shows it in Chromium).
    const callback = await browser.request(atCallback.url);
    expect(callback.status).toBe(200);
    expect(callback.refresh).toBe(`${appUrl}/staff/account`);
    expect(browser.cookies(appUrl).get('wc_staff')).toBeTruthy();
    const page = await browser.open(callback.refresh!);
    expect(page.status).toBe(200);
    expect(new URL(page.url).pathname).toBe('/staff/account');
    expect(page.html).toContain('Alice Beispiel');

    const member = await memberOf('alice-0001');
    expect(member).toMatchObject({
      username: 'alice.beispiel',
      display_name: 'Alice Beispiel',
      password_hash: null,
      totp_secret: null,
    });
    expect(await grantsOf(member!.id)).toEqual([{ role: 'caseworker', office_id: 'central' }]);

    const signIns = await auditOf('sign_in', before);
    expect(signIns).toEqual([
      expect.objectContaining({
        actor_id: member!.id,
        purpose: 'sign-in',
        details: { method: 'oidc' },
      }),
    ]);
    // The session is a real one: the home page shows the caseworker's areas.
    const home = await browser.open(`${appUrl}/staff`);
    expect(home.status).toBe(200);
    expect(home.html).toContain('href="/staff/day"');
    expect(home.html).not.toContain('href="/staff/accounts"');
    // The pending sign-in cookie is gone once used.
    expect(browser.cookies(appUrl).has('wc_staff_sso')).toBe(false);
  });

  it('re-maps the roles from the groups at every sign-in', async () => {
    op.accounts.set('alice-0001', {
      ...op.accounts.get('alice-0001'),
      groups: ['staff', 'wc-teamlead-north'],
    });
    const before = await lastSeq();
    // A new browser: signing in at the provider again, as the next working day would.
    const page = await signInWithSso(new RedirectingBrowser(), 'alice-0001');
    expect(page.status).toBe(200);
    const member = await memberOf('alice-0001');
    expect(await grantsOf(member!.id)).toEqual([{ role: 'team_lead', office_id: 'north' }]);
    const changes = await auditOf('change', before);
    expect(changes).toEqual([
      expect.objectContaining({
        actor_id: member!.id,
        details: expect.objectContaining({
          source: 'claims',
          grants: [{ role: 'team_lead', officeId: 'north', organisationId: null }],
          previous: [{ role: 'caseworker', officeId: 'central', organisationId: null }],
        }),
      }),
    ]);
    // Still one account for the person: known by issuer and subject.
    const count = await db()
      .selectFrom('staff_member')
      .where('oidc_subject', '=', 'alice-0001')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('refuses a person whose groups match no rule, with a clear page', async () => {
    const before = await lastSeq();
    const browser = new RedirectingBrowser();
    const page = await signInWithSso(browser, 'bob-0002');
    expect(page.status).toBe(403);
    expect(page.html).toContain('Kein Zugang');
    expect(await memberOf('bob-0002')).toBeUndefined();
    expect(await auditOf('sign_in_failed', before)).toEqual([
      expect.objectContaining({
        actor_id: null,
        details: expect.objectContaining({ method: 'oidc', reason: 'no matching rule' }),
      }),
    ]);
    expect((await browser.open(`${appUrl}/staff`)).url).toContain('/staff/sign-in?next=');
  });

  it('takes the access away when the groups no longer match', async () => {
    op.accounts.set('carol-0003', { name: 'Carol Probe', groups: ['wc-caseworker'] });
    const browser = new RedirectingBrowser();
    expect((await signInWithSso(browser, 'carol-0003')).status).toBe(200);
    op.accounts.set('carol-0003', { name: 'Carol Probe', groups: [] });
    const again = await signInWithSso(new RedirectingBrowser(), 'carol-0003');
    expect(again.status).toBe(403);
    const member = await memberOf('carol-0003');
    expect(await grantsOf(member!.id)).toEqual([]);
    // The earlier session holds no role any more.
    expect((await browser.open(`${appUrl}/staff/account`)).status).toBe(403);
  });

  it('refuses a tampered state and a callback without a started sign-in', async () => {
    const browser = new RedirectingBrowser();
    op.loginAs('alice-0001');
    const stopped = await browser.open(
      `${appUrl}/staff/sign-in/sso`,
      (url) => url.pathname === '/staff/sign-in/sso/callback',
    );
    expect(stopped.stopped).toBe(true);
    const callback = new URL(stopped.url);
    expect(callback.searchParams.get('code')).toBeTruthy();
    callback.searchParams.set('state', 'forged-state');
    const before = await lastSeq();
    const tampered = await browser.open(callback.href);
    expect(tampered.status).toBe(400);
    expect(tampered.html).toContain('Anmeldung nicht möglich');
    expect(await auditOf('sign_in', before)).toEqual([]);
    expect(await auditOf('sign_in_failed', before)).toEqual([
      expect.objectContaining({ details: { method: 'oidc', reason: 'invalid' } }),
    ]);
    expect((await browser.open(`${appUrl}/staff`)).url).toContain('/staff/sign-in?next=');

    // Another browser bringing a genuine code but no sign-in of its own.
    const stranger = new RedirectingBrowser();
    const lost = await stranger.open(stopped.url);
    expect(lost.status).toBe(400);
    expect(lost.html).toContain('Anmeldung abgelaufen');
  });

  it('says so when the person cancels at the provider', async () => {
    const page = await signInWithSso(new RedirectingBrowser(), null);
    expect(page.status).toBe(403);
    expect(page.html).toContain('Anmeldung abgebrochen');
  });

  it('refuses an unknown person when the authority does not create accounts', async () => {
    await db()
      .updateTable('authority_oidc')
      .set({ provision_unknown: false })
      .where('authority_id', '=', 'musterstadt')
      .execute();
    op.accounts.set('dave-0004', { name: 'Dave Neu', groups: ['wc-caseworker'] });
    try {
      const page = await signInWithSso(new RedirectingBrowser(), 'dave-0004');
      expect(page.status).toBe(403);
      expect(await memberOf('dave-0004')).toBeUndefined();
      // A known member still signs in.
      expect((await signInWithSso(new RedirectingBrowser(), 'alice-0001')).status).toBe(200);
    } finally {
      await db()
        .updateTable('authority_oidc')
        .set({ provision_unknown: true })
        .where('authority_id', '=', 'musterstadt')
        .execute();
    }
  });

  it('answers 503 with a clear page when the provider cannot be reached', async () => {
    await db()
      .updateTable('authority_oidc')
      .set({ issuer: 'http://127.0.0.1:1' })
      .where('authority_id', '=', 'musterstadt')
      .execute();
    try {
      const res = await fetch(`${appUrl}/staff/sign-in/sso`, {
        redirect: 'manual',
        headers: { 'accept-language': 'en' },
      });
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('Sign-in service unavailable');
    } finally {
      await db()
        .updateTable('authority_oidc')
        .set({ issuer: op.issuer })
        .where('authority_id', '=', 'musterstadt')
        .execute();
    }
  });

  it('never talks plain http to a provider in production', async () => {
    const sso = createSingleSignOn({
      db: db(),
      keys: deriveStaffKeys(TEST_SESSION_SECRET),
      clock: () => new Date(),
      env: 'production',
      secretOf: () => SSO_CLIENT_SECRET,
    });
    const start = await sso.startSignIn('musterstadt', '/staff');
    expect(start).toMatchObject({ kind: 'problem', problem: 'unavailable' });
  });
});

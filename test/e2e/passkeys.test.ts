import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser } from '../support/browser.ts';
import { TEST_STAFF_PASSWORD } from '../support/database-admin.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { totpCode } from '../support/staff.ts';

// Passkeys as a member of staff uses them, in Chromium with its virtual authenticator (a
// platform authenticator with fingerprint-style user verification, through the DevTools
// protocol): sign in with password and app code, add a passkey on the own account, sign out,
// sign in with the passkey alone. WebAuthn needs a host name as RP ID, so the pages are
// opened on http://localhost (a secure context), not 127.0.0.1.

const USER = 'sachbearbeitung';

let server: TestServer;
let browser: Browser;
let base: string;

beforeAll(async () => {
  server = await startTestServer();
  base = server.url.replace('127.0.0.1', 'localhost');
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

type Authenticator = { cdp: CDPSession; authenticatorId: string };

async function withAuthenticator(context: BrowserContext, page: Page): Promise<Authenticator> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

function watchCsp(page: Page) {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  return errors;
}

/** Password, then the code the authenticator app shows. */
async function signInWithPassword(page: Page, username = USER) {
  await page.goto(`${base}/staff/sign-in`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(TEST_STAFF_PASSWORD);
  await page.locator('main form button[type="submit"]').click();
  await page.waitForURL(/\/staff\/sign-in\/code/);
  await page.locator('#code').fill(await totpCode(server.database.db, username));
  await page.locator('main form button[type="submit"]').click();
  await page.waitForURL(`${base}/staff`);
}

async function signOut(page: Page) {
  await page.locator('form[action="/staff/sign-out"] button').click();
  await page.waitForURL(/\/staff\/sign-in\?signedOut=1$/);
}

async function passkeySessions() {
  return server.database.db
    .selectFrom('staff_session as s')
    .innerJoin('staff_member as m', 'm.id', 's.staff_id')
    .where('m.username', '=', USER)
    .where('s.method', '=', 'passkey')
    .select('s.token_hash')
    .execute();
}

describe('passkeys in Chromium', () => {
  it('adds a passkey, signs in with it alone, refuses an unverified user and a removed passkey', async () => {
    const context = await browser.newContext({ locale: 'de-DE' });
    const page = await context.newPage();
    const csp = watchCsp(page);
    const { cdp, authenticatorId } = await withAuthenticator(context, page);

    // The passkey block shows only with WebAuthn (the script unhides it).
    await page.goto(`${base}/staff/sign-in`);
    await expect.poll(() => page.locator('#passkey-sign-in').isVisible()).toBe(true);

    await signInWithPassword(page);
    await page.goto(`${base}/staff/account`);
    await expect.poll(() => page.locator('#passkey-add').isVisible()).toBe(true);
    expect(await page.locator('#passkey-unavailable').isVisible()).toBe(false);

    // A name is asked for first, next to the field.
    expect(await page.locator('#passkey-name-error').isVisible()).toBe(false);
    await page.locator('#passkey-add-button').click();
    await expect.poll(() => page.locator('#passkey-name-error').isVisible()).toBe(true);
    expect(await page.locator('#passkey-name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('passkey-name');

    await page.locator('#passkey-name').fill('Laptop Büro');
    await page.locator('#passkey-add-button').click();
    await expect
      .poll(() => page.locator('.passkeys tbody td').first().textContent())
      .toBe('Laptop Büro');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.isResidentCredential).toBe(true);
    const member = await server.database.db
      .selectFrom('staff_member')
      .where('username', '=', USER)
      .select('id')
      .executeTakeFirstOrThrow();
    expect(Buffer.from(credentials[0]?.userHandle ?? '', 'base64').toString()).toBe(member.id);

    // The same device twice: refused with its own message, nothing added.
    await page.locator('#passkey-name').fill('Noch einmal');
    await page.locator('#passkey-add-button').click();
    await expect.poll(() => page.locator('#passkey-add-error').isVisible()).toBe(true);
    expect(await page.locator('#passkey-add-error').textContent()).toContain('schon');
    expect(await page.locator('.passkeys tbody tr').count()).toBe(1);

    // Signed out, the passkey alone signs in: no password, no code.
    await signOut(page);
    await page.locator('#passkey-button').click();
    await page.waitForURL(`${base}/staff`);
    expect(await page.locator('h1').textContent()).toBeTruthy();
    expect(await passkeySessions()).toHaveLength(1);
    await page.goto(`${base}/staff/account`);
    expect(await page.locator('.passkeys tbody td').nth(2).textContent()).not.toBe('noch nicht');

    // The page asked for goes on after the sign-in.
    await signOut(page);
    await page.goto(`${base}/staff/account`);
    await page.waitForURL(/\/staff\/sign-in\?next=/);
    await page.locator('#passkey-button').click();
    await page.waitForURL(`${base}/staff/account`);

    // The device cannot verify the person: no sign-in, a visible message.
    await signOut(page);
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
    const before = (await passkeySessions()).length;
    expect(await page.locator('#passkey-error').isVisible()).toBe(false);
    await page.locator('#passkey-button').click();
    await expect.poll(() => page.locator('#passkey-error').isVisible()).toBe(true);
    expect(page.url()).toMatch(/\/staff\/sign-in\?signedOut=1$/);
    expect(await passkeySessions()).toHaveLength(before);
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });

    // Removed on the account page, the passkey (still on the device) no longer signs in.
    await page.locator('#passkey-button').click();
    await page.waitForURL(`${base}/staff`);
    await page.goto(`${base}/staff/account`);
    await page.locator('.passkeys tbody button').click();
    await page.waitForURL(`${base}/staff/account#passkeys-title`);
    expect(await page.locator('.passkeys table').count()).toBe(0);
    await signOut(page);
    const afterRemoval = (await passkeySessions()).length;
    expect(await page.locator('#passkey-error').isVisible()).toBe(false);
    await page.locator('#passkey-button').click();
    await expect.poll(() => page.locator('#passkey-error').isVisible()).toBe(true);
    expect(page.url()).toMatch(/\/staff\/sign-in\?signedOut=1$/);
    expect(await passkeySessions()).toHaveLength(afterRemoval);
    const failed = await server.database.db
      .selectFrom('audit_event')
      .where('action', '=', 'sign_in_failed')
      .orderBy('seq', 'desc')
      .select('details')
      .executeTakeFirstOrThrow();
    expect(failed.details).toEqual({ reason: 'unknown passkey' });

    expect(csp).toEqual([]);
    await context.close();
  });

  it('without JavaScript the sign-in shows no passkey button, only the form that works', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/staff/sign-in`);
    expect(await page.locator('#passkey-sign-in').isVisible()).toBe(false);
    expect(await page.locator('#username').isVisible()).toBe(true);
    await context.close();
  });

  // Other members than above: a TOTP code is accepted once per account and time step.
  describe.each([
    ['de', 'teamleitung'],
    ['en', 'admin'],
  ])('in %s', (lang, username) => {
    it('the sign-in and account pages with their passkey parts pass axe', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const csp = watchCsp(page);
      const { cdp, authenticatorId } = await withAuthenticator(context, page);

      await page.goto(`${base}/staff/sign-in?lang=${lang}`);
      await expect.poll(() => page.locator('#passkey-sign-in').isVisible()).toBe(true);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      expect(await axeViolations(page)).toEqual([]);

      // The message after a failed passkey sign-in (the device cannot verify the person).
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
      await page.locator('#passkey-button').click();
      await expect.poll(() => page.locator('#passkey-error').isVisible()).toBe(true);
      expect(await axeViolations(page)).toEqual([]);

      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
      await signInWithPassword(page, username);
      await page.goto(`${base}/staff/account?lang=${lang}`);
      await expect.poll(() => page.locator('#passkey-add').isVisible()).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      // The message next to the name field.
      await page.locator('#passkey-add-button').click();
      await expect.poll(() => page.locator('#passkey-name-error').isVisible()).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      // The list of passkeys.
      await page.locator('#passkey-name').fill('Laptop');
      await page.locator('#passkey-add-button').click();
      await expect.poll(() => page.locator('.passkeys tbody tr').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);

      expect(csp).toEqual([]);
      await context.close();
    });
  });
});

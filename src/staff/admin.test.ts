import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SESSION_SECRET, TEST_STAFF_PASSWORD } from '../../test/support/database-admin.ts';
import { FormClient } from '../../test/support/form-client.ts';
import { startTestServer, type TestServer } from '../../test/support/server.ts';
import { signIn } from '../../test/support/staff.ts';
import { recordAudit } from '../platform/audit/audit.ts';
import { actOnAccount, type AdminActor } from './admin-service.ts';
import { deriveStaffKeys } from './secrets.ts';
import { createStaffMember } from './service.ts';

// Staff administration as an administrator uses it: accounts created with a one-time
// password, roles and languages edited, deactivation, second-factor reset and the end of a
// member's sessions — each taking effect at once, each in the audit trail — and an authority
// that never loses its last active administrator.

let server: TestServer;
/** The demo administrator, signed in once: a code is accepted once per 30-second step. */
let admin: FormClient;
beforeAll(async () => {
  server = await startTestServer();
  admin = await signedIn('admin');
});
afterAll(async () => server?.close());

const db = () => server.database.db;

async function signedIn(username: string) {
  const client = new FormClient(server.url);
  await signIn(client, db(), username);
  await client.get('/staff');
  return client;
}

/** Posts a form whose fields may repeat (checkbox groups), with the client's cookies. */
async function postForm(client: FormClient, path: string, fields: [string, string][]) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: client.cookieHeader,
    },
    body: new URLSearchParams([['_csrf', client.csrfToken], ...fields]),
    redirect: 'manual',
  });
  return {
    status: res.status,
    html: await res.text(),
    location: res.headers.get('location'),
    cacheControl: res.headers.get('cache-control'),
  };
}

const memberOf = (username: string) =>
  db()
    .selectFrom('staff_member')
    .where('username', '=', username)
    .selectAll()
    .executeTakeFirstOrThrow();

const changesOf = async (staffId: string) =>
  (
    await db()
      .selectFrom('audit_event')
      .where('subject_type', '=', 'staff')
      .where('subject_id', '=', staffId)
      .where('action', '=', 'change')
      .select(['actor_name', 'details', 'fields', 'purpose', 'request_id'])
      .orderBy('seq')
      .execute()
  ).map((e) => ({ ...e, details: e.details as Record<string, unknown> }));

/** The HTML without tags, for reading what a page says. */
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the list of accounts', () => {
  it('shows every member with roles, offices, languages and second factor, and is recorded', async () => {
    const page = await admin.get('/staff/accounts?lang=en');
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain('Erika Empfang');
    expect(text).toMatch(/Reception – Welcome Center at the Town Hall/);
    expect(text).toMatch(/Partner organisation – Migrationsberatung Mitte/);
    expect(text).toMatch(/Turkish \(C1\)/);
    expect(text).toContain('Authenticator app set up');
    const reads = await db()
      .selectFrom('audit_event')
      .where('action', '=', 'read')
      .where('subject_type', '=', 'staff')
      .where('subject_id', '=', 'all')
      .where('actor_name', '=', 'admin')
      .select('purpose')
      .execute();
    expect(reads).toEqual([{ purpose: 'staff administration' }]);
  });
});

describe('a new account', () => {
  it('refuses bad input field by field and writes nothing', async () => {
    await admin.get('/staff/accounts/new?lang=en');
    const bad = await postForm(admin, '/staff/accounts/new', [
      ['user', 'Not Valid!'],
      ['displayName', ''],
      ['email', 'nope'],
      ['grant', 'king:all'],
      ['lang-0', 'klingon language'],
      ['level-0', 'B2'],
      ['lang-1', ''],
      ['level-1', 'C1'],
    ]);
    expect(bad.status).toBe(400);
    for (const field of ['user', 'displayName', 'email', 'grant', 'lang-0', 'lang-1']) {
      expect(bad.html).toContain(`href="#${field}"`);
    }
    const none = await postForm(admin, '/staff/accounts/new', [
      ['user', 'ohne.rolle'],
      ['displayName', 'Ohne Rolle'],
    ]);
    expect(none.status).toBe(400);
    expect(none.html).toContain('Choose at least one role');
    const taken = await postForm(admin, '/staff/accounts/new', [
      ['user', 'empfang'],
      ['displayName', 'Doppelt'],
      ['grant', 'reception:all'],
    ]);
    expect(taken.status).toBe(400);
    expect(taken.html).toContain('already taken');
    const forged = await postForm(admin, '/staff/accounts/new', [
      ['user', 'gefälscht'.replace('ä', 'ae')],
      ['displayName', 'Gefälscht'],
      ['grant', 'reception:office:atlantis'],
    ]);
    expect(forged.status).toBe(400);
    const created = await db()
      .selectFrom('staff_member')
      .where('username', 'in', ['ohne.rolle', 'gefaelscht'])
      .select('id')
      .execute();
    expect(created).toEqual([]);
  });

  it('gets a one-time password; the member signs in with it and is sent to enrolment', async () => {
    await admin.get('/staff/accounts/new?lang=en');
    const done = await postForm(admin, '/staff/accounts/new', [
      ['user', 'Neu.Kollegin'],
      ['displayName', 'Nora Neu'],
      ['email', 'nora.neu@example.org'],
      ['grant', 'caseworker:office:north'],
      ['grant', 'caseworker:office:south'],
      ['grant', 'reception:all'],
      ['grant', 'reception:office:central'],
      ['lang-0', 'uk'],
      ['level-0', 'native'],
      ['lang-1', 'de'],
      ['level-1', 'C1'],
    ]);
    expect(done.status).toBe(200);
    expect(done.cacheControl).toBe('no-store');
    const password = /id="one-time-password">([a-z0-9-]+)</.exec(done.html)?.[1];
    expect(password).toMatch(/^[a-z0-9]{5}(-[a-z0-9]{5}){3}$/);

    const member = await memberOf('neu.kollegin');
    expect(member).toMatchObject({ password_temporary: true, totp_confirmed_at: null });
    const roles = await db()
      .selectFrom('staff_role')
      .where('staff_id', '=', member.id)
      .select(['role', 'office_id'])
      .orderBy('role')
      .orderBy('office_id')
      .execute();
    // "All offices" of reception covers Central: one grant, not two.
    expect(roles).toEqual([
      { role: 'caseworker', office_id: 'north' },
      { role: 'caseworker', office_id: 'south' },
      { role: 'reception', office_id: null },
    ]);
    const [entry] = await changesOf(member.id);
    expect(entry).toMatchObject({
      actor_name: 'admin',
      purpose: 'staff administration',
      details: {
        change: 'account-created',
        roles: ['caseworker:office:north', 'caseworker:office:south', 'reception:all'],
        languages: ['uk:native', 'de:C1'],
      },
    });
    expect(JSON.stringify(entry)).not.toContain(password);
    expect(JSON.stringify(entry)).not.toContain('nora.neu@example.org');

    const nora = new FormClient(server.url);
    await nora.get('/staff/sign-in');
    const step = await nora.post('/staff/sign-in', {
      username: 'neu.kollegin',
      password: password!,
    });
    expect(step.status).toBe(303);
    expect(step.location).toMatch(/^\/staff\/sign-in\/enrol/);
    const enrol = await nora.get(step.location!);
    expect(enrol.status).toBe(200);
    expect(enrol.html).toContain('<svg');
    expect(enrol.html).toContain('name="newPassword"');
  });
});

describe('changing an account', () => {
  it('saves roles and languages; a role change signs the member out at once', async () => {
    const lead = await signedIn('teamleitung');
    expect((await lead.get('/staff')).status).toBe(200);
    const edit = await admin.get('/staff/accounts/edit?user=teamleitung&lang=en');
    expect(edit.status).toBe(200);
    expect(edit.html).toContain('value="team_lead:office:central" checked');

    // Same roles, a new language: the member stays signed in.
    const languages = await postForm(admin, '/staff/accounts/edit', [
      ['user', 'teamleitung'],
      ['displayName', 'Tanja Teamleitung'],
      ['grant', 'team_lead:office:central'],
      ['lang-0', 'de'],
      ['level-0', 'native'],
      ['lang-1', 'ru'],
      ['level-1', 'B2'],
    ]);
    expect(languages.status).toBe(303);
    expect(languages.location).toBe('/staff/accounts/edit?user=teamleitung&done=saved');
    expect((await lead.get('/staff')).status).toBe(200);

    const roles = await postForm(admin, '/staff/accounts/edit', [
      ['user', 'teamleitung'],
      ['displayName', 'Tanja Teamleitung'],
      ['grant', 'team_lead:office:central'],
      ['grant', 'team_lead:office:north'],
      ['lang-0', 'de'],
      ['level-0', 'native'],
      ['lang-1', 'ru'],
      ['level-1', 'B2'],
    ]);
    expect(roles.status).toBe(303);
    const after = await lead.get('/staff');
    expect(after.status).toBe(303);
    expect(after.location).toMatch(/^\/staff\/sign-in/);

    const member = await memberOf('teamleitung');
    const entries = await changesOf(member.id);
    expect(entries.map((e) => e.details)).toEqual([
      { change: 'account-updated', languages: { added: ['ru:B2'], removed: ['ru:B1'] } },
      {
        change: 'account-updated',
        roles: { added: ['team_lead:office:north'], removed: [] },
        sessionsEnded: 1,
      },
    ]);
    expect(entries[1]!.fields).toEqual(['roles']);
  });

  it('answers a bad edit with messages and changes nothing', async () => {
    await admin.get('/staff/accounts/edit?user=empfang');
    const bad = await postForm(admin, '/staff/accounts/edit', [
      ['user', 'empfang'],
      ['displayName', 'x'.repeat(121)],
      ['grant', 'reception:office:central'],
      ['lang-0', 'de'],
      ['level-0', 'fluent'],
    ]);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('href="#displayName"');
    expect(bad.html).toContain('href="#level-0"');
    expect((await memberOf('empfang')).display_name).toBe('Erika Empfang');
    expect((await admin.get('/staff/accounts/edit?user=nobody')).status).toBe(404);
    expect((await admin.get('/staff/accounts/edit?user=not%20valid')).status).toBe(404);
  });
});

describe('deactivation, second-factor reset and session end', () => {
  it('deactivation asks first, ends every session, stops sign-in; reactivation restores it', async () => {
    const reception = await signedIn('empfang');
    await admin.get('/staff/accounts/edit?user=empfang');
    const ask = await postForm(admin, '/staff/accounts/deactivate', [['user', 'empfang']]);
    expect(ask.status).toBe(200);
    expect(ask.html).toContain('name="confirm" value="yes"');
    expect((await reception.get('/staff')).status).toBe(200);

    const done = await postForm(admin, '/staff/accounts/deactivate', [
      ['user', 'empfang'],
      ['confirm', 'yes'],
    ]);
    expect(done.status).toBe(303);
    expect(done.location).toBe('/staff/accounts/edit?user=empfang&done=deactivated');
    expect((await reception.get('/staff')).status).toBe(303);
    const sessions = await db()
      .selectFrom('staff_session')
      .innerJoin('staff_member', 'staff_member.id', 'staff_session.staff_id')
      .where('staff_member.username', '=', 'empfang')
      .select('token_hash')
      .execute();
    expect(sessions).toEqual([]);
    await expect(signIn(new FormClient(server.url), db(), 'empfang')).rejects.toThrow(/401/);

    const back = await postForm(admin, '/staff/accounts/reactivate', [['user', 'empfang']]);
    expect(back.location).toBe('/staff/accounts/edit?user=empfang&done=reactivated');
    await signIn(new FormClient(server.url), db(), 'empfang');
    const member = await memberOf('empfang');
    expect((await changesOf(member.id)).map((e) => e.details.change)).toEqual([
      'deactivated',
      'reactivated',
    ]);
  });

  it('a second-factor reset clears app, recovery codes and passkeys; the member enrols again', async () => {
    const partner = await signedIn('partner');
    const member = await memberOf('partner');
    await server.database.db
      .insertInto('staff_passkey')
      .values({
        credential_id: 'test-credential',
        staff_id: member.id,
        public_key: Buffer.from('k'),
        counter: 0,
      })
      .execute();
    await server.database.db
      .insertInto('staff_recovery_code')
      .values({ staff_id: member.id, code_hash: 'h', used_at: null })
      .execute();
    await admin.get('/staff/accounts/edit?user=partner');
    const done = await postForm(admin, '/staff/accounts/reset-second-factor', [
      ['user', 'partner'],
      ['confirm', 'yes'],
    ]);
    expect(done.status).toBe(303);
    expect((await partner.get('/staff')).status).toBe(303);
    const after = await memberOf('partner');
    expect(after).toMatchObject({ totp_secret: null, totp_confirmed_at: null });
    const left = await Promise.all([
      db().selectFrom('staff_passkey').where('staff_id', '=', member.id).select('name').execute(),
      db()
        .selectFrom('staff_recovery_code')
        .where('staff_id', '=', member.id)
        .select('code_hash')
        .execute(),
    ]);
    expect(left).toEqual([[], []]);

    const again = new FormClient(server.url);
    await again.get('/staff/sign-in');
    const step = await again.post('/staff/sign-in', {
      username: 'partner',
      password: TEST_STAFF_PASSWORD,
    });
    expect(step.location).toMatch(/^\/staff\/sign-in\/enrol/);
    const enrol = await again.get(step.location!);
    expect(enrol.html).toContain('<svg');
    expect(enrol.html).not.toContain('name="newPassword"');
    const [entry] = await changesOf(member.id);
    expect(entry!.details).toEqual({
      change: 'second-factor-reset',
      recoveryCodes: 1,
      passkeys: 1,
      sessionsEnded: 1,
    });
  });

  it('ends a member’s sessions on request', async () => {
    const caseworker = await signedIn('sachbearbeitung');
    await admin.get('/staff/accounts/edit?user=sachbearbeitung');
    const done = await postForm(admin, '/staff/accounts/end-sessions', [
      ['user', 'sachbearbeitung'],
      ['confirm', 'yes'],
    ]);
    expect(done.location).toBe('/staff/accounts/edit?user=sachbearbeitung&done=sessionsEnded');
    expect((await caseworker.get('/staff')).status).toBe(303);
  });
});

describe('the last active administrator', () => {
  it('cannot deactivate themself or drop their own administrator role', async () => {
    await admin.get('/staff/accounts/edit?user=admin&lang=en');
    const self = await postForm(admin, '/staff/accounts/deactivate', [
      ['user', 'admin'],
      ['confirm', 'yes'],
    ]);
    expect(self.status).toBe(409);
    expect(self.html).toContain('You cannot deactivate your own account');
    const drop = await postForm(admin, '/staff/accounts/edit', [
      ['user', 'admin'],
      ['displayName', 'Anna Administration'],
      ['grant', 'team_lead:all'],
    ]);
    expect(drop.status).toBe(400);
    expect(drop.html).toContain('You cannot remove your own administrator role');
    expect((await memberOf('admin')).active).toBe(true);
    expect((await admin.get('/staff/accounts')).status).toBe(200);
  });

  it('is kept when two administrators deactivate each other at the same moment', async () => {
    const authorityId = (await memberOf('admin')).authority_id;
    const keys = deriveStaffKeys(TEST_SESSION_SECRET);
    const newAdministrator = (username: string) =>
      createStaffMember(
        { db: db(), keys },
        {
          authorityId,
          username,
          displayName: username,
          grants: [{ role: 'administrator', officeId: null, organisationId: null }],
          languages: [],
          temporaryPassword: true,
          issuer: 'test',
        },
      );
    const [zwei, drei] = [
      await newAdministrator('admin.zwei'),
      await newAdministrator('admin.drei'),
    ];
    const actor = (staffId: string, username: string): AdminActor => ({
      principal: {
        staffId,
        authorityId,
        username,
        displayName: username,
        grants: [{ role: 'administrator', officeId: null, organisationId: null }],
        sessionId: 'none',
      },
      auditRead: async () => undefined,
      auditChange: (trx, subject, details, fields) =>
        recordAudit(trx, {
          authorityId,
          actor: { id: staffId, name: username },
          action: 'change',
          subject,
          details,
          fields: fields ?? [],
        }),
    });
    const activeAdministrators = async () =>
      (
        await db()
          .selectFrom('staff_member')
          .innerJoin('staff_role', 'staff_role.staff_id', 'staff_member.id')
          .where('staff_role.role', '=', 'administrator')
          .where('staff_member.active', '=', true)
          .select('username')
          .execute()
      ).map((r) => r.username);
    // Only the two new administrators are active: each deactivates the other.
    const pause = (active: boolean) =>
      db().updateTable('staff_member').set({ active }).where('username', '=', 'admin').execute();
    await pause(false);
    try {
      const deps = { db: db(), keys, clock: () => new Date() };
      const deactivate = (by: { id: string }, name: string, other: string) =>
        actOnAccount(
          deps,
          actor(by.id, name),
          { action: 'deactivate', username: other, confirmed: true },
          'en',
        );
      // Both changes are made to overlap: a blocker holds back the end of sessions (which
      // follows the check) until both transactions are waiting, then lets them go on.
      const owner = server.database.ownerDb;
      const pending = await owner.transaction().execute(async (blocker) => {
        await sql`LOCK TABLE staff_session IN SHARE MODE`.execute(blocker);
        const both = Promise.all([
          deactivate(zwei, 'admin.zwei', 'admin.drei'),
          deactivate(drei, 'admin.drei', 'admin.zwei'),
        ]);
        for (let waited = 0; waited < 200; waited += 1) {
          const { rows } = await sql<{ n: number }>`
            SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type IN ('Lock', 'LWLock')
              AND pid <> pg_backend_pid()`.execute(owner);
          if ((rows[0]?.n ?? 0) >= 2) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return { both };
      });
      const outcomes = await pending.both;
      const kinds = outcomes.map((o) => (o.kind === 'refused' ? o.problem : o.kind)).sort();
      expect(kinds).toEqual(['accounts.error.lastAdministrator', 'done']);
      expect(await activeAdministrators()).toHaveLength(1);
    } finally {
      await pause(true);
    }
  });
});

describe('who may administer accounts', () => {
  it('refuses a caseworker every account route', async () => {
    const caseworker = await signedIn('sachbearbeitung');
    expect((await caseworker.get('/staff/accounts')).status).toBe(403);
    expect((await caseworker.get('/staff/accounts/new')).status).toBe(403);
    expect((await caseworker.get('/staff/accounts/edit?user=empfang')).status).toBe(403);
    const post = await postForm(caseworker, '/staff/accounts/deactivate', [
      ['user', 'empfang'],
      ['confirm', 'yes'],
    ]);
    expect(post.status).toBe(403);
    expect((await memberOf('empfang')).active).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/support/app.ts';
import { FormClient } from '../../test/support/form-client.ts';
import { startTestServer, type TestServer } from '../../test/support/server.ts';
import { signIn } from '../../test/support/staff.ts';

// Review L7: the passkey ceremony's handle cookie goes with the answer over HTTPS too (a
// __Host- cookie is only replaced by one with Secure: cleared without it, the browser keeps
// it), and a passkey whose credential id is long (authenticators may use up to 1023 bytes,
// 1364 characters in base64url) can still be removed from the account page.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const db = () => server.database.db;

describe('the passkey handle cookie over HTTPS', () => {
  it('is cleared with the attributes it was set with', async () => {
    const app = await createTestApp(db(), { BASE_URL: 'https://welcome.example' });
    try {
      const page = await app.inject({ url: '/staff/sign-in' });
      const csrf = page.cookies.find((c) => c.name === '__Host-csrf');
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      const options = await app.inject({
        method: 'POST',
        url: '/staff/sign-in/passkey/options',
        headers: { cookie: `__Host-csrf=${csrf?.value ?? ''}`, 'x-csrf-token': token },
        payload: {},
      });
      expect(options.statusCode).toBe(200);
      const handle = options.cookies.find((c) => c.name === '__Host-wc_staff_passkey');
      expect(handle).toMatchObject({ secure: true, httpOnly: true, path: '/' });

      const answer = await app.inject({
        method: 'POST',
        url: '/staff/sign-in/passkey',
        headers: {
          cookie: `__Host-csrf=${csrf?.value ?? ''}; __Host-wc_staff_passkey=${handle?.value ?? ''}`,
          'x-csrf-token': token,
        },
        payload: { id: 'x' },
      });
      expect(answer.statusCode).toBe(400);
      const cleared = answer.cookies.find((c) => c.name === '__Host-wc_staff_passkey');
      expect(cleared).toMatchObject({
        value: '',
        secure: true,
        httpOnly: true,
        path: '/',
        sameSite: 'Strict',
      });
      expect(cleared?.domain).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

describe('removing a passkey with a long credential id', () => {
  it('removes it from the own account', async () => {
    const client = new FormClient(server.url);
    await signIn(client, db(), 'admin');
    await client.get('/staff/account');
    const member = await db()
      .selectFrom('staff_member')
      .where('username', '=', 'admin')
      .select(['id', 'authority_id'])
      .executeTakeFirstOrThrow();
    const credentialId = 'A'.repeat(1_364);
    await db()
      .insertInto('staff_passkey')
      .values({
        authority_id: member.authority_id,
        credential_id: credentialId,
        staff_id: member.id,
        public_key: Buffer.from('not a real key'),
        counter: 0,
        name: 'Long id',
      })
      .execute();
    const res = await client.post(`/staff/account/passkeys/${credentialId}/remove`, {});
    expect(res.status).toBe(303);
    const left = await db()
      .selectFrom('staff_passkey')
      .where('credential_id', '=', credentialId)
      .select('name')
      .execute();
    expect(left).toEqual([]);
  });
});

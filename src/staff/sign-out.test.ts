import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient } from '../../test/support/form-client.ts';
import { startTestServer, type TestServer } from '../../test/support/server.ts';
import { DEMO_STAFF, signIn } from '../../test/support/staff.ts';

// Signing out ends on the sign-in page, which says that it worked.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const STATUS = /<p class="notice" role="status">([^<]*)<\/p>/;

describe('signing out', () => {
  it('says on the sign-in page that the member of staff is signed out', async () => {
    const client = new FormClient(server.url);
    await signIn(client, server.database.db, DEMO_STAFF.caseworker);
    expect((await client.get('/staff')).status).toBe(200); // the sign-out form's token

    const out = await client.post('/staff/sign-out', {});
    expect(out.status).toBe(303);
    expect(out.location).toBe('/staff/sign-in?signedOut=1');
    const page = await client.get(out.location!);
    expect(page.status).toBe(200);
    expect(STATUS.exec(page.html)?.[1]).toBe('Sie sind abgemeldet.');
    const english = await client.get('/staff/sign-in?signedOut=1&lang=en');
    expect(STATUS.exec(english.html)?.[1]).toBe('You are signed out.');

    // It is true, and the ordinary sign-in page says nothing of it.
    expect((await client.get('/staff')).location).toMatch(/^\/staff\/sign-in\?next=/);
    expect((await client.get('/staff/sign-in')).html).not.toMatch(STATUS);
  });

  it('does not claim it when the form was not from this session', async () => {
    const client = new FormClient(server.url);
    await signIn(client, server.database.db, DEMO_STAFF.reception);
    const out = await client.post('/staff/sign-out', { _csrf: 'forged' });
    expect(out.location).toBe('/staff/sign-in');
    expect((await client.get('/staff')).status).toBe(200);
  });
});

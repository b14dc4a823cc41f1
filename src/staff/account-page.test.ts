import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient } from '../../test/support/form-client.ts';
import { startTestServer, type TestServer } from '../../test/support/server.ts';
import { DEMO_STAFF, signIn } from '../../test/support/staff.ts';

// The own account's recovery codes: an account without any (the demo accounts, or codes
// used up) is told so and where to create new ones, instead of "0 codes are still unused".

let server: TestServer;
let client: FormClient;
beforeAll(async () => {
  server = await startTestServer();
  client = new FormClient(server.url);
  await signIn(client, server.database.db, DEMO_STAFF.team_lead);
});
afterAll(async () => server?.close());

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('recovery codes on the own account', () => {
  it('says that none are left and that new ones can be created below', async () => {
    await server.database.db.deleteFrom('staff_recovery_code').execute();
    const german = text((await client.get('/staff/account?lang=de')).html);
    expect(german).toContain('Sie haben keine unbenutzten Wiederherstellungscodes.');
    expect(german).toContain('Erzeugen Sie unten neue Codes');
    expect(german).not.toContain('0 Codes');
    const english = text((await client.get('/staff/account?lang=en')).html);
    expect(english).toContain('You have no unused recovery codes. Create new codes below');
    expect(english).toContain('Create new codes');
  });

  it('counts the unused codes once there are some', async () => {
    const created = await client.post('/staff/account/recovery-codes', {});
    expect(created.status).toBe(200);
    const page = text((await client.get('/staff/account?lang=en')).html);
    expect(page).toMatch(/\d+ codes are still unused\./);
    expect(page).not.toContain('You have no unused recovery codes');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient } from '../../test/support/form-client.ts';
import { startTestServer, type TestServer } from '../../test/support/server.ts';
import { signIn } from '../../test/support/staff.ts';

// Office administration as an administrator uses it: through the forms, with the public
// pages (and their cache) showing each change, every change in the audit trail, and bad
// input answered beside the field with nothing written.

let server: TestServer;
let admin: FormClient;

beforeAll(async () => {
  server = await startTestServer();
  admin = new FormClient(server.url);
  await signIn(admin, server.database.db, 'admin');
});
afterAll(async () => server?.close());

const db = () => server.database.db;
const publicPage = async (path: string) => (await fetch(`${server.url}${path}`)).text();

/** The hours form of an office as it is shown, with some fields replaced. */
async function hoursForm(officeId: string, changes: Record<string, string>) {
  const page = await admin.get(`/staff/offices/${officeId}`);
  const form = page.html.match(/<form[^>]*action="[^"]*\/hours"[^>]*>([\s\S]*?)<\/form>/)?.[1];
  const fields: Record<string, string> = {};
  for (const match of (form ?? '').matchAll(/<input([^>]*)>/g)) {
    const attrs = match[1] ?? '';
    const name = /name="(h\d_\d_(?:opens|closes))"/.exec(attrs)?.[1];
    if (name) fields[name] = /value="([^"]*)"/.exec(attrs)?.[1] ?? '';
  }
  return { ...fields, ...changes };
}

async function changesOf(subjectId: string) {
  return db()
    .selectFrom('audit_event')
    .where('action', '=', 'change')
    .where('subject_type', '=', 'office')
    .where('subject_id', '=', subjectId)
    .orderBy('seq')
    .select(['fields', 'details', 'actor_name', 'purpose'])
    .execute();
}

describe('office administration', () => {
  it('lists the offices and opens one for editing', async () => {
    const list = await admin.get('/staff/offices');
    expect(list.status).toBe(200);
    for (const id of ['central', 'north', 'south']) {
      expect(list.html).toContain(`href="/staff/offices/${id}"`);
    }
    const page = await admin.get('/staff/offices/central');
    expect(page.status).toBe(200);
    expect(page.html).toContain('value="Am Marktplatz 1"');
    expect(page.html).toMatch(/id="h2_1_opens"[^>]*value="14:00"/);
  });

  it('changes the opening hours of central, seen at once on the public page and audited', async () => {
    // Warm the public page cache first: the change must replace a cached page.
    expect(await publicPage('/de/offices/central')).toMatch(
      /<th scope="row">Montag<\/th><td>08:00 bis 13:00 Uhr<\/td>/,
    );
    const res = await admin.post(
      '/staff/offices/central/hours',
      await hoursForm('central', {
        h1_0_opens: '09:00',
        h1_0_closes: '12:00',
        h1_1_opens: '13:00',
        h1_1_closes: '15:30',
      }),
    );
    expect(res.status).toBe(303);
    expect(res.location).toBe('/staff/offices/central?saved=hours#hours-heading');

    const body = await publicPage('/de/offices/central');
    expect(body).toMatch(
      /<th scope="row">Montag<\/th><td>09:00 bis 12:00 Uhr, 13:00 bis 15:30 Uhr<\/td>/,
    );
    // The other days are as they were.
    expect(body).toMatch(
      /<th scope="row">Dienstag<\/th><td>08:00 bis 13:00 Uhr, 14:00 bis 18:00 Uhr<\/td>/,
    );

    const [entry] = (await changesOf('central')).slice(-1);
    expect(entry?.actor_name).toBe('admin');
    expect(entry?.fields).toEqual(['hours.1']);
    expect(entry?.details).toMatchObject({
      changes: { 'hours.1': { old: '08:00–13:00', new: '09:00–12:00, 13:00–15:30' } },
    });
    expect(entry?.purpose).toMatch(/office administration/);

    // The page returns to the section's heading: the confirmation is right under it.
    const confirmation = await admin.get(res.location!);
    expect(confirmation.html).toMatch(
      /<h2 id="hours-heading">Öffnungszeiten<\/h2><p class="notice" role="status">Gespeichert: Öffnungszeiten\./,
    );
    expect(confirmation.html.match(/role="status"/g)).toHaveLength(1);
  });

  it('saving the same hours again changes and records nothing', async () => {
    const before = (await changesOf('central')).length;
    const res = await admin.post('/staff/offices/central/hours', await hoursForm('central', {}));
    expect(res.location).toBe('/staff/offices/central?unchanged=hours#hours-heading');
    expect((await changesOf('central')).length).toBe(before);
    expect((await admin.get(res.location!)).html).toMatch(
      /<h2 id="hours-heading">Öffnungszeiten<\/h2><p class="notice" role="status">Nichts geändert/,
    );
  });

  it('refuses bad hours beside the field and writes nothing', async () => {
    const before = await db()
      .selectFrom('office_opening_hours')
      .where('office_id', '=', 'north')
      .selectAll()
      .execute();
    const audits = (await changesOf('north')).length;
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ h1_0_opens: '12:00', h1_0_closes: '08:00' }, 'h1_0_closes', /Ende muss nach dem Beginn/],
      [{ h1_0_opens: '25:00', h1_0_closes: '26:00' }, 'h1_0_opens', /Uhrzeit wie 08:30/],
      [{ h1_0_opens: '08:00', h1_0_closes: '' }, 'h1_0_closes', /bis wann geöffnet/],
      [{ h3_1_opens: '12:00', h3_1_closes: '15:00' }, 'h3_1_opens', /überschneidet sich/],
    ];
    for (const [changes, field, message] of cases) {
      const res = await admin.post('/staff/offices/north/hours', await hoursForm('north', changes));
      expect(res.status, field).toBe(400);
      expect(res.html).toContain('class="error-summary"');
      expect(res.html).toContain(`href="#${field}"`);
      expect(res.html).toMatch(
        new RegExp(`id="${field}-error">[^<]*${message.source}[^<]*</p><input[^>]*id="${field}"`),
      );
      expect(res.html).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
    }
    const after = await db()
      .selectFrom('office_opening_hours')
      .where('office_id', '=', 'north')
      .selectAll()
      .execute();
    expect(after).toEqual(before);
    expect((await changesOf('north')).length).toBe(audits);
  });

  it('changes the address and refuses a bad postcode', async () => {
    const fields = {
      name: 'Welcome Center im Rathaus',
      street: 'Am Marktplatz 3',
      postalCode: '3015',
      city: 'Musterstadt',
      phone: '+49 5111 0000-0',
      email: 'welcome-center@musterstadt.example',
      directions: '',
    };
    const bad = await admin.post('/staff/offices/central/address', fields);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('Postleitzahl mit fünf Ziffern');
    expect(bad.html).toContain('value="Am Marktplatz 3"'); // what was typed stays
    expect(await publicPage('/de/offices/central')).toContain('Am Marktplatz 1');

    const good = await admin.post('/staff/offices/central/address', {
      ...fields,
      postalCode: '30159',
    });
    expect(good.status).toBe(303);
    expect(await publicPage('/de/offices/central')).toContain('Am Marktplatz 3');
    const [entry] = (await changesOf('central')).slice(-1);
    expect(entry?.details).toMatchObject({
      changes: { street: { old: 'Am Marktplatz 1', new: 'Am Marktplatz 3' } },
    });
  });

  it('changes accessibility: the German text is new, its translations show as stale', async () => {
    const res = await admin.post('/staff/offices/south/accessibility', {
      wheelchair: 'yes',
      accessibility: 'Seit März 2027 mit Rampe und Aufzug am Seiteneingang.',
    });
    expect(res.status).toBe(303);
    const german = await publicPage('/de/offices/south');
    expect(german).toContain('Seit März 2027 mit Rampe und Aufzug');
    expect(german).toContain('Das Gebäude ist mit dem Rollstuhl zugänglich.');
    expect(await publicPage('/en/offices/south')).toContain('The German text has changed');

    const page = await admin.get('/staff/offices/south');
    expect(page.html).toMatch(/class="status status-stale">veraltet/);

    const missing = await admin.post('/staff/offices/south/accessibility', { accessibility: '' });
    expect(missing.status).toBe(400);
    expect(missing.html).toContain('Wählen Sie aus, ob das Gebäude rollstuhlgerecht ist.');
  });

  it('changes the languages spoken there and needs at least one', async () => {
    const none = await admin.post('/staff/offices/north/languages', {});
    expect(none.status).toBe(400);
    expect(none.html).toContain('mindestens eine Sprache');
    const odd = await admin.post('/staff/offices/north/languages', { languages: 'xx' });
    expect(odd.status).toBe(400);

    const res = await fetch(`${server.url}/staff/offices/north/languages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: admin.cookieHeader,
      },
      body: new URLSearchParams([
        ['_csrf', admin.csrfToken],
        ['languages', 'de'],
        ['languages', 'ar'],
        ['languages', 'uk'],
      ]),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(await publicPage('/en/offices/north')).toMatch(/speak German, Arabic,? and Ukrainian/);
  });

  it('never answers odd input with a 5xx', async () => {
    const bodies: Record<string, string>[] = [
      {},
      { name: 'x'.repeat(10_000), street: '\u202e', postalCode: '٣٠١٥٩', city: ' ' },
      { h1_0_opens: '8', h1_0_closes: '9' },
      { wheelchair: 'maybe' },
    ];
    for (const section of ['address', 'hours', 'accessibility', 'languages']) {
      for (const body of bodies) {
        const res = await admin.post(`/staff/offices/central/${section}`, body);
        expect(res.status, `${section} ${JSON.stringify(body).slice(0, 40)}`).toBeLessThan(500);
      }
    }
    expect((await admin.get('/staff/offices/nowhere')).status).toBe(404);
    expect((await admin.post('/staff/offices/nowhere/hours', {})).status).toBe(404);
    expect((await admin.get('/staff/offices/UPPER')).status).toBe(404);
  });
});

describe('office administration for other roles', () => {
  it('is refused to a caseworker', async () => {
    const caseworker = new FormClient(server.url);
    await signIn(caseworker, db(), 'sachbearbeitung');
    expect((await caseworker.get('/staff/offices')).status).toBe(403);
    expect((await caseworker.get('/staff/offices/central')).status).toBe(403);
    const res = await caseworker.post('/staff/offices/central/hours', {
      h1_0_opens: '10:00',
      h1_0_closes: '11:00',
    });
    expect(res.status).toBe(403);
    expect(await publicPage('/de/offices/central')).not.toContain('10:00 bis 11:00');
  });
});

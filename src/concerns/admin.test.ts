import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient } from '../../test/support/form-client.ts';
import { startTestServer, type TestServer } from '../../test/support/server.ts';
import { signIn } from '../../test/support/staff.ts';

// Concern administration as an administrator uses it: translation status, editing a language
// as a draft that the public never sees, the preview, publishing (public pages and their cache
// follow at once), German changes marking translations stale, every change audited, bad input
// answered beside the field with nothing written.

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

/** The editor's form of one language as shown, with some fields replaced. */
async function editorForm(id: string, lang: string, changes: Record<string, string> = {}) {
  const page = await admin.get(`/staff/concerns/${id}/${lang}`);
  expect(page.status).toBe(200);
  const form = page.html.match(
    new RegExp(`<form[^>]*action="/staff/concerns/${id}/${lang}"[^>]*>([\\s\\S]*?)</form>`),
  )?.[1];
  const fields: Record<string, string> = {};
  const decode = (text: string) =>
    text
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  for (const m of (form ?? '').matchAll(
    /<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g,
  )) {
    fields[m[1]!] = decode(m[2]!);
  }
  for (const m of (form ?? '').matchAll(/<input([^>]*)>/g)) {
    const name = /name="([^"]+)"/.exec(m[1]!)?.[1];
    if (!name || name === '_csrf') continue;
    if (/type="checkbox"/.test(m[1]!)) {
      if (/checked/.test(m[1]!)) fields[name] = 'yes';
      continue;
    }
    fields[name] = decode(/value="([^"]*)"/.exec(m[1]!)?.[1] ?? '');
  }
  for (const m of (form ?? '').matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    fields[m[1]!] = /<option value="([^"]+)" selected/.exec(m[2]!)?.[1] ?? '';
  }
  return { ...fields, ...changes };
}

/** Saves a draft and publishes it from its preview, as a person does. */
async function saveAndPublish(id: string, lang: string, changes: Record<string, string>) {
  const saved = await admin.post(
    `/staff/concerns/${id}/${lang}`,
    await editorForm(id, lang, changes),
  );
  expect(saved.status, saved.html.slice(0, 200)).toBe(303);
  expect(saved.location).toBe(`/staff/concerns/${id}/${lang}/preview`);
  const preview = await admin.get(saved.location!);
  const revision = /name="revision" value="([0-9a-f]{32})"/.exec(preview.html)?.[1];
  expect(revision).toBeDefined();
  const published = await admin.post(`/staff/concerns/${id}/${lang}/publish`, {
    revision: revision!,
  });
  expect(published.status).toBe(303);
  expect(published.location).toBe(`/staff/concerns/${id}?published=${lang}`);
  return preview;
}

async function concernChanges(id: string) {
  return db()
    .selectFrom('audit_event')
    .where('action', '=', 'change')
    .where('subject_type', '=', 'concern')
    .where('subject_id', '=', id)
    .orderBy('seq')
    .select(['fields', 'details', 'actor_name'])
    .execute();
}

describe('translation status', () => {
  it('lists every concern with the state of each language', async () => {
    const page = await admin.get('/staff/concerns');
    expect(page.status).toBe(200);
    expect(page.html).toContain('href="/staff/concerns/naturalisation"');
    expect(page.html).toContain('href="/staff/concerns/naturalisation/ar"');
    // The demo data has no Farsi texts: all seven fields missing.
    expect(page.html).toMatch(
      /naturalisation\/fa"><span class="visually-hidden">[^]*?<\/span>7 fehlen/,
    );
  });

  it('shows one concern by language and field', async () => {
    const page = await admin.get('/staff/concerns/naturalisation');
    expect(page.status).toBe(200);
    expect(page.html).toContain('§§ 8, 10, 38 StAG');
    expect(page.html).toMatch(/class="status status-missing">fehlt/);
    expect(page.html).toMatch(/class="status status-source">Quelltext/);
  });
});

describe('editing, preview and publishing', () => {
  it('publishes an Arabic text: the draft stays private until published, then shows at once', async () => {
    const editor = await admin.get('/staff/concerns/naturalisation/ar');
    expect(editor.html).toMatch(/<textarea id="summary" name="summary"[^>]*lang="ar" dir="rtl"/);
    expect(editor.html).toMatch(/<input id="title" name="title"[^>]*lang="ar" dir="rtl"/);
    expect(editor.html).toMatch(/<p lang="de" dir="ltr" class="source-body">Einbürgerung/);

    const before = await publicPage('/ar/concerns/naturalisation'); // warms the page cache
    const title = 'التجنس في ألمانيا';
    expect(before).not.toContain(title);

    const saved = await admin.post(
      '/staff/concerns/naturalisation/ar',
      await editorForm('naturalisation', 'ar', { title, status_title: 'reviewed' }),
    );
    expect(saved.status).toBe(303);
    const preview = await admin.get(saved.location!);
    expect(preview.status).toBe(200);
    expect(preview.html).toMatch(/<div class="preview" lang="ar" dir="rtl">[^]*<h1><span>/);
    expect(preview.html).toContain(title);
    expect(preview.html).toContain('Titel: neuer Text');
    // Not public yet.
    expect(await publicPage('/ar/concerns/naturalisation')).not.toContain(title);

    const revision = /name="revision" value="([0-9a-f]{32})"/.exec(preview.html)![1]!;
    const published = await admin.post('/staff/concerns/naturalisation/ar/publish', { revision });
    expect(published.status).toBe(303);
    expect(published.location).toBe('/staff/concerns/naturalisation?published=ar');
    expect((await admin.get(published.location!)).html).toContain('Veröffentlicht: Arabisch');

    const after = await publicPage('/ar/concerns/naturalisation');
    expect(after).toContain(`<h1><span>${title}</span></h1>`);

    const entries = await concernChanges('naturalisation');
    const publication = entries.find((e) => (e.details as { published?: boolean }).published);
    expect(publication?.actor_name).toBe('admin');
    expect(publication?.fields).toEqual(['title', 'title.status']);
    expect(publication?.details).toMatchObject({
      lang: 'ar',
      changes: {
        title: { new: title },
        'title.status': { old: 'unreviewed', new: 'reviewed' },
      },
    });
    expect(entries.some((e) => (e.details as { draft?: string }).draft === 'saved')).toBe(true);
    // The draft is gone once published.
    expect(await db().selectFrom('concern_text_draft').selectAll().execute()).toEqual([]);
  });

  it('refuses to publish a draft that changed after its preview', async () => {
    const first = await admin.post(
      '/staff/concerns/recognition/en',
      await editorForm('recognition', 'en', { fee: 'First version of the fee.' }),
    );
    const preview = await admin.get(first.location!);
    const revision = /name="revision" value="([0-9a-f]{32})"/.exec(preview.html)![1]!;
    await admin.post(
      '/staff/concerns/recognition/en',
      await editorForm('recognition', 'en', { fee: 'Second version of the fee.' }),
    );
    const stale = await admin.post('/staff/concerns/recognition/en/publish', { revision });
    expect(stale.status).toBe(409);
    expect(stale.html).toContain('inzwischen geändert');
    expect(await publicPage('/en/concerns/recognition')).not.toContain('version of the fee');

    const discarded = await admin.post('/staff/concerns/recognition/en/discard', {});
    expect(discarded.location).toBe('/staff/concerns/recognition/en?notice=discarded');
    expect(await db().selectFrom('concern_text_draft').selectAll().execute()).toEqual([]);
  });

  it('a German change marks translations stale until a translator confirms or updates them', async () => {
    await saveAndPublish('work-permit', 'de', {
      fee: 'Die Gebühr beträgt 100 Euro (Stand 2027).',
    });
    expect(await publicPage('/de/concerns/work-permit')).toContain('100 Euro (Stand 2027)');
    expect(await publicPage('/en/concerns/work-permit')).toContain('The German text has changed');
    const overview = await admin.get('/staff/concerns/work-permit');
    expect(overview.html).toMatch(/class="status status-stale">veraltet/);

    const editor = await admin.get('/staff/concerns/work-permit/en');
    expect(editor.html).toContain('name="current_fee"');
    // Only the review state changes: still stale.
    const review = (await editorForm('work-permit', 'en')).status_fee;
    await saveAndPublish('work-permit', 'en', {
      status_fee: review === 'reviewed' ? 'unreviewed' : 'reviewed',
    });
    expect(await publicPage('/en/concerns/work-permit')).toContain('The German text has changed');
    // The translator updates the English text: current again.
    await saveAndPublish('work-permit', 'en', {
      fee: 'The fee is 100 euros (as of 2027).',
      status_fee: 'reviewed',
    });
    const english = await publicPage('/en/concerns/work-permit');
    expect(english).toContain('100 euros (as of 2027)');
    expect(english).not.toContain('The German text has changed');

    // Arabic: confirmed as still matching (the text itself unchanged).
    expect(await publicPage('/ar/concerns/work-permit')).toMatch(/class="notice"/);
    await saveAndPublish('work-permit', 'ar', { current_fee: 'yes' });
    const arabic = await admin.get('/staff/concerns/work-permit');
    const arabicRow =
      /<th scope="row"><a href="\/staff\/concerns\/work-permit\/ar">[^]*?<\/tr>/.exec(
        arabic.html,
      )?.[0];
    expect(arabicRow).not.toContain('veraltet');
  });

  it('saving the published texts unchanged keeps no draft', async () => {
    const res = await admin.post(
      '/staff/concerns/protection/uk',
      await editorForm('protection', 'uk'),
    );
    expect(res.location).toBe('/staff/concerns/protection/uk?notice=unchanged');
    expect(await db().selectFrom('concern_text_draft').selectAll().execute()).toEqual([]);
  });
});

describe('validation', () => {
  it('answers bad German input beside the field and writes nothing', async () => {
    const audits = (await concernChanges('settlement-permit')).length;
    const cases: [Record<string, string>, string, string][] = [
      [{ title: '' }, 'title', 'Geben Sie einen Titel ein.'],
      [{ summary: '   ' }, 'summary', 'Geben Sie eine Kurzbeschreibung ein.'],
      [{ leika_key: '123' }, 'leika_key', 'hat 14 Ziffern'],
      [{ legal_basis: '' }, 'legal_basis', 'Geben Sie die Rechtsgrundlage ein.'],
      [{ title: 'x'.repeat(151) }, 'title', 'Der Text ist zu lang.'],
      [
        { documents: Array.from({ length: 31 }, (_, i) => `Dokument ${i}`).join('\n') },
        'documents',
        'höchstens 30 Dokumente',
      ],
    ];
    for (const [changes, field, message] of cases) {
      const res = await admin.post(
        '/staff/concerns/settlement-permit/de',
        await editorForm('settlement-permit', 'de', changes),
      );
      expect(res.status, field).toBe(400);
      expect(res.html).toContain(`href="#${field}"`);
      expect(res.html).toMatch(
        new RegExp(`id="${field}-error">[^<]*${message.replace(/[.]/g, '\\.')}[^<]*</p>`),
      );
      expect(res.html).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
    }
    expect(await db().selectFrom('concern_text_draft').selectAll().execute()).toEqual([]);
    expect((await concernChanges('settlement-permit')).length).toBe(audits);
  });

  it('removing a German field removes its translations, and a translation needs German', async () => {
    const preview = await admin.post(
      '/staff/concerns/settlement-permit/de',
      await editorForm('settlement-permit', 'de', { duration: '' }),
    );
    const page = await admin.get(preview.location!);
    expect(page.html).toMatch(/„Dauer“ ist leer[^<]*Übersetzungen in \d Sprachen entfernt/);
    const revision = /name="revision" value="([0-9a-f]{32})"/.exec(page.html)![1]!;
    await admin.post('/staff/concerns/settlement-permit/de/publish', { revision });
    const rows = await db()
      .selectFrom('concern_text')
      .where('concern_id', '=', 'settlement-permit')
      .where('field', '=', 'duration')
      .selectAll()
      .execute();
    expect(rows).toEqual([]);

    const res = await admin.post(
      '/staff/concerns/settlement-permit/ar',
      await editorForm('settlement-permit', 'ar', { duration: 'بضعة أسابيع' }),
    );
    expect(res.status).toBe(400);
    expect(res.html).toContain('keinen deutschen Text');
  });

  it('never answers odd input with a 5xx, and unknown concerns or languages with 404', async () => {
    const bodies: Record<string, string>[] = [
      {},
      { title: '\u202e'.repeat(5000), status_title: 'bogus', current_title: 'maybe' },
      { revision: 'nope' },
    ];
    for (const path of ['naturalisation/de', 'naturalisation/ar', 'naturalisation/ar/publish']) {
      for (const body of bodies) {
        const res = await admin.post(`/staff/concerns/${path}`, body);
        expect(res.status, path).toBeLessThan(500);
      }
    }
    expect((await admin.get('/staff/concerns/nothing-here')).status).toBe(404);
    expect((await admin.get('/staff/concerns/naturalisation/xx')).status).toBe(404);
    expect((await admin.get('/staff/concerns/naturalisation/xx/preview')).status).toBe(404);
    expect((await admin.post('/staff/concerns/nothing-here/de', { title: 'x' })).status).toBe(404);
  });
});

describe('concern administration for other roles', () => {
  it('is refused to a caseworker', async () => {
    const caseworker = new FormClient(server.url);
    await signIn(caseworker, db(), 'sachbearbeitung');
    for (const path of [
      '/staff/concerns',
      '/staff/concerns/naturalisation',
      '/staff/concerns/naturalisation/ar',
      '/staff/concerns/naturalisation/ar/preview',
    ]) {
      expect((await caseworker.get(path)).status, path).toBe(403);
    }
    const res = await caseworker.post('/staff/concerns/naturalisation/de', {
      title: 'Übernommen',
      summary: 'x',
      legal_basis: 'y',
    });
    expect(res.status).toBe(403);
    const drafts = await db()
      .selectFrom('concern_text_draft')
      .where('lang', '=', 'de')
      .selectAll()
      .execute();
    expect(drafts).toEqual([]);
  });
});

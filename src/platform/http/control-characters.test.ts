import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient } from '../../../test/support/form-client.ts';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import { bodyHasControlCharacter, urlHasControlCharacter } from './control-characters.ts';

const GERMAN_TITLE = 'Diese Anfrage verstehen wir nicht';
const ARABIC_TITLE = 'لا نفهم هذا الطلب';
const ENGLISH_TEXT = 'Please check the address, or go back and try again.';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const get = (path: string) => fetch(`${server.url}${path}`, { redirect: 'manual' });
const postJson = (path: string, body: string) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': 'en' },
    body,
  });

describe('control characters', () => {
  it('are found in URLs (encoded or raw) and in body strings and keys, but tab, CR and LF pass in bodies', () => {
    expect(urlHasControlCharacter('/de/search?q=%00')).toBe(true);
    expect(urlHasControlCharacter('/de/search?q=%7f')).toBe(true);
    expect(urlHasControlCharacter('/de/search?q=%1B')).toBe(true);
    expect(urlHasControlCharacter('/de/search?q=%0A')).toBe(true);
    expect(urlHasControlCharacter('/de/search?q=%2500')).toBe(false); // the text "%00"
    expect(urlHasControlCharacter('/uk/search?q=%D0%B3%20x')).toBe(false);
    expect(bodyHasControlCharacter({ text: 'line 1\r\nline 2\tend' })).toBe(false);
    expect(bodyHasControlCharacter({ list: [['a', { deep: 'b\u0000' }]] })).toBe(true);
    expect(bodyHasControlCharacter({ ['k\u007f']: 1 })).toBe(true);
    expect(bodyHasControlCharacter({ text: 'bell\u0007' })).toBe(true);
    const deep = JSON.parse(`${'['.repeat(20_000)}"\\u0000"${']'.repeat(20_000)}`) as unknown;
    expect(bodyHasControlCharacter(deep)).toBe(true);
  });

  it('in the path answer 400 with the error page in the URL language', async () => {
    for (const path of ['/de/concerns/%00', '/de/concerns/natural%7Fisation', '/de/offices/%1f']) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      const html = await res.text();
      expect(html, path).toContain('<html lang="de"');
      expect(html, path).toContain(GERMAN_TITLE);
    }
  });

  it('in the query string answer 400 in the URL language (the search used to answer 500)', async () => {
    const german = await get('/de/search?q=%00');
    expect(german.status).toBe(400);
    expect(await german.text()).toContain(GERMAN_TITLE);
    const arabic = await get('/ar/search?q=Aufenthalt%01');
    expect(arabic.status).toBe(400);
    const html = await arabic.text();
    expect(html).toMatch(/<html lang="ar" dir="rtl">/);
    expect(html).toContain(ARABIC_TITLE);
    expect((await get('/de/search?q=Aufenthalt')).status).toBe(200);
  });

  it('in a form body answer 400 for the booking look-up and the cancellation (with a valid CSRF token)', async () => {
    const client = new FormClient(server.url);
    expect((await client.get('/de/manage')).status).toBe(200);
    const lookup = await client.post('/de/manage', {
      code: 'AB\u0000CD',
      dobDay: '1',
      dobMonth: '1',
      dobYear: '1990',
    });
    expect(lookup.status).toBe(400);
    expect(lookup.html).toContain(GERMAN_TITLE);
    const cancel = await client.post('/de/manage/cancel', { code: 'X\u0000' });
    expect(cancel.status).toBe(400);
    expect(cancel.html).toContain(GERMAN_TITLE);
    // Without the control character the same form reaches the handler.
    const plain = await client.post('/de/manage', {
      code: 'ABCD',
      dobDay: '1',
      dobMonth: '1',
      dobYear: '1990',
    });
    expect(plain.status).toBe(400);
    expect(plain.html).not.toContain(GERMAN_TITLE);
  });

  it('in a JSON body or API query answer 400 with a JSON error in the caller language', async () => {
    for (const [path, body] of [
      ['/api/v1/bookings/lookup', '{"code":"AB\\u0000CD","dateOfBirth":"1990-01-01"}'],
      ['/api/v1/bookings/cancel', '{"code":"AB\\u007fCD","dateOfBirth":"1990-01-01"}'],
      ['/api/v1/bookings', '{"slotId":"1","familyName":"A","givenNames":"B","x\\u0001":[1]}'],
    ] as const) {
      const res = await postJson(path, body);
      expect(res.status, path).toBe(400);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(['BAD_REQUEST', 'VALIDATION_FAILED'], path).toContain(json.error.code);
      expect(json.error.message, path).toBe(ENGLISH_TEXT);
    }
    const query = await fetch(`${server.url}/api/v1/availability?concern=%00`);
    expect(query.status).toBe(400);
    expect(((await query.json()) as { error: { code: string } }).error.code).toMatch(
      /^(BAD_REQUEST|VALIDATION_FAILED)$/,
    );
  });
});

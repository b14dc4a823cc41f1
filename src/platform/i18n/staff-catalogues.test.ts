import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStaffCatalogue, STAFF_LOCALES_DIR } from './staff-messages.ts';

// The staff catalogues: German and English have the same keys, and each area file's keys
// start with its name, so that two features never define the same key.

describe('the staff catalogues', () => {
  it('have the same keys in German and English', () => {
    expect([...readStaffCatalogue('en').keys()].sort()).toEqual(
      [...readStaffCatalogue('de').keys()].sort(),
    );
  });

  it('prefix every key with its area file name', () => {
    for (const lang of ['de', 'en']) {
      const dir = path.join(STAFF_LOCALES_DIR, lang);
      for (const file of fs.readdirSync(dir)) {
        const area = file.replace(/\.json$/, '');
        const keys = Object.keys(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
        for (const key of keys)
          expect(key.startsWith(`${area}.`), `${lang}/${file}: ${key}`).toBe(true);
      }
    }
  });
});

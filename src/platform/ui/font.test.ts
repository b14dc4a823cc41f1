import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARABIC_SUBSET, isArabicScript } from './arabic-subset.ts';
import { assetUrl, PUBLIC_DIR } from './assets.ts';

// Every Arabic-script character our Arabic and Farsi texts use is in the self-hosted font
// subset, so no word falls back to another font halfway.

const ROOT = path.resolve(PUBLIC_DIR, '..');
const TEXT_FILES = [
  'locales/ar.json',
  'locales/fa.json',
  'content/demo/concerns/ar.json',
  'content/demo/offices/ar.json',
];

describe('the Arabic-script font subset', () => {
  it('covers every Arabic-script character of the Arabic and Farsi texts', () => {
    const missing = new Set<string>();
    for (const file of TEXT_FILES) {
      for (const char of fs.readFileSync(path.join(ROOT, file), 'utf8')) {
        const codePoint = char.codePointAt(0) ?? 0;
        if (isArabicScript(codePoint) && !ARABIC_SUBSET.has(codePoint)) {
          missing.add(`U+${codePoint.toString(16).toUpperCase()} in ${file}`);
        }
      }
    }
    expect([...missing]).toEqual([]);
  });

  it('is built and small', () => {
    const size = fs.statSync(path.join(PUBLIC_DIR, 'fonts/noto-sans-arabic-subset.woff2')).size;
    expect(size).toBeGreaterThan(5_000);
    expect(size).toBeLessThan(20_000);
  });

  it('is named in the stylesheet by its current content hash, so a rebuilt font gets a new URL', () => {
    // /assets/ is cached for a year; npm run build:fonts writes the hash into styles.css.
    const css = fs.readFileSync(path.join(PUBLIC_DIR, 'styles.css'), 'utf8');
    const url = assetUrl('fonts/noto-sans-arabic-subset.woff2').replace(/^\/assets\//, '');
    expect(css).toContain(`url('${url}')`);
  });

  it('is never swapped in late, which would make the page jump', () => {
    const css = fs.readFileSync(path.join(PUBLIC_DIR, 'styles.css'), 'utf8');
    const faces = css.match(/@font-face\s*{[^}]*}/g) ?? [];
    expect(faces).toHaveLength(1);
    expect(faces[0]).toMatch(/font-display:\s*optional;/);
  });
});

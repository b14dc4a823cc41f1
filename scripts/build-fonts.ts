// Builds public/fonts/noto-sans-arabic-subset.woff2 from the @fontsource package: only the
// Arabic letters, marks, digits and punctuation that Arabic and Farsi text needs, so that
// an Arabic page stays within the 50 KB budget. Run after upgrading the font package or
// changing the subset: npm run build:fonts
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import subsetFont from 'subset-font';
import { ARABIC_SUBSET } from '../src/platform/ui/arabic-subset.ts';

const require = createRequire(import.meta.url);
const source =
  require.resolve('@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-400-normal.woff2');
const target = path.resolve('public/fonts/noto-sans-arabic-subset.woff2');
const text = String.fromCodePoint(...ARABIC_SUBSET);

const subset = await subsetFont(fs.readFileSync(source), text, { targetFormat: 'woff2' });
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, subset);
console.log(`${path.relative(process.cwd(), target)}: ${subset.length} bytes`);

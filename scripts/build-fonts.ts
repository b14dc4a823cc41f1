// Builds public/fonts/noto-sans-arabic-subset.woff2 from the @fontsource package: only the
// Arabic letters, marks, digits and punctuation that Arabic and Farsi text needs, so that
// an Arabic page stays within the 50 KB budget. Run after upgrading the font package or
// changing the subset: npm run build:fonts
//
// It also writes the font's content hash into the url() of public/styles.css: /assets/ is
// served as immutable for a year, so a rebuilt font needs a new URL, and the layout's
// preload link (assetUrl) must name exactly the URL the stylesheet asks for.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import subsetFont from 'subset-font';
import { ARABIC_SUBSET } from '../src/platform/ui/arabic-subset.ts';
import { assetUrl, PUBLIC_DIR } from '../src/platform/ui/assets.ts';

const require = createRequire(import.meta.url);
const source =
  require.resolve('@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-400-normal.woff2');
const FONT = 'fonts/noto-sans-arabic-subset.woff2';
const target = path.join(PUBLIC_DIR, FONT);
const stylesheet = path.join(PUBLIC_DIR, 'styles.css');
const text = String.fromCodePoint(...ARABIC_SUBSET);

const subset = await subsetFont(fs.readFileSync(source), text, { targetFormat: 'woff2' });
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, subset);
console.log(`${path.relative(process.cwd(), target)}: ${subset.length} bytes`);

// The stylesheet lives in /assets/ too, so its url() is the asset URL without that prefix.
const versioned = assetUrl(FONT).replace(/^\/assets\//, '');
const css = fs.readFileSync(stylesheet, 'utf8');
const pattern = /url\('fonts\/noto-sans-arabic-subset\.woff2(\?v=[0-9a-f]+)?'\)/;
if (!pattern.test(css)) throw new Error(`${stylesheet} has no url() for ${FONT}`);
fs.writeFileSync(stylesheet, css.replace(pattern, `url('${versioned}')`));
console.log(`${path.relative(process.cwd(), stylesheet)}: url('${versioned}')`);

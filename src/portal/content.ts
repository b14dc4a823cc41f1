import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { EasyReadContent } from './views/easy-read-page.tsx';

const PAGES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../content/pages');

const easyReadSchema = z.object({
  title: z.string().min(1),
  sections: z
    .array(z.object({ heading: z.string().min(1), sentences: z.array(z.string().min(1)).min(1) }))
    .min(1),
});

/** German-only pages (Leichte Sprache, Gebärdensprache), read once at start. */
export function loadGermanPage(name: 'leichte-sprache' | 'gebaerdensprache'): EasyReadContent {
  const raw: unknown = JSON.parse(fs.readFileSync(path.join(PAGES_DIR, `${name}.json`), 'utf8'));
  return easyReadSchema.parse(raw);
}

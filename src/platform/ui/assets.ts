import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PUBLIC_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../public',
);

const versions = new Map<string, string>();

/** URL of a file in public/, versioned by content so it can be cached for a year. */
export function assetUrl(file: string): string {
  let version = versions.get(file);
  if (!version) {
    const content = fs.readFileSync(path.join(PUBLIC_DIR, file));
    version = crypto.createHash('sha256').update(content).digest('hex').slice(0, 12);
    versions.set(file, version);
  }
  return `/assets/${file}?v=${version}`;
}

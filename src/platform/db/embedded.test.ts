import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../config.ts';
import { startEmbeddedPostgres } from './embedded.ts';

// Started as root, the embedded server runs initdb and postgres as the system user
// "postgres", which must be able to enter the data directory.
const asRoot = process.getuid?.() === 0;
const made: string[] = [];
const rootOnlyDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-embedded-')); // mode 0700
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

describe.runIf(asRoot)('the embedded server started as root', () => {
  it('makes a root-only DATA_DIR enterable (not listable) for its user and starts', async () => {
    const dataDir = rootOnlyDir();
    const server = await startEmbeddedPostgres({
      dir: path.join(dataDir, 'postgres'),
      ownedFrom: dataDir,
    });
    try {
      const client = new pg.Client({ connectionString: server.connectionString() });
      await client.connect();
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await client.end();
    } finally {
      await server.stop();
    }
    expect(fs.statSync(dataDir).mode & 0o007).toBe(0o001);
  }, 120_000);

  it('refuses with one clear line when a directory above DATA_DIR is closed to it', async () => {
    const closed = rootOnlyDir();
    const dataDir = path.join(closed, 'data');
    const start = startEmbeddedPostgres({
      dir: path.join(dataDir, 'postgres'),
      ownedFrom: dataDir,
    });
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(
      `cannot enter ${closed}. Allow it (chmod o+x ${closed}) or set DATA_DIR`,
    );
    expect(fs.statSync(closed).mode & 0o007).toBe(0); // not ours to open
  });
});

import path from 'node:path';
import type { Config } from '../config.ts';
import { createDb, type Db } from './database.ts';
import { startEmbeddedPostgres } from './embedded.ts';
import { acquireInstanceLock } from './instance-lock.ts';

export type Connection = { db: Db; close: () => Promise<void> };

/**
 * DATABASE_URL when set; otherwise the embedded server with its data in DATA_DIR, locked
 * to this process so that a second start fails instead of sharing the files.
 */
export async function connectDatabase(
  config: Config,
  log: (line: string) => void,
): Promise<Connection> {
  const limits = {
    statementTimeoutMs: config.db.statementTimeoutMs,
    acquireTimeoutMs: config.db.acquireTimeoutMs,
  };
  if (config.databaseUrl) {
    const db = createDb(config.databaseUrl, config.db.poolSize, limits);
    return { db, close: () => db.destroy() };
  }
  const release = acquireInstanceLock(config.dataDir);
  try {
    const server = await startEmbeddedPostgres({
      dir: path.join(config.dataDir, 'postgres'),
      port: config.embeddedPgPort,
      log,
      ownedFrom: config.dataDir,
    });
    const db = createDb(server.connectionString(), config.db.poolSize, limits);
    return {
      db,
      close: async () => {
        await db.destroy();
        await server.stop();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

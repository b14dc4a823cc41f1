import path from 'node:path';
import { ConfigError, type Config } from '../config.ts';
import { createDb, type Db } from './database.ts';
import { startEmbeddedPostgres } from './embedded.ts';
import { kyselyRunner, runtimeRoleProblems, RUNTIME_ROLE } from './grants.ts';
import { acquireInstanceLock } from './instance-lock.ts';

export type Connection = {
  /** The app's runtime role: data only; on the audit trail INSERT and SELECT only. */
  db: Db;
  /** The owner: migrations and the demo seed. The same as `db` without DATABASE_OWNER_URL. */
  ownerDb: Db;
  close: () => Promise<void>;
};

/** The owner's pool is used at start-up and by operator commands only. */
const OWNER_POOL_SIZE = 2;

/**
 * DATABASE_URL (and DATABASE_OWNER_URL) when set; otherwise the embedded server with its data
 * in DATA_DIR, locked to this process so that a second start fails instead of sharing the
 * files. The app's pool connects as the runtime role, the owner's pool as the owner.
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
    if (!config.databaseOwnerUrl) return { db, ownerDb: db, close: () => db.destroy() };
    const ownerDb = createDb(config.databaseOwnerUrl, OWNER_POOL_SIZE, limits);
    return {
      db,
      ownerDb,
      close: async () => {
        await Promise.all([db.destroy(), ownerDb.destroy()]);
      },
    };
  }
  const release = acquireInstanceLock(config.dataDir);
  try {
    const server = await startEmbeddedPostgres({
      dir: path.join(config.dataDir, 'postgres'),
      port: config.embeddedPgPort,
      log,
      ownedFrom: config.dataDir,
    });
    const db = createDb(server.appConnectionString(), config.db.poolSize, limits);
    const ownerDb = createDb(server.connectionString(), OWNER_POOL_SIZE, limits);
    return {
      db,
      ownerDb,
      close: async () => {
        await Promise.all([db.destroy(), ownerDb.destroy()]);
        await server.stop();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * The app's role must not be able to change the schema or the audit trail. In production a
 * role with more rights (a superuser, the tables' owner, UPDATE or DELETE on audit_event, …)
 * stops the start; elsewhere each problem is reported through `warn`. Run after migrating.
 */
export async function checkRuntimeRole(
  config: Config,
  db: Db,
  warn: (line: string) => void,
): Promise<void> {
  const problems = await db
    .connection()
    .execute((connection) => runtimeRoleProblems(kyselyRunner(connection)));
  if (problems.length === 0) return;
  const advice =
    `Connect DATABASE_URL as a login role that is a member of ${RUNTIME_ROLE} and owns ` +
    'nothing, and set DATABASE_OWNER_URL to the owner for migrations (README, "Database roles").';
  if (config.env === 'production') {
    throw new ConfigError(
      `Refusing to start in production: the app's database role is not set up for least privilege:\n` +
        `${problems.map((problem) => `  - ${problem}`).join('\n')}\n${advice}`,
    );
  }
  for (const problem of problems) warn(`database role: ${problem}`);
}

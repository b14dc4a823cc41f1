import path from 'node:path';
import { z } from 'zod';

// Every setting comes from the environment; a bad value stops start-up with a message naming it.
const port = z.coerce.number().int().min(1).max(65535);
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
  SMTP_HOST: optionalText,
  SMTP_PORT: port.default(587),
  SMTP_SECURE: z.enum(['true', 'false']).default('false'),
  SMTP_USER: optionalText,
  SMTP_PASSWORD: optionalText,
  SMTP_FROM: z.email().default('welcome-center@localhost.localdomain'),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  embeddedPgPort: number | undefined;
  baseUrl: string;
  defaultAuthority: string;
  logLevel: string;
  /** Which proxies may set X-Forwarded-For; false = none (clients connect directly). */
  trustProxy: string[] | false;
  rateLimitPerMinute: number;
  bookingRateLimitPerMinute: number;
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
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.SESSION_SECRET) {
    throw new ConfigError('Invalid configuration:\n  SESSION_SECRET: required in production');
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    baseUrl: e.BASE_URL.replace(/\/$/, ''),
    defaultAuthority: e.DEFAULT_AUTHORITY,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY ? e.TRUST_PROXY.split(',').map((address) => address.trim()) : false,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    bookingRateLimitPerMinute: e.BOOKING_RATE_LIMIT_PER_MINUTE,
    sessionSecret: e.SESSION_SECRET,
    smtp: {
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      secure: e.SMTP_SECURE === 'true',
      user: e.SMTP_USER,
      password: e.SMTP_PASSWORD,
      from: e.SMTP_FROM,
    },
  };
}

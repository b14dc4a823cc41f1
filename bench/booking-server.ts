import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createDb } from '../src/platform/db/database.ts';
import { countQueries, queryCount, resetQueryCount, type QueryCount } from './query-count.ts';

// The app under test of the booking benchmark, in its own process (forked by bench/booking.ts)
// so that its memory is its own and it can be profiled (`--cpu-prof`). The operator's
// defaults apply (pool, in-flight cap, timeouts), except the per-client rate limits: all
// benchmark clients come from one address. The clock stands still at the release instant.
// Its round trips to the database are counted (bench/query-count.ts).
// Messages: parent → { start: ServerPlan } | 'reset-queries' | { stop: attempts since the
// reset }; child → { url } | { stopped: ServerStats } | { failed: reason }.

export type ServerPlan = { connectionString: string; now: string; env: Record<string, string> };
export type ServerStats = {
  /** Highest resident set of the process's life (getrusage), start-up included. */
  peak_rss_mb: number;
  /** Resident set once listening, and the highest seen (sampled every 100 ms) after that. */
  ready_rss_mb: number;
  sampled_peak_rss_mb: number;
  rss_mb: number;
  cpu_user_s: number;
  cpu_system_s: number;
  queries: QueryCount;
};
export type ServerMessage = { url: string } | { stopped: ServerStats } | { failed: string };

const send = (message: ServerMessage) => process.send?.(message);

async function start(plan: ServerPlan) {
  countQueries();
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '1000000000',
    BOOKING_RATE_LIMIT_PER_MINUTE: '1000000000',
    ...plan.env,
  });
  const db = createDb(plan.connectionString, config.db.poolSize, {
    statementTimeoutMs: config.db.statementTimeoutMs,
    acquireTimeoutMs: config.db.acquireTimeoutMs,
  });
  const now = new Date(plan.now);
  const app = await buildApp({ config, db, clock: () => now });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  const readyRss = process.memoryUsage.rss();
  let sampledPeak = readyRss;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
  }, 100);
  send({ url });
  process.on('message', (message: unknown) => {
    if (message === 'reset-queries') resetQueryCount();
    if (typeof message !== 'object' || message === null || !('stop' in message)) return;
    const queries = queryCount(Number(message.stop));
    void (async () => {
      clearInterval(sampler);
      await app.close();
      await db.destroy();
      const usage = process.resourceUsage();
      send({
        stopped: {
          peak_rss_mb: Math.round(usage.maxRSS / 1024),
          ready_rss_mb: mb(readyRss),
          sampled_peak_rss_mb: mb(sampledPeak),
          rss_mb: mb(process.memoryUsage.rss()),
          cpu_user_s: Number((usage.userCPUTime / 1e6).toFixed(1)),
          cpu_system_s: Number((usage.systemCPUTime / 1e6).toFixed(1)),
          queries,
        },
      });
      process.disconnect();
    })();
  });
}

process.once('message', (message: { start: ServerPlan }) => {
  start(message.start).catch((error: unknown) => {
    send({ failed: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exitCode = 1;
    process.disconnect();
  });
});

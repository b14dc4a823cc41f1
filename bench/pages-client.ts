import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { text } from 'node:stream/consumers';

// The HTTP clients of the page benchmark, in their own process so that they do not share the
// server's event loop: a fixed number of keep-alive connections, each sending its next request
// as soon as the previous answer has been read, like autocannon. The plan arrives as JSON on
// stdin, the result leaves as JSON on stdout.

type Plan = { origin: string; path: string; connections: number; warmupMs: number; ms: number };

const plan = JSON.parse(await text(process.stdin)) as Plan;
const agent = new http.Agent({ keepAlive: true, maxSockets: plan.connections });
const headers = { 'accept-encoding': 'br, gzip', 'accept-language': 'de' };

function get(): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${plan.origin}${plan.path}`, { agent, headers }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function run(ms: number) {
  const until = performance.now() + ms;
  const times: number[] = [];
  let errors = 0;
  const connection = async () => {
    while (performance.now() < until) {
      const start = performance.now();
      const status = await get().catch(() => 0);
      times.push(performance.now() - start);
      if (status !== 200) errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: plan.connections }, connection));
  return { times, errors, seconds: (performance.now() - started) / 1000 };
}

await run(plan.warmupMs);
const { times, errors, seconds } = await run(plan.ms);
times.sort((a, b) => a - b);
const at = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
agent.destroy();
process.stdout.write(
  JSON.stringify({
    requests: times.length,
    requests_per_s: Math.round(times.length / seconds),
    p50_ms: Number((at(50) ?? NaN).toFixed(2)),
    p99_ms: Number((at(99) ?? NaN).toFixed(2)),
    errors,
  }),
);

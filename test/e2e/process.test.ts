import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database.ts';

// The program as an operator runs it: `welcome-center start` on its own embedded database,
// killed with SIGKILL and started again, and a second start on the same data directory;
// two instances started at once on one shared database.

const ROOT = path.resolve(import.meta.dirname, '../..');
let dataDir: string;
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function startProgram(port: number, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['bin/welcome-center.js', 'start'], {
    cwd: ROOT,
    // A clean environment: the test runner's own variables (e.g. Vite's BASE_URL) stay out.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Server listening')) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`exited with ${code}: ${output}`));
    });
  });
  listening.catch(() => undefined); // awaited where a start must succeed
  return { child, listening, exited, output: () => output };
}

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-process-'));
  fs.chmodSync(dataDir, 0o755);
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  // A postmaster orphaned by the SIGKILL test is stopped by the restart; make sure.
  const pidFile = path.join(dataDir, 'postgres/pg/postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // gone
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('welcome-center start', () => {
  it('refuses a second process on the same data, survives SIGKILL and comes back with its data', async () => {
    const port = await freePort();
    const first = startProgram(port);
    await first.listening;
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);

    const second = startProgram(await freePort());
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain('already running with the data directory');
    expect((await fetch(`http://127.0.0.1:${port}/de/concerns/naturalisation`)).status).toBe(200);

    first.child.kill('SIGKILL');
    await first.exited;

    const restarted = startProgram(port);
    await restarted.listening;
    const page = await fetch(`http://127.0.0.1:${port}/de/concerns/naturalisation`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Einbürgerung');
    expect(restarted.output()).not.toContain('demo authority Musterstadt loaded');

    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'welcome-center.pid'))).toBe(false);
  }, 120_000);

  it('writes one demo account per role for development, and production refuses them', async () => {
    // Written by the first start above, readable by the operator only.
    const file = path.join(dataDir, 'demo-staff.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const accounts = JSON.parse(fs.readFileSync(file, 'utf8')) as { role: string }[];
    expect(accounts.map((a) => a.role).sort()).toEqual([
      'administrator',
      'caseworker',
      'data_protection_officer',
      'partner',
      'reception',
      'team_lead',
    ]);
    const production = startProgram(await freePort(), {
      NODE_ENV: 'production',
      SESSION_SECRET: 'a-production-secret-of-at-least-32-chars',
      BASE_URL: 'https://welcome.example.org',
      TRUST_PROXY: '127.0.0.1',
    });
    expect(await production.exited).toBe(1);
    expect(production.output()).toContain('Demo staff accounts exist');
  }, 120_000);
});

describe('a booking flood killed with SIGKILL', () => {
  it('keeps every booking that was confirmed to a client, and overbooks nothing', async () => {
    const port = await freePort();
    const env = { BOOKING_RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_PER_MINUTE: '1000000' };
    const base = `http://127.0.0.1:${port}`;
    const first = startProgram(port, env);
    await first.listening;

    // Free slots of the next weeks; the start-up job has just created them.
    type Free = { slotId: string; startsAt: string; officeId: string; remaining: number };
    let free: Free[] = [];
    for (let attempt = 0; attempt < 50 && free.length === 0; attempt++) {
      const from = new Date().toISOString().slice(0, 10);
      const to = new Date(Date.now() + 28 * 86_400_000).toISOString().slice(0, 10);
      const res = await fetch(
        `${base}/api/v1/availability?concern=address-registration&from=${from}&to=${to}`,
      );
      free = ((await res.json()) as Free[]).slice(0, 40);
      if (free.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(free.length).toBeGreaterThan(0);
    const places = new Map(free.map((s) => [s.slotId, s.remaining]));

    const confirmed: { code: string; slotId: string; dateOfBirth: string }[] = [];
    let stop = false;
    const client = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const slot = free[(n * 7 + i) % free.length] as Free;
        const dateOfBirth = `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`;
        try {
          const res = await fetch(`${base}/api/v1/bookings`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              slotId: slot.slotId,
              concernId: 'address-registration',
              familyName: 'Flood',
              givenNames: `Client ${String.fromCharCode(97 + n)} ${'x'.repeat(i % 20)}${String.fromCharCode(97 + (i % 26))}`,
              dateOfBirth,
              phone: '+49 151 1234567',
              language: 'de',
            }),
          });
          if (res.status === 201) {
            confirmed.push({
              code: ((await res.json()) as { code: string }).code,
              slotId: slot.slotId,
              dateOfBirth,
            });
          } else await res.arrayBuffer();
        } catch {
          // the server is gone: this request was never confirmed
        }
      }
    };
    const clients = Array.from({ length: 20 }, (_, n) => client(n));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    first.child.kill('SIGKILL');
    await first.exited;
    stop = true;
    await Promise.all(clients);
    expect(confirmed.length).toBeGreaterThan(0);

    const restarted = startProgram(port, env);
    await restarted.listening;
    const perSlot = new Map<string, number>();
    for (const booking of confirmed) {
      perSlot.set(booking.slotId, (perSlot.get(booking.slotId) ?? 0) + 1);
    }
    for (const [slotId, count] of perSlot)
      expect(count).toBeLessThanOrEqual(places.get(slotId) ?? 0);
    // Each confirmed booking is there after the restart, found by code and date of birth.
    const lookup = (code: string, dateOfBirth: string) =>
      fetch(`${base}/api/v1/bookings/lookup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, dateOfBirth }),
      });
    const stored = await Promise.all(
      confirmed.map(async ({ code, dateOfBirth }) => {
        const res = await lookup(code, dateOfBirth);
        return res.status === 200
          ? ((await res.json()) as { status: string }).status
          : String(res.status);
      }),
    );
    expect(new Set(stored)).toEqual(new Set(['active']));
    // The code alone does not reveal a booking.
    expect((await lookup(confirmed[0]?.code ?? '', '1900-01-01')).status).toBe(404);
    restarted.child.kill('SIGTERM');
    await restarted.exited;
  }, 180_000);
});

describe('two instances started at the same moment on one empty database', () => {
  it('both start, the demo data is loaded once, and they share one session secret', async () => {
    const database = await createTestDatabase({ empty: true });
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-twins-'));
    try {
      const env = { DATABASE_URL: database.url, DATA_DIR: shared };
      const [portA, portB] = [await freePort(), await freePort()];
      const a = startProgram(portA, env);
      const b = startProgram(portB, env);
      await Promise.all([a.listening, b.listening]);
      const seeded = [a, b].filter((p) => p.output().includes('demo authority Musterstadt loaded'));
      expect(seeded).toHaveLength(1);
      const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM authority`.execute(
        database.db,
      );
      expect(rows[0]?.n).toBe('1');
      for (const port of [portA, portB]) {
        const page = await fetch(`http://127.0.0.1:${port}/de/concerns/naturalisation`);
        expect(page.status).toBe(200);
      }
      // A form opened on one instance is accepted by the other: the same cookie secret.
      const form = await fetch(`http://127.0.0.1:${portA}/de/manage`);
      const cookie = form.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const token = (await form.text()).match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
      const posted = await fetch(`http://127.0.0.1:${portB}/de/manage`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({
          _csrf: token,
          code: 'ABCD',
          dobDay: '1',
          dobMonth: '1',
          dobYear: '1990',
        }),
        redirect: 'manual',
      });
      expect(posted.status).toBe(400); // the look-up fails; 403 would be a rejected CSRF token
      a.child.kill('SIGTERM');
      b.child.kill('SIGTERM');
      expect(await a.exited).toBe(0);
      expect(await b.exited).toBe(0);
    } finally {
      await database.drop();
      fs.rmSync(shared, { recursive: true, force: true });
    }
  }, 120_000);
});

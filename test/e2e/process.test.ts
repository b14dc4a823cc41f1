import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The program as an operator runs it: `welcome-center start` on its own embedded database,
// killed with SIGKILL and started again, and a second start on the same data directory.

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

function startProgram(port: number) {
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
});

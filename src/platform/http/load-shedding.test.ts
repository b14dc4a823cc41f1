import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { MAX_IN_FLIGHT_REQUESTS: '1' } });
});
afterAll(() => server.close());

/** A request that stays in flight: headers sent, the promised body never comes. */
async function holdRequest(): Promise<net.Socket> {
  const { port } = new URL(server.url);
  const socket = net.connect(Number(port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    'POST /de/manage HTTP/1.1\r\nHost: localhost\r\n' +
      'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n',
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  return socket;
}

describe('load shedding', () => {
  it('answers 503 + Retry-After at once above the in-flight cap, through the error pages, and recovers', async () => {
    const held = await holdRequest();
    const page = await fetch(`${server.url}/de/concerns`);
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe('10');
    const html = await page.text();
    expect(html).toContain('<html lang="de"');
    expect(html).toContain('Vorübergehend nicht erreichbar');
    const api = await fetch(`${server.url}/api/v1/concerns`);
    expect(api.status).toBe(503);
    expect(api.headers.get('retry-after')).toBe('10');
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe(
      'SERVICE_UNAVAILABLE',
    );
    // Probes are never shed.
    expect((await fetch(`${server.url}/health`)).status).toBe(200);

    held.destroy(); // the server sees the close a moment later
    let status = 0;
    for (let attempt = 0; attempt < 40 && status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await fetch(`${server.url}/de/concerns`)).status;
    }
    expect(status).toBe(200);
  });
});

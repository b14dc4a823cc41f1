import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../src/platform/clock.ts';
import { createTestApp } from './app.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export type TestServer = {
  url: string;
  app: FastifyInstance;
  database: TestDatabase;
  close: () => Promise<void>;
};

/** The real app on a loopback port, with its own database. */
export async function startTestServer(
  options: { clock?: Clock; env?: Record<string, string> } = {},
): Promise<TestServer> {
  const database = await createTestDatabase();
  const app = await createTestApp(
    database.db,
    { RATE_LIMIT_PER_MINUTE: '100000', BOOKING_RATE_LIMIT_PER_MINUTE: '100000', ...options.env },
    options.clock,
  );
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: address,
    app,
    database,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

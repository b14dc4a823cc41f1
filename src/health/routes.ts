import type { FastifyInstance } from 'fastify';
import { pingDatabase, type Db } from '../platform/db/database.ts';

export async function healthRoutes(app: FastifyInstance, { db }: { db: Db }) {
  // Liveness: the process answers. Readiness: it can also reach its database.
  app.get('/health', { config: { rateLimit: false } }, async () => ({ status: 'ok' }));

  app.get('/ready', { config: { rateLimit: false } }, async (_request, reply) => {
    try {
      await pingDatabase(db);
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'database unreachable' });
    }
  });
}

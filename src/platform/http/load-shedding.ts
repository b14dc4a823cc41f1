import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

// Under overload a fast 503 + Retry-After beats a slow 200: clients (and the load balancer)
// can go elsewhere or come back, while a queue only makes every answer late. The cap counts
// requests from arrival to the last byte sent (or the client going away); requests beyond
// it are refused before any routing, database or rendering work.

export type LoadSheddingOptions = {
  maxInFlight: number;
  /** Requests that are never shed, e.g. liveness probes: refusing them would look like death. */
  exempt: (request: FastifyRequest) => boolean;
};

export function registerLoadShedding(app: FastifyInstance, options: LoadSheddingOptions) {
  let inFlight = 0;
  app.addHook('onRequest', async (request, reply) => {
    if (options.exempt(request)) return;
    if (inFlight >= options.maxInFlight) throw new AppError('SERVICE_UNAVAILABLE');
    inFlight++;
    reply.raw.once('close', () => inFlight--);
  });
  return { inFlight: () => inFlight };
}

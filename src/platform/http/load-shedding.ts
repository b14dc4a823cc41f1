import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

// Under overload a fast 503 + Retry-After beats a slow 200: clients (and the load balancer)
// can go elsewhere or come back, while a queue only makes every answer late. Two signals,
// both checked before any routing, database or rendering work:
// - requests in flight (arrival to last byte or the client going away) above a cap;
// - event-loop delay above a threshold: work arrives faster than it is done, and waits
//   unseen in socket buffers before any hook can count it.
// A refusal must cost far less than an answer, or the refusals themselves build the queue:
// one shared error (no stack trace per request), no compression, no error log per request.

export type LoadSheddingOptions = {
  maxInFlight: number;
  maxEventLoopDelayMs: number;
  /** Requests that are never shed, e.g. liveness probes: refusing them would look like death. */
  exempt: (request: FastifyRequest) => boolean;
};

const OVERLOADED = new AppError('SERVICE_UNAVAILABLE');

export async function registerLoadShedding(app: FastifyInstance, options: LoadSheddingOptions) {
  let inFlight = 0;
  let shed = 0;
  const refuse = (request: FastifyRequest, reason: string) => {
    if (shed++ === 0) app.log.warn({ reason, inFlight }, 'overloaded: shedding requests');
    // The error page is sent uncompressed: compressing it would cost more than sending it.
    delete request.headers['accept-encoding'];
    return OVERLOADED;
  };

  app.addHook('onRequest', async (request, reply) => {
    if (options.exempt(request)) return;
    if (inFlight >= options.maxInFlight) throw refuse(request, 'requests in flight');
    if (shed > 0) {
      app.log.warn({ shed }, 'load shedding ended');
      shed = 0;
    }
    inFlight++;
    reply.raw.once('close', () => inFlight--);
  });
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    // The mean over half a second: a one-off stall (GC, a module loading) is no overload.
    sampleInterval: 500,
    retryAfter: 10,
    pressureHandler: async (request) => {
      if (!options.exempt(request)) throw refuse(request, 'event loop delay');
    },
  });
}

import type { FastifyRequest } from 'fastify';
import type { LoggerOptions } from 'pino';

// Logs carry no personal data: no query strings (searches may hold names), no cookies,
// no authorization headers, no bodies. The request id ties a line to an audit entry.
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        '*.password',
        '*.email',
        '*.phone',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: FastifyRequest) => ({
        id: request.id,
        method: request.method,
        path: request.url.split('?')[0],
      }),
    },
  };
}

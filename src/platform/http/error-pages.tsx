import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendPage } from '../platform/ui/render.ts';
import { errorContext } from './context.ts';
import { ErrorPage } from './views/error-page.tsx';

/** Error pages in the reader's language; 5xx show only a reference to quote. */
export function errorPage(request: FastifyRequest, reply: FastifyReply, status: number) {
  const ctx = errorContext(request);
  if (status === 503) reply.header('retry-after', '10');
  return sendPage(reply, <ErrorPage ctx={ctx} status={status} reference={request.id} />, status);
}

const API_CODES: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  404: 'NOT_FOUND',
  413: 'VALIDATION_FAILED',
  415: 'VALIDATION_FAILED',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** JSON errors for /api: a stable code and a message in the caller's language. */
export function apiError(request: FastifyRequest, reply: FastifyReply, status: number) {
  const { t } = errorContext(request);
  const code = API_CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED');
  const message =
    status === 404
      ? t('error.notFoundTitle')
      : status === 429
        ? t('error.tooManyText')
        : status >= 500
          ? t('error.serverText')
          : t('error.badRequestText');
  if (status === 503) reply.header('retry-after', '10');
  return reply.code(status).send({ error: { code, message, reference: request.id } });
}

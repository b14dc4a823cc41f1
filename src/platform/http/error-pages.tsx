import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorPage } from '../ui/error-page.tsx';
import { sendPage } from '../ui/render.ts';
import { ERROR_CATALOGUE, toAppError } from './errors.ts';
import { errorContext } from './request-context.ts';

const RETRY_AFTER_SECONDS = '10';

/** The one answer to every error: a page in the reader's language, or JSON under /api. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const appError = toAppError(error);
  const spec = ERROR_CATALOGUE[appError.code];
  if (spec.status === 503 || spec.status === 429) reply.header('retry-after', RETRY_AFTER_SECONDS);
  const ctx = errorContext(request);
  if (request.url.startsWith('/api/')) {
    const message = ctx.t(spec.text);
    return reply.code(spec.status).send({
      error: { code: appError.code, message, reference: request.id, ...appError.details },
    });
  }
  // 5xx show only a reference to quote, never internals.
  return sendPage(
    reply,
    <ErrorPage
      ctx={ctx}
      title={ctx.t(spec.title)}
      text={ctx.t(spec.text)}
      reference={spec.status >= 500 ? request.id : undefined}
    />,
    spec.status,
  );
}

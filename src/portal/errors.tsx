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

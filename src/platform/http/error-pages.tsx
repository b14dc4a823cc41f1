import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorPage } from '../ui/error-page.tsx';
import { sendPage } from '../ui/render.ts';
import { createTranslator, isMessageKey, type Translate } from '../i18n/messages.ts';
import { apiLanguage } from './api-language.ts';
import { ERROR_CATALOGUE, toAppError, type AppError } from './errors.ts';
import { errorContext } from './request-context.ts';

const RETRY_AFTER_SECONDS = '10';

/** The one answer to every error: a page in the reader's language, or JSON under /api. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const appError = toAppError(error);
  const spec = ERROR_CATALOGUE[appError.code];
  if (spec.status === 503 || spec.status === 429) reply.header('retry-after', RETRY_AFTER_SECONDS);
  if (request.url.startsWith('/api/')) {
    return reply.code(spec.status).send(errorBody(appError, request.id, apiLanguage(request)));
  }
  const ctx = errorContext(request);
  // 5xx show only a reference to quote, never internals.
  return sendPage(
    reply,
    <ErrorPage
      ctx={ctx}
      title={ctx.t(spec.title)}
      text={ctx.t(appError.messageKey)}
      reference={spec.status >= 500 ? request.id : undefined}
    />,
    spec.status,
  );
}

/**
 * The JSON error body: code, message and field messages in the caller's language, the
 * reference to quote, and the error's other details as they are. A field message that is
 * not a catalogue key (a schema's built-in wording) reads as the generic "check your input".
 */
export function errorBody(appError: AppError, reference: string, lang: string) {
  const t = createTranslator(lang);
  const { fields, ...details } = appError.details;
  return {
    error: {
      code: appError.code,
      message: t(appError.messageKey),
      reference,
      ...details,
      ...(fields && { fields: translateFields(fields, t) }),
    },
  };
}

function translateFields(fields: Record<string, string>, t: Translate): Record<string, string> {
  const fallback = ERROR_CATALOGUE.VALIDATION_FAILED.text;
  return Object.fromEntries(
    Object.entries(fields).map(([field, key]) => [field, t(isMessageKey(key) ? key : fallback)]),
  );
}

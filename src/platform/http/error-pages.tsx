import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorPage } from '../ui/error-page.tsx';
import { StaffErrorPage, type StaffErrorKind } from '../ui/staff-error-page.tsx';
import { sendPage } from '../ui/render.ts';
import { createTranslator, isMessageKey, type Translate } from '../i18n/messages.ts';
import { staffPageContext } from '../policy/guard.ts';
import { apiLanguage } from './api-language.ts';
import { ERROR_CATALOGUE, toAppError, type AppError, type ErrorCode } from './errors.ts';
import { errorContext } from './request-context.ts';

const RETRY_AFTER_SECONDS = '10';

/** `/staff`, `/staff/…`, `/staff?…`: not `/staffing`. */
const STAFF_URL = /^\/staff(?:[/?#]|$)/;

/** What the staff area says for each error (its own catalogue, German and English). */
const STAFF_ERROR_KIND: Record<ErrorCode, StaffErrorKind> = {
  BAD_REQUEST: 'badRequest',
  VALIDATION_FAILED: 'badRequest',
  PAYLOAD_TOO_LARGE: 'badRequest',
  UNSUPPORTED_MEDIA_TYPE: 'badRequest',
  FORM_EXPIRED: 'formExpired',
  UNAUTHORIZED: 'unauthorized',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'notFound',
  SLOT_TAKEN: 'conflict',
  DUPLICATE_BOOKING: 'conflict',
  NOT_CANCELLABLE: 'conflict',
  TOO_MANY_REQUESTS: 'tooMany',
  INTERNAL: 'server',
  SERVICE_UNAVAILABLE: 'unavailable',
};

/**
 * The one answer to every error: a page in the reader's language, or JSON under /api. Under
 * /staff the page is the staff area's, in the staff language (`?lang=`, its cookie).
 */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const appError = toAppError(error);
  const spec = ERROR_CATALOGUE[appError.code];
  if (spec.status === 503 || spec.status === 429) reply.header('retry-after', RETRY_AFTER_SECONDS);
  if (request.url.startsWith('/api/')) {
    return reply.code(spec.status).send(errorBody(appError, request.id, apiLanguage(request)));
  }
  // 5xx show only a reference to quote, never internals.
  const reference = spec.status >= 500 ? request.id : undefined;
  if (STAFF_URL.test(request.url) && request.server.hasDecorator('staffArea')) {
    try {
      // An error answered before the cookie parser ran (rate limit, load shedding) has no
      // cookies yet; the staff language is one of them.
      const cookies = request.cookies as FastifyRequest['cookies'] | null;
      request.cookies = cookies ?? request.server.parseCookie(request.headers.cookie ?? '');
      return sendPage(
        reply,
        <StaffErrorPage
          ctx={staffPageContext(request, reply)}
          kind={STAFF_ERROR_KIND[appError.code]}
          reference={reference}
        />,
        spec.status,
      );
    } catch (renderError) {
      // The public page below still answers; the error of the error page is logged.
      request.log.error({ err: renderError }, 'staff error page failed');
    }
  }
  const ctx = errorContext(request);
  return sendPage(
    reply,
    <ErrorPage
      ctx={ctx}
      title={ctx.t(spec.title)}
      text={ctx.t(appError.messageKey)}
      reference={reference}
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

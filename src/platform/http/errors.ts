import type { MessageKey } from '../i18n/messages.ts';

// The one catalogue of errors: every error the app answers with has a stable code, an HTTP
// status and the catalogue keys of its title and text. Handlers throw AppError; the one
// error handler answers HTML or JSON in the reader's language. The OpenAPI document takes
// its error codes from here.

type ErrorSpec = { status: number; title: MessageKey; text: MessageKey };

export const ERROR_CATALOGUE = {
  BAD_REQUEST: {
    status: 400,
    title: 'error.badRequestTitle',
    text: 'error.badRequestText',
  },
  VALIDATION_FAILED: {
    status: 400,
    title: 'error.badRequestTitle',
    text: 'error.badRequestText',
  },
  FORM_EXPIRED: { status: 403, title: 'error.forbiddenTitle', text: 'form.expired' },
  NOT_FOUND: { status: 404, title: 'error.notFoundTitle', text: 'error.notFoundText' },
  SLOT_TAKEN: { status: 409, title: 'booking.takenTitle', text: 'booking.takenNone' },
  DUPLICATE_BOOKING: {
    status: 409,
    title: 'booking.duplicateTitle',
    text: 'booking.duplicateTitle',
  },
  NOT_CANCELLABLE: {
    status: 409,
    title: 'error.forbiddenTitle',
    text: 'booking.status.cancelled',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    title: 'error.badRequestTitle',
    text: 'error.badRequestText',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'error.badRequestTitle',
    text: 'error.badRequestText',
  },
  TOO_MANY_REQUESTS: { status: 429, title: 'error.tooManyTitle', text: 'error.tooManyText' },
  INTERNAL: { status: 500, title: 'error.serverTitle', text: 'error.serverText' },
  SERVICE_UNAVAILABLE: {
    status: 503,
    title: 'error.unavailableTitle',
    text: 'error.unavailableText',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

/** Facts an error carries to the client besides its code, e.g. alternatives or field messages. */
export type ErrorDetails = Record<string, unknown>;

export class AppError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    readonly details: ErrorDetails = {},
    message: string = code,
  ) {
    super(message);
    this.statusCode = ERROR_CATALOGUE[code].status;
  }
}

export const notFound = () => new AppError('NOT_FOUND');

/** The code for one of the framework's statuses (body too large, rate limit, …). */
const CODE_OF_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  403: 'FORM_EXPIRED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * Any thrown value as a catalogue error: our own errors as they are, the framework's and
 * plugins' errors by their status (a validation error of a route schema is VALIDATION_FAILED),
 * everything else internal.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if ((error as { validation?: unknown } | null)?.validation) {
    return new AppError('VALIDATION_FAILED');
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(CODE_OF_STATUS[status] ?? 'BAD_REQUEST');
  }
  if (status === 503) return new AppError('SERVICE_UNAVAILABLE');
  return new AppError('INTERNAL');
}

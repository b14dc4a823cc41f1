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
  /** Not signed in (staff area): pages redirect to the sign-in instead. */
  UNAUTHORIZED: { status: 401, title: 'error.forbiddenTitle', text: 'error.unauthorizedText' },
  /** Signed in, but the policy does not allow this action. */
  FORBIDDEN: { status: 403, title: 'error.forbiddenTitle', text: 'error.forbiddenText' },
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

/**
 * Facts an error carries to the client besides its code, e.g. alternatives. `fields` (field
 * name → catalogue key) is the one detail the answer translates: VALIDATION_FAILED's
 * messages per field, in the reader's language.
 */
export type ErrorDetails = { fields?: Record<string, string> } & Record<string, unknown>;

export class AppError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    readonly details: ErrorDetails = {},
    /** What the answer says, when the case knows better than the catalogue's generic text. */
    readonly messageKey: MessageKey = ERROR_CATALOGUE[code].text,
  ) {
    super(code);
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

/** One failed check of a route schema, as Fastify reports it (JSON Schema or zod alike). */
type SchemaIssue = { instancePath?: unknown; message?: unknown };

/**
 * The first message per field of a route schema's failed checks. A field is the first step
 * of the issue's path; an issue about the whole input counts under the part that failed
 * (body, querystring).
 */
function fieldMessages(issues: readonly SchemaIssue[], part: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const path = typeof issue.instancePath === 'string' ? issue.instancePath : '';
    const field = path.split('/').find((step) => step !== '') ?? part;
    fields[field] ??= typeof issue.message === 'string' ? issue.message : '';
  }
  return fields;
}

/**
 * Any thrown value as a catalogue error: our own errors as they are, the framework's and
 * plugins' errors by their status (a validation error of a route schema is VALIDATION_FAILED
 * with its messages per field), everything else internal.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const thrown = error as {
    statusCode?: unknown;
    validation?: unknown;
    validationContext?: unknown;
  } | null;
  const status = thrown?.statusCode;
  if (Array.isArray(thrown?.validation)) {
    const part = typeof thrown.validationContext === 'string' ? thrown.validationContext : 'body';
    return new AppError('VALIDATION_FAILED', {
      fields: fieldMessages(thrown.validation as SchemaIssue[], part),
    });
  }
  if (thrown?.validation) return new AppError('VALIDATION_FAILED');
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(CODE_OF_STATUS[status] ?? 'BAD_REQUEST');
  }
  if (status === 503) return new AppError('SERVICE_UNAVAILABLE');
  return new AppError('INTERNAL');
}

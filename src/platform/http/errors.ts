// Typed errors with stable codes; the one error handler maps them to pages or JSON.

export const ERROR_CODES = {
  NOT_FOUND: 404,
  BAD_REQUEST: 400,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string = code,
  ) {
    super(message);
    this.statusCode = ERROR_CODES[code];
  }
}

export const notFound = (what = 'not found') => new AppError('NOT_FOUND', what);

/** Status code to answer for any thrown value; unknown errors are internal. */
export function statusOf(error: unknown): number {
  if (error instanceof AppError) return error.statusCode;
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

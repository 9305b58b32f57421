import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * The error catalogue. Each class owns its `extensions.code` and the HTTP
 * status that a response takes when the whole operation fails with it
 * (see httpStatusPlugin). Anything thrown that is not an ApiError is an
 * unexpected error and is masked by formatError.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR'
  | 'SERVICE_UNAVAILABLE';

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

export abstract class ApiError extends GraphQLError {
  abstract readonly code: ErrorCode;

  constructor(message: string, extensions: Record<string, unknown>) {
    super(message, { extensions });
  }

  get httpStatus(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }

  /**
   * Adds Apollo's `http` extension for an error thrown while the context is
   * created, where no plugin can set the status. Returns the same error.
   */
  withHttpStatus(): this {
    if (this.extensions['http'] === undefined) {
      this.extensions['http'] = httpExtension(this.httpStatus);
    }
    return this;
  }
}

export class UnauthenticatedError extends ApiError {
  readonly code = 'UNAUTHENTICATED';
  constructor(message = 'Authentication required: send a valid token as "Authorization: Bearer <token>"') {
    super(message, { code: 'UNAUTHENTICATED' });
  }
}

export class ForbiddenError extends ApiError {
  readonly code = 'FORBIDDEN';
  constructor(message = 'Forbidden: your role does not allow this operation') {
    super(message, { code: 'FORBIDDEN' });
  }
}

/** Invalid input. `field` is the input path, such as "input.databases[3].datname". */
export class BadUserInputError extends ApiError {
  readonly code = 'BAD_USER_INPUT';
  constructor(message: string, field?: string) {
    super(message, field === undefined ? { code: 'BAD_USER_INPUT' } : { code: 'BAD_USER_INPUT', field });
  }
}

export class ConflictError extends ApiError {
  readonly code = 'CONFLICT';
  constructor(message: string) {
    super(message, { code: 'CONFLICT' });
  }
}

/** A request body larger than the operation allows, measured after decompression. */
export class PayloadTooLargeError extends ApiError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  constructor(limitBytes: number, operation: string) {
    super(`Request body is larger than the ${limitBytes} bytes allowed for ${operation}`, {
      code: 'PAYLOAD_TOO_LARGE',
      limitBytes,
      http: httpExtension(413),
    });
  }
}

/**
 * A rate limit was reached. `retryAfter` is in whole seconds and becomes the
 * Retry-After header when the whole operation fails.
 */
export class RateLimitedError extends ApiError {
  readonly code = 'RATE_LIMITED';
  constructor(
    readonly retryAfter: number,
    message = 'Too many requests',
  ) {
    super(message, { code: 'RATE_LIMITED', retryAfter, http: httpExtension(429, retryAfter) });
  }
}

/** A dependency the request needs is down; the client may retry after `retryAfter` seconds. */
export class ServiceUnavailableError extends ApiError {
  readonly code = 'SERVICE_UNAVAILABLE';
  constructor(message: string, readonly retryAfter: number) {
    super(message, { code: 'SERVICE_UNAVAILABLE', retryAfter, http: httpExtension(503, retryAfter) });
  }
}

export class InternalServerError extends ApiError {
  readonly code = 'INTERNAL_SERVER_ERROR';
  constructor(message = 'Internal server error') {
    super(message, { code: 'INTERNAL_SERVER_ERROR' });
  }
}

/**
 * Builds Apollo's `http` extension, which sets the response status and
 * headers even when the error is thrown while the context is created, before
 * any plugin runs. formatError removes it from what clients see.
 */
function httpExtension(status: number, retryAfter?: number) {
  const headers = new HeaderMap();
  if (retryAfter !== undefined) {
    headers.set('retry-after', String(retryAfter));
  }
  return { status, headers };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in HTTP_STATUS_BY_CODE;
}

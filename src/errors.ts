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
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR';

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
};

export abstract class ApiError extends GraphQLError {
  abstract readonly code: ErrorCode;

  constructor(message: string, extensions: Record<string, unknown>) {
    super(message, { extensions });
  }

  get httpStatus(): number {
    return HTTP_STATUS_BY_CODE[this.code];
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

/** Too many attempts. `retryAfter` is the number of seconds to wait before the next one. */
export class RateLimitedError extends ApiError {
  readonly code = 'RATE_LIMITED';
  constructor(message: string, retryAfterSeconds: number) {
    super(message, { code: 'RATE_LIMITED', retryAfter: retryAfterSeconds });
  }
}

export class InternalServerError extends ApiError {
  readonly code = 'INTERNAL_SERVER_ERROR';
  constructor(message = 'Internal server error') {
    super(message, { code: 'INTERNAL_SERVER_ERROR' });
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in HTTP_STATUS_BY_CODE;
}

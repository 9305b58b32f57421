import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApiError } from '../errors.js';

/** Apollo's codes for requests that are malformed or invalid, reported as BAD_USER_INPUT. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'INTROSPECTION_DISABLED',
]);

/** Codes that Apollo clients act on (automatic persisted queries), passed through unchanged. */
const PROTOCOL_CODES = new Set(['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']);

/**
 * Maps every error to a code from the catalogue. Request errors keep their
 * message and carry Apollo's own code as `reason`. Unexpected errors are
 * masked, so no internal message or stack trace reaches a client; the
 * error logging plugin records the original once.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.['code'];
  const { message, locations, path } = formatted;

  if (original instanceof ApiError) {
    // `http` carries the status of errors thrown during context creation;
    // Apollo has applied it already and clients must not see it.
    const { http: _http, ...extensions } = original.extensions;
    return { message, locations, path, extensions: { ...extensions, code: original.code } };
  }
  if (typeof code === 'string' && PROTOCOL_CODES.has(code)) {
    return { message, extensions: { code } };
  }
  if (typeof code === 'string' && REQUEST_ERROR_CODES.has(code)) {
    const reason = code === 'BAD_USER_INPUT' ? undefined : code;
    return { message, locations, path, extensions: reason ? { code: 'BAD_USER_INPUT', reason } : { code: 'BAD_USER_INPUT' } };
  }
  return { message: 'Internal server error', locations, path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../errors.js';

function codeFor(status: number): ErrorCode {
  if (status === 413) {
    return 'PAYLOAD_TOO_LARGE';
  }
  if (status === 429) {
    return 'RATE_LIMITED';
  }
  return status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT';
}

/**
 * Sends errors raised by Fastify before GraphQL runs (body too large,
 * malformed JSON, unsupported content type) in the GraphQL error shape with
 * a code from the catalogue. Server errors are logged and masked.
 */
export async function handleHttpError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'unexpected error');
  }
  const message = status >= 500 ? 'Internal server error' : error.message;
  const code = codeFor(status);
  // Fastify's and decompressBody's own codes (FST_ERR_CTP_BODY_TOO_LARGE,
  // INVALID_GZIP_BODY, ...) stay available as the reason.
  const reason = status < 500 && typeof error.code === 'string' && error.code !== code ? error.code : undefined;
  await reply.status(status).send({ errors: [{ message, extensions: reason ? { code, reason } : { code } }] });
}

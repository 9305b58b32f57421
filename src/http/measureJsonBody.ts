import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Size of the JSON body in bytes, after any decompression. */
    bodyBytes?: number;
  }
}

/**
 * Replaces Fastify's JSON parser with one that records the body size before
 * parsing it with Fastify's own safe parser, so that later steps can apply
 * a limit per GraphQL operation.
 */
export function measureJsonBody(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const buffer = body as Buffer;
    request.bodyBytes = buffer.length;
    parseJson(request, buffer.toString('utf8'), done);
  });
}

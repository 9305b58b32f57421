import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { BadUserInputError } from '../errors.js';

/**
 * Returns the client's IP address. Fastify takes it from X-Forwarded-For only
 * for peers that TRUST_PROXY names, using the rightmost address that is not a
 * trusted proxy. That address comes from a header, so it is checked to be an
 * IP; anything else is rejected rather than becoming a fresh rate limit key.
 */
export function clientAddress(request: FastifyRequest): string {
  const address = request.ip;
  if (isIP(address) === 0) {
    throw new BadUserInputError(`X-Forwarded-For contains an invalid client address: ${JSON.stringify(address.slice(0, 64))}`);
  }
  // IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d.
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

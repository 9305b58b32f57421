import type { FastifyRequest } from 'fastify';
import type { GraphQLContext } from '../context.js';
import type { Services } from '../services.js';
import { authenticateRequest } from '../auth/authenticateRequest.js';

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Returns Apollo's context function: authenticates each request once. */
export function createContext(services: Services) {
  return async (request: FastifyRequest): Promise<GraphQLContext> => {
    let principal;
    try {
      principal = await authenticateRequest(singleHeader(request.headers.authorization), services);
    } catch (error) {
      // Apollo returns 500 and formatError masks the message. Apollo does not pass
      // context failures to the error plugin, so they are logged here.
      request.log.error({ err: error }, 'unexpected error');
      throw error;
    }
    if (principal.kind === 'invalid') {
      request.log.warn({ event: 'authenticate', reason: principal.reason }, 'bearer token rejected');
    }

    return {
      requestId: request.id,
      logger: request.log,
      principal,
      clientAddress: request.ip,
      registrationSecret: singleHeader(request.headers['x-registration-secret']),
      services,
    };
  };
}

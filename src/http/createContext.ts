import type { FastifyRequest } from 'fastify';
import type { GraphQLContext } from '../context.js';
import type { Services } from '../services.js';
import type { Principal } from '../auth/principal.js';
import { authenticateRequest } from '../auth/authenticateRequest.js';
import { ApiError } from '../errors.js';
import { enforceRequestBudget } from '../rateLimit/enforceRequestBudget.js';
import { clientAddress } from './clientAddress.js';
import { readClientCertificate } from '../tls/readClientCertificate.js';

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

async function authenticate(request: FastifyRequest, services: Services): Promise<Principal> {
  try {
    return await authenticateRequest(singleHeader(request.headers.authorization), services);
  } catch (error) {
    // Apollo returns 500 and formatError masks the message. Apollo does not
    // pass context failures to the error plugin, so they are logged here.
    request.log.error({ err: error }, 'unexpected error');
    throw error;
  }
}

/**
 * Returns Apollo's context function: finds the client address, authenticates
 * the request once and counts it against the caller's request budget.
 */
export function createContext(services: Services) {
  return async (request: FastifyRequest): Promise<GraphQLContext> => {
    try {
      const address = clientAddress(request);
      const principal = await authenticate(request, services);
      if (principal.kind === 'invalid') {
        request.log.warn({ event: 'authenticate', reason: principal.reason }, 'bearer token rejected');
      }
      await enforceRequestBudget(services.rateLimiter, principal, address, services.config.rateLimits);

      return {
        requestId: request.id,
        logger: request.log,
        principal,
        clientAddress: address,
        requestBodyBytes: request.bodyBytes ?? 0,
        clientCertificate: readClientCertificate(request.raw.socket),
        registrationSecret: singleHeader(request.headers['x-registration-secret']),
        services,
      };
    } catch (error) {
      if (error instanceof ApiError) {
        request.log.warn({ code: error.code }, 'request rejected');
        throw error.withHttpStatus();
      }
      throw error;
    }
  };
}

import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { authenticateRequest } from '../auth/authenticateRequest.js';

/**
 * Serves the security counters in Prometheus text format at GET /metrics.
 * The scraper must send an ADMIN access token as a Bearer token: 401 without
 * a valid token, 403 for any other role or a collector token.
 */
export function registerMetricsRoute(fastify: FastifyInstance, services: Services): void {
  fastify.get('/metrics', async (request, reply) => {
    const header = request.headers.authorization;
    const principal = await authenticateRequest(Array.isArray(header) ? header[0] : header, services);
    if (principal.kind === 'anonymous' || principal.kind === 'invalid') {
      request.log.warn({ event: 'metrics', reason: principal.kind }, 'metrics request rejected');
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'Authentication required: send an ADMIN access token as "Authorization: Bearer <token>"' });
    }
    if (principal.kind !== 'user' || principal.role !== 'ADMIN' || principal.mustChangePassword) {
      request.log.warn({ event: 'metrics', reason: 'forbidden' }, 'metrics request rejected');
      return reply.code(403).send({ error: 'Forbidden: /metrics requires an ADMIN access token' });
    }

    const body = await services.metrics.registry.metrics();
    return reply.header('content-type', services.metrics.registry.contentType).send(body);
  });
}

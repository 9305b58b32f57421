import type { FastifyBaseLogger } from 'fastify';
import type { Services } from '../services.js';
import type { CollectorRegistration } from './registerCollector.js';

/**
 * Signs a new collector token for a collector that authenticated with its
 * current one. Tokens are stateless, so the current token stays valid until
 * it expires.
 */
export async function refreshCollectorToken(
  services: Services,
  collectorId: string,
  logger: FastifyBaseLogger,
): Promise<CollectorRegistration> {
  // TODO: record the jti of the replaced token so that it can be revoked early.
  const collector = await services.prisma.collector.update({ where: { id: collectorId }, data: { lastSeenAt: services.now() } });
  const signed = services.tokens.sign('collector', collectorId, { ver: collector.tokenVersion });
  logger.info(
    { event: 'refresh_collector_token', outcome: 'success', collectorId, expiresAt: signed.expiresAt.toISOString() },
    'collector token renewed',
  );
  return { collectorId, token: signed.token, expiresAt: signed.expiresAt };
}

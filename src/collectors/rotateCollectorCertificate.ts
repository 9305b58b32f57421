import type { FastifyBaseLogger } from 'fastify';
import type { Collector } from '../generated/prisma/client.js';
import type { Services } from '../services.js';
import { BadUserInputError, ConflictError } from '../errors.js';
import { isUniqueViolation } from '../db/prismaErrors.js';
import { requireUuid } from '../graphql/requireUuid.js';
import { normalizeFingerprint } from '../tls/normalizeFingerprint.js';

/**
 * Binds a new client certificate, given by its SHA-256 fingerprint, to a
 * collector. The previous certificate stops working for that collector at
 * once, and its token stays valid.
 */
export async function rotateCollectorCertificate(
  services: Services,
  args: { collectorId: string; fingerprint: string },
  adminId: string,
  logger: FastifyBaseLogger,
): Promise<Collector> {
  const collectorId = requireUuid(args.collectorId, 'collectorId');
  const fingerprint = normalizeFingerprint(args.fingerprint);
  if (fingerprint === undefined) {
    throw new BadUserInputError(
      'fingerprint must be a SHA-256 fingerprint: 64 hex digits, optionally in pairs separated by colons, as printed by openssl x509 -noout -fingerprint -sha256',
      'fingerprint',
    );
  }

  const existing = await services.prisma.collector.findUnique({ where: { id: collectorId }, select: { certificateFingerprint: true } });
  if (existing === null) {
    throw new BadUserInputError(`No collector has id ${collectorId}`, 'collectorId');
  }

  let collector: Collector;
  try {
    collector = await services.prisma.collector.update({ where: { id: collectorId }, data: { certificateFingerprint: fingerprint } });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError('This client certificate is already bound to another collector. Each collector needs its own certificate');
    }
    throw error;
  }

  logger.info(
    { event: 'rotate_collector_certificate', collectorId, adminId, previousFingerprint: existing.certificateFingerprint, fingerprint },
    'collector certificate rotated',
  );
  return collector;
}

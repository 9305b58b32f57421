import type { MutationResolvers } from '../../generated/graphql.js';
import { BadUserInputError, ForbiddenError } from '../../errors.js';
import { login } from '../../auth/login.js';
import { refreshSession } from '../../auth/refreshSession.js';
import { registerCollector } from '../../collectors/registerCollector.js';
import { rotateCollectorCertificate } from '../../collectors/rotateCollectorCertificate.js';
import { refreshCollectorToken } from '../../collectors/refreshCollectorToken.js';
import { validateSnapshot } from '../../metrics/validateSnapshot.js';
import { storeSnapshot } from '../../metrics/storeSnapshot.js';
import { updateServerConfig } from '../../servers/serverConfig.js';
import { requireUuid } from '../requireUuid.js';

export const mutationResolvers: MutationResolvers = {
  login(_parent, args, { services, logger }) {
    return login(services, args, logger);
  },

  refreshToken(_parent, args, { services, logger }) {
    return refreshSession(services, args.refreshToken, logger);
  },

  registerCollector(_parent, { input }, { services, logger, registrationSecret, clientCertificate }) {
    // clientCertificatePlugin has already required a verified certificate when mutual TLS is on.
    const fingerprint = services.config.mtls !== undefined && clientCertificate?.status === 'authorized' ? clientCertificate.fingerprint : null;
    return registerCollector(services, input, registrationSecret, logger, fingerprint);
  },

  refreshCollectorToken(_parent, _args, { services, principal, logger }) {
    // The shield rule guarantees a collector principal; this narrows the type.
    if (principal.kind !== 'collector') {
      throw new ForbiddenError('Forbidden: only a collector token may call this operation');
    }
    return refreshCollectorToken(services, principal.collectorId, logger);
  },

  async pushMetrics(_parent, { input }, { services, principal, logger }) {
    // The shield rule guarantees a collector principal; this narrows the type.
    if (principal.kind !== 'collector') {
      throw new ForbiddenError('Forbidden: only a collector token may call this operation');
    }
    if (input.collectorId.toLowerCase() !== principal.collectorId) {
      logger.warn({ event: 'push', collectorId: principal.collectorId }, 'collectorId does not match the token');
      throw new ForbiddenError('Forbidden: input.collectorId does not match the collector token');
    }

    const receivedAt = services.now();
    const snapshot = validateSnapshot({ ...input, collectorId: principal.collectorId, snapshotId: input.snapshotId.toLowerCase() }, receivedAt);
    const result = await storeSnapshot(services.prisma, principal.collectorId, snapshot, receivedAt);
    logger.info(
      {
        event: 'push',
        collectorId: principal.collectorId,
        serverId: result.serverId,
        snapshotId: snapshot.snapshotId,
        stored: result.stored,
        databases: snapshot.databases.length,
        openAlerts: result.openAlerts,
      },
      result.stored ? 'snapshot stored' : 'snapshot already stored',
    );
    return { ...result, snapshotId: snapshot.snapshotId };
  },

  async updateConfig(_parent, args, { services, principal }) {
    const serverId = requireUuid(args.serverId, 'serverId');
    const server = await services.prisma.monitoredServer.findUnique({ where: { id: serverId }, select: { id: true } });
    if (!server) {
      throw new BadUserInputError(`No server has id ${serverId}`, 'serverId');
    }
    const updatedBy = principal.kind === 'user' ? principal.userId : 'unknown';
    return updateServerConfig(services.prisma, serverId, args.input, updatedBy);
  },

  rotateCollectorCertificate(_parent, args, { services, principal, logger }) {
    const adminId = principal.kind === 'user' ? principal.userId : 'unknown';
    return rotateCollectorCertificate(services, args, adminId, logger);
  },
};

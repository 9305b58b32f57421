import type { MutationResolvers } from '../../generated/graphql.js';
import { BadUserInputError, ForbiddenError } from '../../errors.js';
import { login } from '../../auth/login.js';
import { refreshSession } from '../../auth/refreshSession.js';
import { registerCollector } from '../../collectors/registerCollector.js';
import { rotateCollectorCertificate } from '../../collectors/rotateCollectorCertificate.js';
import { refreshCollectorToken } from '../../collectors/refreshCollectorToken.js';
import { validateSnapshot } from '../../metrics/validateSnapshot.js';
import { storeSnapshot } from '../../metrics/storeSnapshot.js';
import { readConfigVersion, updateServerConfig } from '../../servers/serverConfig.js';
import { requireUuid } from '../requireUuid.js';
import { logout, logoutAll } from '../../auth/logout.js';
import { changePassword } from '../../auth/changePassword.js';
import {
  adminCreateUser,
  changeUserRole,
  disableUser,
  enableUser,
  resetUserPassword,
  unlockUser,
  userAdminActor,
} from '../../users/manageUsers.js';
import { deleteCollector, revokeCollector } from '../../collectors/revokeCollector.js';
import { retireServer } from '../../servers/retireServers.js';
import { auditOriginOf, recordAuditEvent } from '../../audit/recordAuditEvent.js';
import { actorName } from '../../auth/actorName.js';
import { updateCollectorDefaults } from '../../servers/collectorDefaults.js';
import { setServerLabels } from '../../servers/setServerLabels.js';
import { createAlertRule, deleteAlertRule, updateAlertRule } from '../../alerts/alertRules.js';
import { acknowledgeAlert } from '../../alerts/acknowledgeAlert.js';
import { createSilence } from '../../alerts/silences.js';
import {
  createNotificationChannel,
  deleteNotificationChannel,
  testNotificationChannel,
  updateNotificationChannel,
} from '../../notifications/notificationChannels.js';

export const mutationResolvers: MutationResolvers = {
  login(_parent, args, context) {
    return login(context, args);
  },

  refreshToken(_parent, args, context) {
    return refreshSession(context, args.refreshToken);
  },

  registerCollector(_parent, { input }, context) {
    const { services, clientCertificate } = context;
    // clientCertificatePlugin has already required a verified certificate when mutual TLS is on.
    const fingerprint = services.config.mtls !== undefined && clientCertificate?.status === 'authorized' ? clientCertificate.fingerprint : null;
    return registerCollector(context, input, fingerprint);
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
    if (result.reactivated) {
      logger.info({ event: 'server_reactivated', serverId: result.serverId }, 'retired server reported again');
    }
    const configVersion = await readConfigVersion(services.prisma, result.serverId);
    return { ...result, snapshotId: snapshot.snapshotId, configVersion };
  },

  async updateConfig(_parent, args, context) {
    const { services, principal } = context;
    const serverId = requireUuid(args.serverId, 'serverId');
    const server = await services.prisma.monitoredServer.findUnique({ where: { id: serverId }, select: { id: true, host: true } });
    if (!server) {
      throw new BadUserInputError(`No server has id ${serverId}`, 'serverId');
    }
    const updatedBy = principal.kind === 'user' ? principal.userId : 'unknown';
    const config = await updateServerConfig(services.prisma, serverId, args.input, updatedBy);
    const details = { intervalSeconds: config.intervalSeconds, families: config.families.join(',') };
    await recordAuditEvent(services.prisma, auditOriginOf(context), { action: 'CONFIG_UPDATED', target: { type: 'server', id: serverId, name: server.host }, details }, services.now());
    return config;
  },

  logout(_parent, args, context) {
    return logout(context, args.refreshToken);
  },

  logoutAll(_parent, _args, context) {
    return logoutAll(context);
  },

  changePassword(_parent, args, context) {
    return changePassword(context, args);
  },

  createUser(_parent, { input }, context) {
    return adminCreateUser(userAdminActor(context), input);
  },

  updateUserRole(_parent, args, context) {
    return changeUserRole(userAdminActor(context), args.id, args.role);
  },

  disableUser(_parent, args, context) {
    return disableUser(userAdminActor(context), args.id);
  },

  enableUser(_parent, args, context) {
    return enableUser(userAdminActor(context), args.id);
  },

  resetUserPassword(_parent, args, context) {
    return resetUserPassword(userAdminActor(context), args.id, args.password);
  },

  unlockUser(_parent, args, context) {
    return unlockUser(userAdminActor(context), args.id);
  },

  revokeCollector(_parent, args, context) {
    return revokeCollector(context, args.id);
  },

  deleteCollector(_parent, args, context) {
    return deleteCollector(context, args.id);
  },

  retireServer(_parent, args, context) {
    return retireServer(context, args.id);
  },

  rotateCollectorCertificate(_parent, args, { services, principal, logger }) {
    const adminId = principal.kind === 'user' ? principal.userId : 'unknown';
    return rotateCollectorCertificate(services, args, adminId, logger);
  },

  async updateCollectorDefaults(_parent, { input }, { services, principal }) {
    return updateCollectorDefaults(services.prisma, input, await actorName(services.prisma, principal), services.now());
  },

  setServerLabels(_parent, args, { services }) {
    return setServerLabels(services.prisma, requireUuid(args.serverId, 'serverId'), args.labels);
  },

  async createAlertRule(_parent, { input }, { services, principal }) {
    return createAlertRule(services.prisma, input, await actorName(services.prisma, principal), services.now());
  },

  async updateAlertRule(_parent, args, { services, principal }) {
    const id = requireUuid(args.id, 'id');
    return updateAlertRule(services.prisma, id, args.input, await actorName(services.prisma, principal), services.now());
  },

  deleteAlertRule(_parent, args, { services }) {
    return deleteAlertRule(services.prisma, requireUuid(args.id, 'id'), services.now());
  },

  async acknowledgeAlert(_parent, args, { services, principal }) {
    return acknowledgeAlert(services.prisma, requireUuid(args.id, 'id'), await actorName(services.prisma, principal), services.now());
  },

  async silenceAlerts(_parent, { input }, { services, principal }) {
    return createSilence(services.prisma, input, await actorName(services.prisma, principal), services.now());
  },

  async deleteAlertSilence(_parent, args, { services }) {
    const { count } = await services.prisma.alertSilence.deleteMany({ where: { id: requireUuid(args.id, 'id') } });
    return count > 0;
  },

  async createNotificationChannel(_parent, { input }, { services, principal, logger }) {
    const created = await createNotificationChannel(services.prisma, input, await actorName(services.prisma, principal), services.now());
    logger.info({ event: 'notification_channel', channelId: created.channel.id, kind: created.channel.kind }, 'notification channel created');
    return created;
  },

  updateNotificationChannel(_parent, args, { services }) {
    return updateNotificationChannel(services.prisma, requireUuid(args.id, 'id'), args.input);
  },

  deleteNotificationChannel(_parent, args, { services }) {
    return deleteNotificationChannel(services.prisma, requireUuid(args.id, 'id'));
  },

  testNotificationChannel(_parent, args, { services }) {
    return testNotificationChannel(services.prisma, requireUuid(args.id, 'id'), services.now());
  },
};

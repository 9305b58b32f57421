import type { QueryResolvers } from '../../generated/graphql.js';
import { UnauthenticatedError, BadUserInputError } from '../../errors.js';
import { listAlerts } from '../../alerts/listAlerts.js';
import { readCollectorServerConfigs, readServerConfig } from '../../servers/serverConfig.js';
import { readCollectorDefaults } from '../../servers/collectorDefaults.js';
import { readActiveSilences } from '../../alerts/silences.js';
import { MAX_PAGE_SIZE } from '../../alerts/listAlerts.js';
import { requireUuid } from '../requireUuid.js';
import { listAuditEvents } from '../../audit/listAuditEvents.js';

export const queryResolvers: QueryResolvers = {
  async me(_parent, _args, { principal, services }) {
    const userId = principal.kind === 'user' ? principal.userId : undefined;
    const user = userId ? await services.prisma.user.findUnique({ where: { id: userId } }) : null;
    if (!user) {
      throw new UnauthenticatedError();
    }
    return user;
  },

  servers(_parent, args, { services }) {
    const where = args.includeRetired ? {} : { retiredAt: null };
    return services.prisma.monitoredServer.findMany({ where, orderBy: [{ lastSeenAt: 'desc' }, { id: 'asc' }] });
  },

  server(_parent, { id }, { services }) {
    return services.prisma.monitoredServer.findUnique({ where: { id: requireUuid(id, 'id') } });
  },

  alerts(_parent, args, { services }) {
    const serverId = args.serverId ? requireUuid(args.serverId, 'serverId') : null;
    return listAlerts(services.prisma, { ...args, serverId });
  },

  alert(_parent, { id }, { services }) {
    return services.prisma.alert.findUnique({ where: { id: requireUuid(id, 'id') } });
  },

  alertRules(_parent, _args, { services }) {
    return services.prisma.alertRule.findMany({ orderBy: { key: 'asc' } });
  },

  alertSilences(_parent, _args, { services }) {
    return readActiveSilences(services.prisma, services.now());
  },

  collectorDefaults(_parent, _args, { services }) {
    return readCollectorDefaults(services.prisma);
  },

  async collectorConfig(_parent, _args, { services, principal }) {
    if (principal.kind !== 'collector') {
      return [];
    }
    return readCollectorServerConfigs(services.prisma, principal.collectorId);
  },

  notificationChannels(_parent, _args, { services }) {
    return services.prisma.notificationChannel.findMany({ orderBy: { name: 'asc' } });
  },

  notificationDeliveries(_parent, args, { services }) {
    const first = args.first ?? 50;
    if (first < 1 || first > MAX_PAGE_SIZE) {
      throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
    }
    return services.prisma.notificationDelivery.findMany({
      where: {
        ...(args.channelId ? { channelId: requireUuid(args.channelId, 'channelId') } : {}),
        ...(args.status ? { status: args.status } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: first,
    });
  },

  async config(_parent, args, { services }) {
    const serverId = requireUuid(args.serverId, 'serverId');
    const server = await services.prisma.monitoredServer.findUnique({ where: { id: serverId }, select: { id: true } });
    if (!server) {
      throw new BadUserInputError(`No server has id ${serverId}`, 'serverId');
    }
    return readServerConfig(services.prisma, serverId);
  },

  collectors(_parent, _args, { services }) {
    return services.prisma.collector.findMany({ where: { deletedAt: null }, orderBy: { hostname: 'asc' } });
  },

  users(_parent, _args, { services }) {
    return services.prisma.user.findMany({ orderBy: { username: 'asc' } });
  },

  auditEvents(_parent, args, { services }) {
    return listAuditEvents(services.prisma, { ...args.filter, first: args.first, after: args.after });
  },
};

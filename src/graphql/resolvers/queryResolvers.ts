import type { QueryResolvers } from '../../generated/graphql.js';
import { UnauthenticatedError, BadUserInputError } from '../../errors.js';
import { listAlerts } from '../../alerts/listAlerts.js';
import { readServerConfig } from '../../servers/serverConfig.js';
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

  servers(_parent, _args, { services }) {
    return services.prisma.monitoredServer.findMany({ orderBy: [{ lastSeenAt: 'desc' }, { id: 'asc' }] });
  },

  server(_parent, { id }, { services }) {
    return services.prisma.monitoredServer.findUnique({ where: { id: requireUuid(id, 'id') } });
  },

  alerts(_parent, args, { services }) {
    const serverId = args.serverId ? requireUuid(args.serverId, 'serverId') : null;
    return listAlerts(services.prisma, { ...args, serverId });
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

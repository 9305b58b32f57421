import type { Resolvers } from '../../generated/graphql.js';
import { readServerSummary } from '../../metrics/readServerSummary.js';
import { readTimeseries } from '../../metrics/readTimeseries.js';
import { readServerConfig } from '../../servers/serverConfig.js';
import { isSilenced, readActiveSilences } from '../../alerts/silences.js';

/** Resolvers of object types whose fields need more than their row. */
export const typeResolvers: Pick<Resolvers, 'Server' | 'Collector' | 'Alert' | 'User' | 'AuditEvent' | 'NotificationDelivery'> = {
  User: {
    disabled(user) {
      return user.disabledAt !== null;
    },
    lockedUntil(user, _args, { services }) {
      return user.lockedUntil && user.lockedUntil > services.now() ? user.lockedUntil : null;
    },
  },

  AuditEvent: {
    details(event) {
      return event.details === null ? null : JSON.stringify(event.details);
    },
  },

  Server: {
    async collector(server, _args, { services }) {
      return services.prisma.collector.findUniqueOrThrow({ where: { id: server.collectorId } });
    },
    summary(server, _args, { services }) {
      return readServerSummary(services.prisma, server.id);
    },
    timeseries(server, args, { services }) {
      return readTimeseries(services.prisma, { serverId: server.id, ...args });
    },
    config(server, _args, { services }) {
      return readServerConfig(services.prisma, server.id);
    },
    labels(server) {
      return server.labels ?? [];
    },
  },

  Collector: {
    servers(collector, _args, { services }) {
      return services.prisma.monitoredServer.findMany({ where: { collectorId: collector.id }, orderBy: { host: 'asc' } });
    },
  },

  Alert: {
    server(alert, _args, { services }) {
      return services.prisma.monitoredServer.findUniqueOrThrow({ where: { id: alert.serverId } });
    },
    // NOTE: reads the silences once per alert; a page of 200 alerts asking
    // for silenced makes 200 small queries.
    async silenced(alert, _args, { services }) {
      return isSilenced(await readActiveSilences(services.prisma, services.now()), alert);
    },
    history(alert, _args, { services }) {
      return services.prisma.alertEvent.findMany({ where: { alertId: alert.id }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
    },
  },

  NotificationDelivery: {
    channel(delivery, _args, { services }) {
      return services.prisma.notificationChannel.findUniqueOrThrow({ where: { id: delivery.channelId } });
    },
    attempts(delivery, _args, { services }) {
      return services.prisma.deliveryAttempt.findMany({ where: { deliveryId: delivery.id }, orderBy: { attemptedAt: 'asc' } });
    },
  },
};

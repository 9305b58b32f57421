import type { PrismaClient, ServerConfig } from '../generated/prisma/client.js';
import {
  isMetricFamily,
  normalizeFamilies,
  readCollectorDefaults,
  validateSettings,
  type CollectorDefaultsView,
  type CollectorSettings,
  type SettingsInput,
} from './collectorDefaults.js';

export { METRIC_FAMILIES, MIN_INTERVAL_SECONDS, MAX_INTERVAL_SECONDS } from './collectorDefaults.js';

/** Effective collection settings of a server as the API returns them. */
export interface ServerConfigView extends CollectorSettings {
  serverId: string;
  host: string;
  port: number;
  /** The defaults' version plus the server's; both only increase, so the sum does too. */
  version: number;
  /** Names of the fields the server overrides. */
  overrides: Array<keyof CollectorSettings>;
  customized: boolean;
  updatedAt: Date | null;
}

/** The server fields a configuration names, so that a collector can match it to a target. */
export interface ServerAddress {
  id: string;
  host: string;
  port: number;
}

const ADDRESS_FIELDS = { id: true, host: true, port: true } as const;

/** Computes ServerConfigView.version from the defaults' row and the server's row. */
function configVersion(defaults: Pick<CollectorDefaultsView, 'version'>, saved: Pick<ServerConfig, 'version'> | null): number {
  return defaults.version + (saved?.version ?? 0);
}

/** Lays a server's saved overrides, if any, over the defaults. */
export function effectiveConfig(server: ServerAddress, defaults: CollectorDefaultsView, saved: ServerConfig | null): ServerConfigView {
  const families = (saved?.families ?? []).filter(isMetricFamily);
  const overrides: Array<keyof CollectorSettings> = [];
  const pick = <K extends keyof CollectorSettings>(field: K, value: CollectorSettings[K] | null | undefined): CollectorSettings[K] => {
    if (value === null || value === undefined) {
      return defaults[field];
    }
    overrides.push(field);
    return value;
  };

  const settings: CollectorSettings = {
    intervalSeconds: pick('intervalSeconds', saved?.intervalSeconds),
    families: pick('families', families.length > 0 ? families : null),
    statementTopN: pick('statementTopN', saved?.statementTopN),
    queryText: pick('queryText', saved?.queryText),
    tableCap: pick('tableCap', saved?.tableCap),
  };
  return {
    serverId: server.id,
    host: server.host,
    port: server.port,
    ...settings,
    version: configVersion(defaults, saved),
    overrides,
    customized: overrides.length > 0,
    updatedAt: saved?.updatedAt ?? null,
  };
}

/** Reads a server's effective settings: its overrides on top of the global defaults. */
export async function readServerConfig(prisma: PrismaClient, serverId: string): Promise<ServerConfigView> {
  const [defaults, server, saved] = await Promise.all([
    readCollectorDefaults(prisma),
    prisma.monitoredServer.findUniqueOrThrow({ where: { id: serverId }, select: ADDRESS_FIELDS }),
    prisma.serverConfig.findUnique({ where: { serverId } }),
  ]);
  return effectiveConfig(server, defaults, saved);
}

/** Reads only a server's configuration version, which every pushMetrics result carries. */
export async function readConfigVersion(prisma: PrismaClient, serverId: string): Promise<number> {
  const [defaults, saved] = await Promise.all([
    readCollectorDefaults(prisma),
    prisma.serverConfig.findUnique({ where: { serverId }, select: { version: true } }),
  ]);
  return configVersion(defaults, saved);
}

/**
 * Reads the effective settings of the servers of one collector with three
 * queries. The most recently seen server comes last, so that a collector
 * mapping host and port to servers in order keeps the current one when a
 * rebuilt server left an older one at the same address.
 */
export async function readCollectorServerConfigs(prisma: PrismaClient, collectorId: string): Promise<ServerConfigView[]> {
  const servers = await prisma.monitoredServer.findMany({
    where: { collectorId },
    select: ADDRESS_FIELDS,
    orderBy: [{ lastSeenAt: 'asc' }, { id: 'asc' }],
  });
  const defaults = await readCollectorDefaults(prisma);
  const saved = await prisma.serverConfig.findMany({ where: { serverId: { in: servers.map((server) => server.id) } } });
  const byServer = new Map(saved.map((row) => [row.serverId, row]));
  return servers.map((server) => effectiveConfig(server, defaults, byServer.get(server.id) ?? null));
}

/** Maps an input field to a column value: undefined keeps the column, null clears the override. */
function overrideFields(input: SettingsInput) {
  const families = input.families === null ? [] : input.families && normalizeFamilies(input.families);
  return {
    ...(input.intervalSeconds !== undefined ? { intervalSeconds: input.intervalSeconds } : {}),
    ...(families !== undefined ? { families } : {}),
    ...(input.statementTopN !== undefined ? { statementTopN: input.statementTopN } : {}),
    ...(input.queryText !== undefined ? { queryText: input.queryText } : {}),
    ...(input.tableCap !== undefined ? { tableCap: input.tableCap } : {}),
  };
}

/**
 * Saves a server's overrides and increments its version. A field left out
 * keeps its value; a field set to null returns to the global default.
 */
export async function updateServerConfig(
  prisma: PrismaClient,
  serverId: string,
  input: SettingsInput,
  updatedBy: string,
): Promise<ServerConfigView> {
  validateSettings(input);
  const fields = overrideFields(input);

  await prisma.serverConfig.upsert({
    where: { serverId },
    create: { serverId, families: [], ...fields, version: 1, updatedBy },
    update: { ...fields, version: { increment: 1 }, updatedBy },
  });
  return readServerConfig(prisma, serverId);
}

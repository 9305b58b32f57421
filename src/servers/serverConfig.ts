import type { PrismaClient } from '../generated/prisma/client.js';
import type { MetricFamily } from '../generated/graphql.js';
import { BadUserInputError } from '../errors.js';

export const METRIC_FAMILIES: readonly MetricFamily[] = ['DATABASES', 'ACTIVITY', 'LOCKS', 'REPLICATION'];
export const DEFAULT_INTERVAL_SECONDS = 60;
export const MIN_INTERVAL_SECONDS = 10;
export const MAX_INTERVAL_SECONDS = 3600;

/** Collection settings as the API returns them. */
export interface ServerConfigView {
  serverId: string;
  intervalSeconds: number;
  families: MetricFamily[];
  customized: boolean;
  updatedAt: Date | null;
}

function isMetricFamily(value: string): value is MetricFamily {
  return (METRIC_FAMILIES as readonly string[]).includes(value);
}

/** Reads a server's settings, or the defaults when none were saved. */
export async function readServerConfig(prisma: PrismaClient, serverId: string): Promise<ServerConfigView> {
  const saved = await prisma.serverConfig.findUnique({ where: { serverId } });
  if (!saved) {
    return { serverId, intervalSeconds: DEFAULT_INTERVAL_SECONDS, families: [...METRIC_FAMILIES], customized: false, updatedAt: null };
  }
  return {
    serverId,
    intervalSeconds: saved.intervalSeconds,
    families: saved.families.filter(isMetricFamily),
    customized: true,
    updatedAt: saved.updatedAt,
  };
}

function checkUpdate(input: { intervalSeconds?: number | null; families?: MetricFamily[] | null }): void {
  const { intervalSeconds, families } = input;
  if (intervalSeconds !== undefined && intervalSeconds !== null) {
    if (intervalSeconds < MIN_INTERVAL_SECONDS || intervalSeconds > MAX_INTERVAL_SECONDS) {
      throw new BadUserInputError(
        `intervalSeconds must be between ${MIN_INTERVAL_SECONDS} and ${MAX_INTERVAL_SECONDS}`,
        'input.intervalSeconds',
      );
    }
  }
  if (families !== undefined && families !== null && families.length === 0) {
    throw new BadUserInputError('families must name at least one metric family', 'input.families');
  }
}

/** Saves the fields given and keeps the others, starting from the defaults. */
export async function updateServerConfig(
  prisma: PrismaClient,
  serverId: string,
  input: { intervalSeconds?: number | null; families?: MetricFamily[] | null },
  updatedBy: string,
): Promise<ServerConfigView> {
  checkUpdate(input);
  const current = await readServerConfig(prisma, serverId);
  const intervalSeconds = input.intervalSeconds ?? current.intervalSeconds;
  const families = input.families ? [...new Set(input.families)] : current.families;

  await prisma.serverConfig.upsert({
    where: { serverId },
    create: { serverId, intervalSeconds, families, updatedBy },
    update: { intervalSeconds, families, updatedBy },
  });
  return readServerConfig(prisma, serverId);
}

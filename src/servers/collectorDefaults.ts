import type { CollectorDefaults, PrismaClient } from '../generated/prisma/client.js';
import type { MetricFamily } from '../generated/graphql.js';
import { BadUserInputError } from '../errors.js';

export const METRIC_FAMILIES: readonly MetricFamily[] = [
  'DATABASES', 'ACTIVITY', 'LOCKS', 'REPLICATION', 'STATEMENTS', 'TABLES', 'INDEXES', 'CHECKPOINTER', 'WAL', 'REPLICATION_SLOTS',
];
/** pushMetrics requires activity, and the connection and transaction alerts read it, so no settings can leave it out. */
export const REQUIRED_FAMILY: MetricFamily = 'ACTIVITY';
export const MIN_INTERVAL_SECONDS = 10;
export const MAX_INTERVAL_SECONDS = 3600;
export const MAX_STATEMENT_TOP_N = 1000;
export const MAX_TABLE_CAP = 100_000;

/** The settings a collector applies, whether global or per server. */
export interface CollectorSettings {
  intervalSeconds: number;
  families: MetricFamily[];
  statementTopN: number;
  queryText: boolean;
  tableCap: number;
}

export interface CollectorDefaultsView extends CollectorSettings {
  version: number;
  updatedAt: Date | null;
}

/** Values used when the collector_defaults row is missing; the migrations leave the row with the same ones. */
const BUILT_IN: CollectorDefaultsView = {
  intervalSeconds: 60, families: [...METRIC_FAMILIES], statementTopN: 100, queryText: false, tableCap: 200, version: 0, updatedAt: null,
};

export type SettingsInput = { [K in keyof CollectorSettings]?: CollectorSettings[K] | null };

export function isMetricFamily(value: string): value is MetricFamily {
  return (METRIC_FAMILIES as readonly string[]).includes(value);
}

/** Drops repeats and puts the families in the enum's order, so equal settings compare equal. */
export function normalizeFamilies(families: readonly MetricFamily[]): MetricFamily[] {
  return METRIC_FAMILIES.filter((family) => families.includes(family));
}

function checkRange(value: number | null | undefined, min: number, max: number, field: string): void {
  if (value !== undefined && value !== null && (value < min || value > max)) {
    throw new BadUserInputError(`${field.replace('input.', '')} must be between ${min} and ${max}`, field);
  }
}

/** Throws BadUserInputError naming the first field out of range. Null and missing fields pass. */
export function validateSettings(input: SettingsInput): void {
  checkRange(input.intervalSeconds, MIN_INTERVAL_SECONDS, MAX_INTERVAL_SECONDS, 'input.intervalSeconds');
  if (input.families !== undefined && input.families !== null && !input.families.includes(REQUIRED_FAMILY)) {
    throw new BadUserInputError(
      `families must include ${REQUIRED_FAMILY}: pushMetrics requires it and the connection and transaction metrics come from it`,
      'input.families',
    );
  }
  checkRange(input.statementTopN, 1, MAX_STATEMENT_TOP_N, 'input.statementTopN');
  checkRange(input.tableCap, 1, MAX_TABLE_CAP, 'input.tableCap');
}

function toView(row: CollectorDefaults): CollectorDefaultsView {
  return {
    intervalSeconds: row.intervalSeconds,
    families: row.families.filter(isMetricFamily),
    statementTopN: row.statementTopN,
    queryText: row.queryText,
    tableCap: row.tableCap,
    version: row.version,
    updatedAt: row.updatedAt,
  };
}

/** Reads the global collection settings. */
export async function readCollectorDefaults(prisma: Pick<PrismaClient, 'collectorDefaults'>): Promise<CollectorDefaultsView> {
  const row = await prisma.collectorDefaults.findUnique({ where: { id: 1 } });
  return row ? toView(row) : { ...BUILT_IN, families: [...BUILT_IN.families] };
}

/** Saves the fields given, keeps the others, and increments the version. Null keeps a field too. */
export async function updateCollectorDefaults(
  prisma: PrismaClient,
  input: SettingsInput,
  updatedBy: string,
  now: Date,
): Promise<CollectorDefaultsView> {
  validateSettings(input);
  const fields = {
    ...(input.intervalSeconds != null ? { intervalSeconds: input.intervalSeconds } : {}),
    ...(input.families != null ? { families: normalizeFamilies(input.families) } : {}),
    ...(input.statementTopN != null ? { statementTopN: input.statementTopN } : {}),
    ...(input.queryText != null ? { queryText: input.queryText } : {}),
    ...(input.tableCap != null ? { tableCap: input.tableCap } : {}),
  };
  const row = await prisma.collectorDefaults.upsert({
    where: { id: 1 },
    create: { id: 1, ...BUILT_IN, ...fields, version: 1, updatedAt: now, updatedBy },
    update: { ...fields, version: { increment: 1 }, updatedAt: now, updatedBy },
  });
  return toView(row);
}

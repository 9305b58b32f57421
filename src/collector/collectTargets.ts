import pg from 'pg';
import type { Logger } from 'pino';
import { readSnapshot } from './readSnapshot.js';
import type { SnapshotWire } from './snapshotWire.js';
import { uuidv7 } from './uuidv7.js';
import { redactUrl } from './convertOption.js';
import type { MetricFamilyName } from './readSnapshot.js';

export interface CollectOptions {
  collectorId: string;
  statementTimeoutMs: number;
  statementsLimit: number;
  statementsQueryText: boolean;
  relationsLimit: number;
  disabledFamilies?: ReadonlySet<MetricFamilyName>;
}

/** The options of one target; a function lets each target have its server's API settings. */
export type TargetOptions = CollectOptions | ((target: string) => CollectOptions);

const CONNECT_TIMEOUT_MS = 10_000;

/** Host and port that name a target to the API, taken from its connection URL. */
export function targetAddress(connectionUrl: string): { host: string; port: number } {
  const url = new URL(connectionUrl);
  const host = decodeURIComponent(url.hostname).replace(/^\[|\]$/g, '');
  return { host: host === '' ? 'localhost' : host, port: url.port === '' ? 5432 : Number(url.port) };
}

/** Connects to one target, reads a snapshot with a new UUIDv7 id, and disconnects. */
export async function collectTarget(connectionUrl: string, options: CollectOptions): Promise<SnapshotWire> {
  const client = new pg.Client({
    connectionString: connectionUrl,
    application_name: 'pganalytics-collector',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  await client.connect();
  try {
    return await readSnapshot(client, {
      collectorId: options.collectorId,
      snapshotId: uuidv7(),
      ...targetAddress(connectionUrl),
      statementTimeoutMs: options.statementTimeoutMs,
      statementsLimit: options.statementsLimit,
      statementsQueryText: options.statementsQueryText,
      relationsLimit: options.relationsLimit,
      disabledFamilies: options.disabledFamilies,
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Reads a snapshot of every target. A target that cannot be read is logged
 * and left out, so that one server being down does not stop the others.
 */
export async function collectTargets(targets: readonly string[], options: TargetOptions, logger: Logger): Promise<SnapshotWire[]> {
  const collected: Array<{ target: string; snapshot: SnapshotWire }> = [];
  for (const target of targets) {
    const started = performance.now();
    try {
      const snapshot = await collectTarget(target, typeof options === 'function' ? options(target) : options);
      logger.debug(
        { event: 'collect', target: redactUrl(target), snapshotId: snapshot.snapshotId, durationMs: Math.round(performance.now() - started) },
        'snapshot collected',
      );
      collected.push({ target, snapshot });
    } catch (error) {
      logger.error({ event: 'collect', outcome: 'failure', target: redactUrl(target), err: error }, 'reading the target failed');
    }
  }
  warnSharedServers(collected, logger);
  return collected.map(({ snapshot }) => snapshot);
}

/** Server identities already warned about, so that `run` warns once rather than every cycle. */
const warnedServers = new Set<string>();

/**
 * Warns when two targets reach the same PostgreSQL server, which the API
 * identifies by its system identifier. Their snapshots are stored as one
 * server, so the table and index lists, which cover the target's database
 * only, alternate between snapshots and rules on them resolve and fire again.
 */
function warnSharedServers(collected: ReadonlyArray<{ target: string; snapshot: SnapshotWire }>, logger: Logger): void {
  const byServer = new Map<string, string[]>();
  for (const { target, snapshot } of collected) {
    const identifier = snapshot.server.systemIdentifier;
    if (identifier === null) {
      continue;
    }
    byServer.set(identifier, [...(byServer.get(identifier) ?? []), redactUrl(target)]);
  }

  for (const [systemIdentifier, targets] of byServer) {
    if (targets.length < 2 || warnedServers.has(systemIdentifier)) {
      continue;
    }
    warnedServers.add(systemIdentifier);
    logger.warn(
      { event: 'collect', systemIdentifier, targets },
      'several targets reach one PostgreSQL server; keep one target per server, because their table lists would alternate',
    );
  }
}

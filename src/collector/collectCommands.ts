import type { Logger } from 'pino';
import type { CollectorConfig } from '../config.js';
import { ConfigError } from '../config/ConfigError.js';
import { abortableSleep } from './abortableSleep.js';
import { readCollectorState } from './collectorState.js';
import { openRuntime, type CollectorRuntime } from './collectorRuntime.js';
import { collectTargets, type CollectOptions } from './collectTargets.js';
import { deliverSpool, type DeliveryReport } from './deliverSpool.js';
import { RemoteSettings } from './remoteSettings.js';
import type { SnapshotWire } from './snapshotWire.js';

/** Collector id of dry runs before `register`; the API would reject it. */
const UNREGISTERED_COLLECTOR_ID = '00000000-0000-0000-0000-000000000000';

function collectOptions(config: CollectorConfig, collectorId: string): CollectOptions {
  return {
    collectorId,
    statementTimeoutMs: config.statementTimeoutMs,
    statementsLimit: config.statementsLimit,
    statementsQueryText: config.statementsQueryText,
    relationsLimit: config.relationsLimit,
  };
}

function requireTargets(config: CollectorConfig): void {
  if (config.targets.length === 0) {
    throw new ConfigError('No PostgreSQL target: pass --target postgresql://... or set COLLECTOR_TARGETS');
  }
}

/** Reads one snapshot of each target without pushing, for `once --dry-run`. */
export async function dryRunCommand(config: CollectorConfig, logger: Logger): Promise<SnapshotWire[]> {
  requireTargets(config);
  const state = await readCollectorState(config.stateDir).catch(() => undefined);
  return collectTargets(config.targets, collectOptions(config, state?.collectorId ?? UNREGISTERED_COLLECTOR_ID), logger);
}

/**
 * Runs one cycle: renews the token when due, spools a snapshot of each target
 * with its server's API settings, pushes the whole spool oldest first, then
 * fetches the settings again when a push announced a newer version.
 */
export async function runCycle(
  config: CollectorConfig,
  runtime: CollectorRuntime,
  settings: RemoteSettings,
  logger: Logger,
  signal?: AbortSignal,
): Promise<DeliveryReport & { collected: number }> {
  await runtime.tokens.renewIfDue();
  const local = collectOptions(config, runtime.tokens.collectorId);
  const snapshots = await collectTargets(config.targets, (target) => ({ ...local, ...settings.forTarget(target, local) }), logger);
  for (const snapshot of snapshots) {
    await runtime.spool.add(snapshot);
  }

  const report = await deliverSpool(runtime.spool, runtime.client, runtime.tokens, logger, {
    maxAttempts: config.maxAttempts,
    baseDelayMs: config.retryBaseDelayMs,
    maxDelayMs: config.retryMaxDelayMs,
    signal,
    onAcknowledged: (snapshot, outcome) =>
      settings.noteAcknowledged(snapshot.server.host, snapshot.server.port, outcome.serverId, outcome.configVersion),
  });
  // After a stop request a settings fetch would only delay the exit by up to one request timeout.
  if (settings.refreshDue && !signal?.aborted) {
    await settings.refresh();
  }
  return { ...report, collected: snapshots.length };
}

/**
 * `once`: fetches the API settings, then runs one cycle. A target whose
 * server the API does not know yet, and every target when the fetch fails,
 * uses the local options. The caller exits non-zero when a target failed or
 * snapshots remain in the spool.
 */
export async function onceCommand(config: CollectorConfig, logger: Logger): Promise<DeliveryReport & { collected: number }> {
  requireTargets(config);
  const runtime = await openRuntime(config, logger);
  const settings = new RemoteSettings(runtime.client, runtime.tokens, logger);
  await runtime.tokens.renewIfDue();
  await settings.refresh();
  return runCycle(config, runtime, settings, logger);
}

/**
 * `run`: fetches the API settings, then runs a cycle every interval until the
 * signal aborts. The interval is the shortest one among the targets' servers,
 * read again after each cycle. A push already sent when the signal arrives
 * completes or times out. No wait, retry or settings fetch starts after the
 * signal, and a wait in progress ends at once.
 */
export async function runCommand(config: CollectorConfig, logger: Logger, signal: AbortSignal): Promise<void> {
  requireTargets(config);
  const runtime = await openRuntime(config, logger);
  const settings = new RemoteSettings(runtime.client, runtime.tokens, logger);
  await runtime.tokens.renewIfDue();
  await settings.refresh();
  logger.info(
    { event: 'start', targets: config.targets.length, intervalSeconds: settings.intervalSeconds(config.targets, config.interval), collectorId: runtime.tokens.collectorId },
    'collector started',
  );

  while (!signal.aborted) {
    const started = Date.now();
    const report = await runCycle(config, runtime, settings, logger, signal);
    const intervalSeconds = settings.intervalSeconds(config.targets, config.interval);
    logger.info({ event: 'cycle', ...report, intervalSeconds, durationMs: Date.now() - started }, 'collection cycle finished');
    await abortableSleep(started + intervalSeconds * 1000 - Date.now(), signal);
  }
  logger.info({ event: 'stop', collectorId: runtime.tokens.collectorId }, 'collector stopped');
}

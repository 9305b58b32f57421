import type { Logger } from 'pino';
import type { ApiClient } from './apiClient.js';
import { ApiUnreachableError } from './apiClient.js';
import { abortableSleep } from './abortableSleep.js';
import { classifyPushResponse, type PushMetricsData, type PushOutcome } from './classifyPushResponse.js';
import { backoffDelayMs, type BackoffOptions } from './retryDelay.js';
import type { SnapshotSpool, SpoolEntry } from './snapshotSpool.js';
import type { SnapshotWire } from './snapshotWire.js';
import { CollectorAuthError, type TokenKeeper } from './tokenKeeper.js';

export const PUSH_METRICS_MUTATION = `
mutation PushMetrics($input: PushMetricsInput!) {
  pushMetrics(input: $input) { snapshotId serverId stored openAlerts configVersion }
}`;

export interface DeliveryOptions extends BackoffOptions {
  maxAttempts: number;
  /** Stop request. Once it aborts, no wait, retry or next push starts, but a request already sent still completes. */
  signal?: AbortSignal;
  /** Called with each snapshot that the API acknowledged and the push result. */
  onAcknowledged?: (snapshot: SnapshotWire, outcome: Extract<PushOutcome, { kind: 'acknowledged' }>) => void;
}

export interface DeliveryReport {
  acknowledged: number;
  rejected: number;
  /** Snapshots still in the spool after this pass. */
  remaining: number;
}

/**
 * Pushes the spooled snapshots oldest first. Each push is retried with
 * backoff; a 429 waits for Retry-After; a 401 renews the token once. When a
 * snapshot still fails after maxAttempts, the pass stops so that the order
 * is kept, and the rest waits for the next pass.
 */
export async function deliverSpool(
  spool: SnapshotSpool,
  client: ApiClient,
  tokens: TokenKeeper,
  logger: Logger,
  options: DeliveryOptions,
): Promise<DeliveryReport> {
  const entries = await spool.list();
  const report: DeliveryReport = { acknowledged: 0, rejected: 0, remaining: entries.length };

  for (const entry of entries) {
    if (options.signal?.aborted) {
      break;
    }
    const outcome = await pushWithRetries(spool, entry, client, tokens, logger, options);
    if (outcome.kind === 'retry') {
      logger.warn({ event: 'push_deferred', snapshotId: entry.snapshotId, waiting: report.remaining, reason: outcome.reason }, 'API unavailable; snapshots stay in the spool');
      break;
    }
    if (outcome.kind === 'rejected') {
      const path = await spool.reject(entry);
      logger.error({ event: 'push_rejected', snapshotId: entry.snapshotId, reason: outcome.reason, path }, 'API rejected the snapshot; moved it to the rejected folder');
      report.rejected += 1;
    } else {
      await spool.remove(entry);
      report.acknowledged += 1;
    }
    report.remaining -= 1;
  }
  return report;
}

async function pushWithRetries(
  spool: SnapshotSpool,
  entry: SpoolEntry,
  client: ApiClient,
  tokens: TokenKeeper,
  logger: Logger,
  options: DeliveryOptions,
): Promise<PushOutcome> {
  const snapshot = await spool.read(entry);
  let renewedAfter401 = false;
  let outcome: PushOutcome = { kind: 'retry', reason: 'not attempted' };

  for (let attempt = 1; attempt <= options.maxAttempts && !options.signal?.aborted; attempt += 1) {
    outcome = await pushOnce(snapshot, client, tokens, logger, attempt);
    if (outcome.kind === 'unauthorized' && !renewedAfter401) {
      renewedAfter401 = true;
      await tokens.recoverFrom401();
      attempt -= 1;
      continue;
    }
    // After a stop request the snapshot waits in the spool instead of being retried.
    if (outcome.kind !== 'retry' || attempt === options.maxAttempts || options.signal?.aborted) {
      break;
    }

    const delayMs = outcome.retryAfterMs ?? backoffDelayMs(attempt, options);
    logger.warn({ event: 'push_retry', snapshotId: snapshot.snapshotId, attempt, delayMs, reason: outcome.reason }, 'push failed; retrying');
    await abortableSleep(delayMs, options.signal);
  }
  if (outcome.kind === 'acknowledged') {
    options.onAcknowledged?.(snapshot, outcome);
  }
  if (outcome.kind === 'unauthorized') {
    throw new CollectorAuthError(
      `The API rejected the renewed collector token too (${outcome.reason}). Run \`pganalytics-collector register\` again.`,
    );
  }
  return outcome;
}

async function pushOnce(snapshot: SnapshotWire, client: ApiClient, tokens: TokenKeeper, logger: Logger, attempt: number): Promise<PushOutcome> {
  const started = performance.now();
  try {
    const response = await client.execute<PushMetricsData>(PUSH_METRICS_MUTATION, { input: snapshot }, { authorization: `Bearer ${tokens.token}` });
    const outcome = classifyPushResponse(response);
    const fields = {
      event: 'push',
      snapshotId: snapshot.snapshotId,
      attempt,
      status: response.status,
      outcome: outcome.kind,
      rows: countRows(snapshot),
      bytes: response.bytesSent,
      uncompressedBytes: response.bytesUncompressed,
      durationMs: Math.round(performance.now() - started),
    };
    if (outcome.kind === 'acknowledged') {
      logger.info({ ...fields, serverId: outcome.serverId, stored: outcome.stored }, outcome.stored ? 'snapshot stored' : 'snapshot already stored');
    } else {
      logger.debug({ ...fields, reason: outcome.reason }, 'push not acknowledged');
    }
    return outcome;
  } catch (error) {
    if (error instanceof ApiUnreachableError) {
      return { kind: 'retry', reason: error.message };
    }
    throw error;
  }
}

/** Row counts per family, for the push log line. */
export function countRows(snapshot: SnapshotWire): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [family, value] of Object.entries(snapshot)) {
    if (Array.isArray(value)) {
      counts[family] = value.length;
    }
  }
  return counts;
}

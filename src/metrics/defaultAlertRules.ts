import type { AlertSeverity } from '../generated/prisma/enums.js';
import type { Snapshot } from './validateSnapshot.js';

/** Figures a snapshot adds to what it carries, computed from the previous one. */
export interface DerivedFigures {
  /** Blocks hit over hit plus read since the previous snapshot; null without reads. */
  cacheHitRatio: number | null;
}

/** One rule's verdict on one subject of a server. */
export interface AlertCheck {
  rule: string;
  /** A database or standby name, or '' for the server itself. */
  subject: string;
  /** null when the value is within bounds. */
  severity: AlertSeverity | null;
  value: number;
  /** The threshold crossed, or the warning threshold when none was. */
  threshold: number;
  message: string;
}

const MB = 1024 * 1024;
const XID_SPACE = 2 ** 31;

/** Thresholds of the default rules. `above` rules fire when the value exceeds them. */
export const DEFAULT_THRESHOLDS = {
  connectionsUtilization: { warning: 0.8, critical: 0.95 },
  cacheHitRatioBelow: { warning: 0.9 },
  replicationReplayLagBytes: { warning: 100 * MB, critical: 1024 * MB },
  longTransactionSeconds: { warning: 30 * 60, critical: 60 * 60 },
  transactionIdAge: { warning: 0.5 * XID_SPACE, critical: 0.8 * XID_SPACE },
} as const;

function above(
  rule: string,
  subject: string,
  value: number,
  limits: { warning: number; critical: number },
  describe: (value: number) => string,
): AlertCheck {
  let severity: AlertSeverity | null = null;
  if (value > limits.critical) {
    severity = 'CRITICAL';
  } else if (value > limits.warning) {
    severity = 'WARNING';
  }
  const threshold = severity === 'CRITICAL' ? limits.critical : limits.warning;
  return { rule, subject, severity, value, threshold, message: describe(value) };
}

/**
 * Evaluates the default threshold rules on one snapshot. Returns a check for
 * every rule and subject that could be evaluated, including those within
 * bounds, so that the caller can resolve alerts that have recovered.
 */
export function evaluateDefaultRules(snapshot: Snapshot, derived: DerivedFigures): AlertCheck[] {
  const checks: AlertCheck[] = [];
  const { activity, server } = snapshot;
  const t = DEFAULT_THRESHOLDS;

  const utilization = activity.totalConnections / server.maxConnections;
  checks.push(
    above('connections_utilization', '', utilization, t.connectionsUtilization, (v) =>
      `${activity.totalConnections} of ${server.maxConnections} connections in use (${(v * 100).toFixed(1)}%)`),
  );

  if (derived.cacheHitRatio !== null) {
    const ratio = derived.cacheHitRatio;
    const severity = ratio < t.cacheHitRatioBelow.warning ? 'WARNING' : null;
    checks.push({
      rule: 'cache_hit_ratio', subject: '', severity, value: ratio, threshold: t.cacheHitRatioBelow.warning,
      message: `cache hit ratio is ${(ratio * 100).toFixed(1)}%`,
    });
  }

  for (const standby of snapshot.replication) {
    const lag = Number(standby.replayLagBytes);
    checks.push(above('replication_replay_lag', standby.standby, lag, t.replicationReplayLagBytes, (v) =>
      `standby ${standby.standby} replays ${(v / MB).toFixed(1)} MB behind`));
  }

  checks.push(above('long_transaction', '', activity.longestTransactionSeconds, t.longTransactionSeconds, (v) =>
    `a transaction has been open for ${Math.round(v / 60)} minutes`));

  for (const database of snapshot.databases) {
    const age = Number(database.frozenXidAge);
    checks.push(above('transaction_id_age', database.datname, age, t.transactionIdAge, (v) =>
      `database ${database.datname} has age(datfrozenxid) ${v}, ${((v / XID_SPACE) * 100).toFixed(1)}% of 2^31`));
  }
  return checks;
}

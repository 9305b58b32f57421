import type { AlertComparison } from '../generated/prisma/enums.js';

const MB = 1024 * 1024;

const RATIOS = new Set(['CONNECTION_UTILIZATION', 'ROLLBACK_RATIO', 'CACHE_HIT_RATIO', 'DEAD_TUPLE_RATIO', 'REQUESTED_CHECKPOINT_RATIO']);
const SECONDS = new Set([
  'LONGEST_TRANSACTION_SECONDS',
  'IDLE_IN_TRANSACTION_SECONDS',
  'INACTIVE_REPLICATION_SLOT_SECONDS',
  'LONGEST_LOCK_WAIT_SECONDS',
]);
const BYTES = new Set(['REPLICATION_REPLAY_LAG_BYTES', 'DATABASE_SIZE_BYTES']);

/** Formats a metric value in the unit a reader expects: percent, minutes, MB or a plain number. */
export function formatMetricValue(metric: string, value: number): string {
  if (RATIOS.has(metric)) {
    return `${(value * 100).toFixed(1)}%`;
  }
  if (SECONDS.has(metric)) {
    return value >= 120 ? `${(value / 60).toFixed(1)} min` : `${value.toFixed(1)} s`;
  }
  if (BYTES.has(metric)) {
    return `${(value / MB).toFixed(1)} MB`;
  }
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** Builds an alert message such as "long_transaction: 45.0 min, above the warning threshold 30.0 min". */
export function describeAlert(
  rule: { key: string; metric: string; comparison: AlertComparison },
  subject: string,
  value: number,
  crossing: { severity: string; threshold: number },
): string {
  const where = subject === '' ? '' : ` on ${subject}`;
  const direction = rule.comparison === 'ABOVE' ? 'above' : 'below';
  const severity = crossing.severity.toLowerCase();
  const valueText = formatMetricValue(rule.metric, value);
  const thresholdText = formatMetricValue(rule.metric, crossing.threshold);
  return `${rule.key}${where}: ${valueText}, ${direction} the ${severity} threshold ${thresholdText}`.slice(0, 1000);
}

import type { ApiResponse } from './apiClient.js';
import { parseRetryAfterMs } from './retryDelay.js';

export interface PushMetricsData {
  pushMetrics: { snapshotId: string; serverId: string; stored: boolean; openAlerts: number; configVersion?: number };
}

/** Next step of the collector after one push attempt. */
export type PushOutcome =
  | { kind: 'acknowledged'; serverId: string; stored: boolean; configVersion?: number }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'unauthorized'; reason: string }
  | { kind: 'rejected'; reason: string };

/**
 * Sorts a pushMetrics response: acknowledged (stored now or before), worth
 * a retry (429, 5xx), a token problem (401), or rejected for good (other
 * 4xx, such as an invalid snapshot). Retrying a rejected snapshot would fail
 * the same way.
 */
export function classifyPushResponse(response: ApiResponse<PushMetricsData>, now: number = Date.now()): PushOutcome {
  const result = response.data?.pushMetrics;
  if (response.status === 200 && result) {
    return { kind: 'acknowledged', serverId: result.serverId, stored: result.stored, configVersion: result.configVersion };
  }

  const first = response.errors[0];
  const reason = `HTTP ${response.status}${first?.extensions?.code ? ` ${first.extensions.code}` : ''}: ${first?.message ?? 'no error message'}`;
  if (response.status === 429) {
    const header = response.headers['retry-after'];
    return { kind: 'retry', reason, retryAfterMs: parseRetryAfterMs(Array.isArray(header) ? header[0] : header, now) };
  }
  if (response.status >= 500 || response.status === 408) {
    return { kind: 'retry', reason };
  }
  if (response.status === 401 || first?.extensions?.code === 'UNAUTHENTICATED') {
    return { kind: 'unauthorized', reason };
  }
  return { kind: 'rejected', reason };
}

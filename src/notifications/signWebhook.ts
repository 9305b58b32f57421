import { createHmac } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-PgAnalytics-Timestamp';
export const SIGNATURE_HEADER = 'X-PgAnalytics-Signature';

/**
 * Builds the signing headers of one request: the Unix time in seconds, and
 * `sha256=` followed by the hex HMAC-SHA256, keyed with the channel secret,
 * of `<timestamp>.<body>`. Receivers recompute it over the raw body and
 * reject old timestamps, which stops replays of a captured request.
 */
export function signWebhook(secret: string, body: string, timestampSeconds: number): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return { [TIMESTAMP_HEADER]: String(timestampSeconds), [SIGNATURE_HEADER]: `sha256=${signature}` };
}

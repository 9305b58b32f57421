/** Bounds of the exponential backoff between attempts, in milliseconds. */
export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Longest Retry-After the collector obeys, so a wrong header cannot stall it for days. */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/**
 * Returns the wait before retry number `attempt` (1 for the first retry):
 * "full jitter" exponential backoff, a random time between 0 and
 * min(maxDelayMs, baseDelayMs * 2^(attempt - 1)).
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}

/**
 * Parses a Retry-After header, either delay-seconds or an HTTP date, into
 * milliseconds from `now`, capped at MAX_RETRY_AFTER_MS. Returns undefined
 * for a missing or invalid header.
 */
export function parseRetryAfterMs(header: string | undefined, now: number = Date.now()): number | undefined {
  if (header === undefined || header.trim() === '') {
    return undefined;
  }
  const text = header.trim();
  if (/^\d+$/.test(text)) {
    return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  }

  const date = Date.parse(text);
  if (Number.isNaN(date)) {
    return undefined;
  }
  return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}

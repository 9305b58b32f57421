/** Outcome of one counted request. */
export interface LimitDecision {
  allowed: boolean;
  /** Milliseconds until the request would be allowed; 0 when allowed. */
  retryAfterMs: number;
  /** Requests already counted in the window before this one (sliding windows only). */
  countBefore: number;
}

/** One request against a limit: `max` requests per `windowMs`, at `nowMs`. */
export interface LimitRequest {
  key: string;
  max: number;
  windowMs: number;
  nowMs: number;
}

/**
 * Storage of rate limit counters. Each call checks and counts in one atomic
 * step, so concurrent requests can never both take the last slot.
 */
export interface RateLimitBackend {
  /**
   * Token bucket: a burst of up to `max` requests, refilled continuously at
   * `max` per `windowMs`.
   */
  takeToken(request: LimitRequest): Promise<LimitDecision>;
  /** Sliding window: at most `max` requests in any `windowMs`. */
  recordHit(request: LimitRequest): Promise<LimitDecision>;
  close(): Promise<void>;
}

import type { LimitDecision, LimitRequest, RateLimitBackend } from './RateLimitBackend.js';

interface Bucket {
  tokens: number;
  updatedMs: number;
  windowMs: number;
}

/** Entries are swept after this many calls, so idle keys do not pile up. */
const SWEEP_EVERY_CALLS = 10_000;
/** Sliding-window entries idle for longer than this are dropped; it exceeds every window in use. */
const IDLE_WINDOW_MS = 24 * 3600_000;

/**
 * Counters in this process's memory. JavaScript runs each method to
 * completion without yielding, which makes every check-and-count atomic
 * within the process. Counters are not shared between instances.
 */
export class MemoryRateLimitBackend implements RateLimitBackend {
  private readonly buckets = new Map<string, Bucket>();
  private readonly windows = new Map<string, number[]>();
  private calls = 0;

  async takeToken({ key, max, windowMs, nowMs }: LimitRequest): Promise<LimitDecision> {
    this.sweepSometimes(nowMs);
    const ratePerMs = max / windowMs;
    const bucket = this.buckets.get(key) ?? { tokens: max, updatedMs: nowMs, windowMs };
    const elapsed = Math.max(0, nowMs - bucket.updatedMs);
    bucket.tokens = Math.min(max, bucket.tokens + elapsed * ratePerMs);
    bucket.updatedMs = Math.max(bucket.updatedMs, nowMs);
    this.buckets.set(key, bucket);

    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterMs: 0, countBefore: 0 };
    }
    return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / ratePerMs), countBefore: 0 };
  }

  async recordHit({ key, max, windowMs, nowMs }: LimitRequest): Promise<LimitDecision> {
    this.sweepSometimes(nowMs);
    const hits = (this.windows.get(key) ?? []).filter((hit) => hit > nowMs - windowMs);
    this.windows.set(key, hits);

    if (hits.length < max) {
      hits.push(nowMs);
      return { allowed: true, retryAfterMs: 0, countBefore: hits.length - 1 };
    }
    const oldest = hits[0] ?? nowMs;
    return { allowed: false, retryAfterMs: Math.max(1, oldest + windowMs - nowMs), countBefore: hits.length };
  }

  async close(): Promise<void> {
    this.buckets.clear();
    this.windows.clear();
  }

  private sweepSometimes(nowMs: number): void {
    this.calls += 1;
    if (this.calls % SWEEP_EVERY_CALLS !== 0) {
      return;
    }
    for (const [key, bucket] of this.buckets) {
      if (nowMs - bucket.updatedMs > bucket.windowMs) {
        this.buckets.delete(key);
      }
    }
    for (const [key, hits] of this.windows) {
      const last = hits[hits.length - 1];
      if (last === undefined || nowMs - last > IDLE_WINDOW_MS) {
        this.windows.delete(key);
      }
    }
  }
}

import { createHash } from 'node:crypto';
import type { Identity, Store } from 'graphql-rate-limit';
import { isUnavailable, type RateLimiter, type StoreDownPolicy } from './RateLimiter.js';

/** One @rateLimit declaration, with its window in milliseconds. */
export interface OperationLimit {
  /** Unique name, such as "Mutation.login#1", that keys its counters. */
  name: string;
  max: number;
  windowMs: number;
  policy: StoreDownPolicy;
}

/** Reason the last call of an identity was rejected, kept until formatError reads it. */
export type Rejection = { unavailable: true } | { unavailable: false; retryAfterMs: number };

/**
 * A graphql-rate-limit Store that delegates the decision to RateLimiter.
 * The library reads the recent call times, decides, then writes them back,
 * which lets two concurrent requests both pass. Here the read is the atomic
 * check-and-count, and its result is shaped so that the library reaches the
 * same decision: fewer than `max` times when allowed, `max` times when not.
 * The write is then a no-op.
 */
export class LimiterStore implements Store {
  private readonly rejections = new Map<string, Rejection>();

  constructor(
    private readonly limiter: RateLimiter,
    readonly limit: OperationLimit,
  ) {}

  async getForIdentity(identity: Identity): Promise<readonly number[]> {
    // Argument values (a username, say) are hashed so that keys stay short
    // and hold no user input.
    const fieldHash = createHash('sha256').update(identity.fieldIdentity).digest('base64url');
    const key = `${this.limit.name}|${identity.contextIdentity}|${fieldHash}`;
    const result = await this.limiter.check('slidingWindow', { key, max: this.limit.max, windowMs: this.limit.windowMs }, this.limit.policy);
    const now = Date.now();

    if (isUnavailable(result)) {
      this.rejections.set(rejectionKey(identity), { unavailable: true });
      return new Array<number>(this.limit.max).fill(now);
    }
    if (!result.allowed) {
      this.rejections.set(rejectionKey(identity), { unavailable: false, retryAfterMs: result.retryAfterMs });
      return new Array<number>(this.limit.max).fill(now);
    }
    return new Array<number>(result.countBefore).fill(now);
  }

  setForIdentity(): void {
    // Counted already by getForIdentity.
  }

  /** Returns the reason this identity was last rejected and removes it. */
  takeRejection(identity: Identity): Rejection | undefined {
    const key = rejectionKey(identity);
    const rejection = this.rejections.get(key);
    this.rejections.delete(key);
    return rejection;
  }
}

function rejectionKey(identity: Identity): string {
  return `${identity.contextIdentity}\u0000${identity.fieldIdentity}`;
}

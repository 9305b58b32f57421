import type { FastifyBaseLogger } from 'fastify';
import type { LimitDecision, LimitRequest, RateLimitBackend } from './RateLimitBackend.js';
import { MemoryRateLimitBackend } from './MemoryRateLimitBackend.js';

/**
 * Behaviour of a limit while its shared store (Redis) is unreachable.
 * `local` keeps counting in this instance's memory, so each instance allows
 * the full budget. `fail-closed` rejects the request with SERVICE_UNAVAILABLE.
 */
export type StoreDownPolicy = 'local' | 'fail-closed';

export type LimitKind = 'tokenBucket' | 'slidingWindow';

/** The decision, or `unavailable` when the store is down and the policy is fail-closed. */
export type LimiterResult = LimitDecision | { unavailable: true };

/** Repeated store failures are logged at most once per this interval, with a count. */
const FAILURE_LOG_INTERVAL_MS = 30_000;

/**
 * Counts requests against limits in the primary backend (Redis when
 * configured, otherwise memory) and applies each limit's policy when the
 * primary fails. Recovery needs no action: every call tries the primary
 * first, and ioredis reconnects in the background.
 */
export class RateLimiter {
  private readonly local: RateLimitBackend;
  private failuresSinceLog = 0;
  private lastFailureLogMs = 0;
  private primaryDown = false;

  constructor(
    private readonly primary: RateLimitBackend,
    private readonly logger: FastifyBaseLogger,
    readonly now: () => number,
  ) {
    this.local = primary instanceof MemoryRateLimitBackend ? primary : new MemoryRateLimitBackend();
  }

  async check(kind: LimitKind, request: Omit<LimitRequest, 'nowMs'>, policy: StoreDownPolicy): Promise<LimiterResult> {
    const full = { ...request, nowMs: this.now() };
    try {
      const decision = await this.run(this.primary, kind, full);
      this.noteRecovery();
      return decision;
    } catch (error) {
      this.noteFailure(error, policy);
      if (policy === 'fail-closed') {
        return { unavailable: true };
      }
      return this.run(this.local, kind, full);
    }
  }

  async close(): Promise<void> {
    await this.primary.close();
    if (this.local !== this.primary) {
      await this.local.close();
    }
  }

  private run(backend: RateLimitBackend, kind: LimitKind, request: LimitRequest): Promise<LimitDecision> {
    return kind === 'tokenBucket' ? backend.takeToken(request) : backend.recordHit(request);
  }

  private noteFailure(error: unknown, policy: StoreDownPolicy): void {
    this.primaryDown = true;
    this.failuresSinceLog += 1;
    const nowMs = Date.now();
    if (nowMs - this.lastFailureLogMs < FAILURE_LOG_INTERVAL_MS) {
      return;
    }
    this.logger.error(
      { err: error, failures: this.failuresSinceLog, policy },
      'rate limit store unavailable; fail-closed limits reject requests and the others count per instance',
    );
    this.failuresSinceLog = 0;
    this.lastFailureLogMs = nowMs;
  }

  private noteRecovery(): void {
    if (!this.primaryDown) {
      return;
    }
    this.primaryDown = false;
    this.logger.warn({ failuresSinceLastLog: this.failuresSinceLog }, 'rate limit store available again');
    this.failuresSinceLog = 0;
  }
}

export function isUnavailable(result: LimiterResult): result is { unavailable: true } {
  return 'unavailable' in result;
}

import type { Principal } from '../auth/principal.js';
import { RateLimitedError } from '../errors.js';
import { isUnavailable, type RateLimiter } from './RateLimiter.js';

/** Requests per minute for each kind of caller. */
export interface RequestBudgets {
  userPerMinute: number;
  collectorPerMinute: number;
  anonymousPerMinute: number;
}

const MINUTE_MS = 60_000;

function budgetFor(principal: Principal, clientAddress: string, budgets: RequestBudgets): { key: string; max: number } {
  switch (principal.kind) {
    case 'user':
      return { key: `user:${principal.userId}`, max: budgets.userPerMinute };
    case 'collector':
      return { key: `collector:${principal.collectorId}`, max: budgets.collectorPerMinute };
    default:
      // Anonymous callers and callers with an invalid token share the
      // budget of their address, so a made-up token buys no fresh budget.
      return { key: `address:${clientAddress}`, max: budgets.anonymousPerMinute };
  }
}

/**
 * Counts one request against the caller's token bucket and throws
 * RateLimitedError when it is empty. These budgets keep counting per
 * instance while Redis is down, because refusing every request would turn a
 * Redis outage into an API outage.
 */
export async function enforceRequestBudget(
  limiter: RateLimiter,
  principal: Principal,
  clientAddress: string,
  budgets: RequestBudgets,
): Promise<void> {
  const { key, max } = budgetFor(principal, clientAddress, budgets);
  const result = await limiter.check('tokenBucket', { key, max, windowMs: MINUTE_MS }, 'local');
  if (isUnavailable(result) || result.allowed) {
    return;
  }
  throw new RateLimitedError(Math.max(1, Math.ceil(result.retryAfterMs / 1000)));
}

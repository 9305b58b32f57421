import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { LimitDecision, LimitRequest, RateLimitBackend } from './RateLimitBackend.js';

// Each script reads, decides and writes in one call, and Redis runs a
// script without interleaving other commands, so the count is atomic across
// every API instance that shares the server. Times come from the API's clock
// (ARGV), so all limits follow one clock whichever backend is used.

/** KEYS[1] bucket hash; ARGV max, windowMs, nowMs. Returns {allowed, retryAfterMs}. */
const TAKE_TOKEN_LUA = `
local max = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local rate = max / window
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1]) or max
local updated = tonumber(state[2]) or now
if now > updated then
  tokens = math.min(max, tokens + (now - updated) * rate)
  updated = now
end
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(updated))
redis.call('PEXPIRE', KEYS[1], window)
return {allowed, retry}
`;

/** KEYS[1] sorted set of hit times; ARGV max, windowMs, nowMs, member. Returns {allowed, retryAfterMs, countBefore}. */
const RECORD_HIT_LUA = `
local max = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < max then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0, count}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local retry = math.max(1, math.ceil(tonumber(oldest[2]) + window - now))
return {0, retry, count}
`;

/** Options that make a call fail fast while Redis is down instead of queueing. */
const FAIL_FAST = { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 1000, lazyConnect: true };

/** Counters in Redis, shared by every API instance that uses the same server and key prefix. */
export class RedisRateLimitBackend implements RateLimitBackend {
  private constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  /** Connects; a server that is down now is retried in the background by ioredis. */
  static async connect(url: string, keyPrefix: string, onError: (error: Error) => void): Promise<RedisRateLimitBackend> {
    const redis = new Redis(url, FAIL_FAST);
    redis.on('error', onError);
    await redis.connect().catch(onError);
    return new RedisRateLimitBackend(redis, keyPrefix);
  }

  async takeToken({ key, max, windowMs, nowMs }: LimitRequest): Promise<LimitDecision> {
    const reply = (await this.redis.eval(TAKE_TOKEN_LUA, 1, this.keyPrefix + 'bucket:' + key, max, windowMs, nowMs)) as number[];
    return { allowed: reply[0] === 1, retryAfterMs: Number(reply[1] ?? 0), countBefore: 0 };
  }

  async recordHit({ key, max, windowMs, nowMs }: LimitRequest): Promise<LimitDecision> {
    const member = `${nowMs}:${randomUUID()}`;
    const reply = (await this.redis.eval(RECORD_HIT_LUA, 1, this.keyPrefix + 'window:' + key, max, windowMs, nowMs, member)) as number[];
    return { allowed: reply[0] === 1, retryAfterMs: Number(reply[1] ?? 0), countBefore: Number(reply[2] ?? 0) };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

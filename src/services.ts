import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { PrismaClient } from './generated/prisma/client.js';
import { TokenSigner } from './auth/tokenSigner.js';
import { RateLimiter } from './rateLimit/RateLimiter.js';
import { MemoryRateLimitBackend } from './rateLimit/MemoryRateLimitBackend.js';
import { RedisRateLimitBackend } from './rateLimit/RedisRateLimitBackend.js';
import { CredentialCache } from './auth/CredentialCache.js';
import { SecurityMetrics } from './observability/SecurityMetrics.js';
import type { CredentialState } from './auth/readCredentialState.js';

/** Long-lived objects shared by all requests. */
export interface Services {
  config: Config;
  prisma: PrismaClient;
  tokens: TokenSigner;
  rateLimiter: RateLimiter;
  /** Token versions and revocations of users, sessions and collectors, cached briefly. */
  credentials: CredentialCache<CredentialState | null>;
  metrics: SecurityMetrics;
  /** Current time; tests replace it to move time without sleeping. */
  now: () => Date;
  /** Releases what the services opened (the Redis connection); the database belongs to the caller. */
  close(): Promise<void>;
}

/**
 * Creates the services. With REDIS_URL it connects to Redis, and ioredis
 * retries in the background while Redis is down.
 */
export async function createServices(
  config: Config,
  prisma: PrismaClient,
  logger: FastifyBaseLogger,
  now: () => Date = () => new Date(),
): Promise<Services> {
  const tokens = new TokenSigner(
    { current: config.jwtSecret, previous: config.jwtPreviousSecrets },
    {
      access: config.jwtExpiresIn,
      refresh: config.refreshTokenExpiresIn,
      collector: config.collectorTokenExpiresIn,
    },
  );
  const credentials = new CredentialCache<CredentialState | null>(config.tokenCheckCacheTtl, now);

  const backend = config.redisUrl
    ? await RedisRateLimitBackend.connect(config.redisUrl, config.redisKeyPrefix, (error) =>
        logger.debug({ err: error }, 'redis connection error'),
      )
    : new MemoryRateLimitBackend();
  const rateLimiter = new RateLimiter(backend, logger, () => now().getTime());

  return { config, prisma, tokens, credentials, metrics: new SecurityMetrics(), rateLimiter, now, close: () => rateLimiter.close() };
}

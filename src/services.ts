import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { PrismaClient } from './generated/prisma/client.js';
import { TokenSigner } from './auth/tokenSigner.js';
import { RateLimiter } from './rateLimit/RateLimiter.js';
import { MemoryRateLimitBackend } from './rateLimit/MemoryRateLimitBackend.js';
import { RedisRateLimitBackend } from './rateLimit/RedisRateLimitBackend.js';

/** Long-lived objects shared by all requests. */
export interface Services {
  config: Config;
  prisma: PrismaClient;
  tokens: TokenSigner;
  rateLimiter: RateLimiter;
  /** Current time; tests replace it to move time without sleeping. */
  now: () => Date;
  /** Releases what the services opened (the Redis connection); the database belongs to the caller. */
  close(): Promise<void>;
}

/** Creates the services; with REDIS_URL it connects to Redis, retrying in the background if it is down. */
export async function createServices(
  config: Config,
  prisma: PrismaClient,
  logger: FastifyBaseLogger,
  now: () => Date = () => new Date(),
): Promise<Services> {
  const tokens = new TokenSigner(config.jwtSecret, {
    access: config.jwtExpiresIn,
    refresh: config.refreshTokenExpiresIn,
    collector: config.collectorTokenExpiresIn,
  });

  const backend = config.redisUrl
    ? await RedisRateLimitBackend.connect(config.redisUrl, config.redisKeyPrefix, (error) =>
        logger.debug({ err: error }, 'redis connection error'),
      )
    : new MemoryRateLimitBackend();
  const rateLimiter = new RateLimiter(backend, logger, () => now().getTime());

  return { config, prisma, tokens, rateLimiter, now, close: () => rateLimiter.close() };
}

import type { Config } from './config.js';
import type { PrismaClient } from './generated/prisma/client.js';
import { TokenSigner } from './auth/tokenSigner.js';

/** Long-lived objects shared by all requests. */
export interface Services {
  config: Config;
  prisma: PrismaClient;
  tokens: TokenSigner;
  /** Current time; tests replace it to move time without sleeping. */
  now: () => Date;
}

export function createServices(config: Config, prisma: PrismaClient, now: () => Date = () => new Date()): Services {
  const tokens = new TokenSigner(config.jwtSecret, {
    access: config.jwtExpiresIn,
    refresh: config.refreshTokenExpiresIn,
    collector: config.collectorTokenExpiresIn,
  });
  return { config, prisma, tokens, now };
}

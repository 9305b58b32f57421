import type { Config } from './config.js';
import type { PrismaClient } from './generated/prisma/client.js';
import { TokenSigner } from './auth/tokenSigner.js';
import { CredentialCache } from './auth/CredentialCache.js';
import { SecurityMetrics } from './observability/SecurityMetrics.js';
import type { CredentialState } from './auth/readCredentialState.js';

/** Long-lived objects shared by all requests. */
export interface Services {
  config: Config;
  prisma: PrismaClient;
  tokens: TokenSigner;
  /** Token versions and revocations of users, sessions and collectors, cached briefly. */
  credentials: CredentialCache<CredentialState | null>;
  metrics: SecurityMetrics;
  /** Current time; tests replace it to move time without sleeping. */
  now: () => Date;
}

export function createServices(config: Config, prisma: PrismaClient, now: () => Date = () => new Date()): Services {
  const tokens = new TokenSigner(
    { current: config.jwtSecret, previous: config.jwtPreviousSecrets },
    {
      access: config.jwtExpiresIn,
      refresh: config.refreshTokenExpiresIn,
      collector: config.collectorTokenExpiresIn,
    },
  );
  const credentials = new CredentialCache<CredentialState | null>(config.tokenCheckCacheTtl, now);
  return { config, prisma, tokens, credentials, metrics: new SecurityMetrics(), now };
}

import { z } from 'zod';
import { resolve } from 'node:path';
import { parseDuration } from './config/parseDuration.js';
import { parseTrustProxy, type TrustProxy } from './config/parseTrustProxy.js';
import { resolveSecrets, type SecretName } from './config/resolveSecrets.js';
import { ConfigError } from './config/ConfigError.js';

export { ConfigError };

/**
 * The complete, checked configuration. This module is the only place that
 * reads process.env, so request paths never need fallbacks.
 */
export interface Config {
  environment: 'development' | 'test' | 'production';
  port: number;
  host: string;
  /** PostgreSQL connection string; undefined selects embedded PGlite. */
  databaseUrl: string | undefined;
  dataDir: string;
  jwtSecret: string;
  registrationSecret: string;
  /** Lifetimes in seconds. */
  jwtExpiresIn: number;
  refreshTokenExpiresIn: number;
  collectorTokenExpiresIn: number;
  adminUsername: string | undefined;
  adminPassword: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Proxies whose X-Forwarded-For is believed; false trusts none. */
  trustProxy: TrustProxy;
  /** Redis for rate limit counters shared between instances; undefined keeps them in memory. */
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  /**
   * Requests per minute per caller, as token buckets, and the factor every
   * @rateLimit max in schema.graphql is multiplied by.
   */
  rateLimits: { userPerMinute: number; collectorPerMinute: number; anonymousPerMinute: number; operationFactor: number };
  /** Limits on each GraphQL document, checked before execution. */
  graphqlLimits: { maxDepth: number; maxAliases: number; maxDirectives: number; maxTokens: number; maxCost: number };
  /** Request body limits in bytes after decompression: pushMetrics, and every other operation. */
  bodyLimits: { pushMetricsBytes: number; otherBytes: number };
  /** Files that development secrets were read from or written to. */
  generatedSecretFiles: string[];
  /** Whether the server runs the not-reporting check and the notification worker. */
  backgroundJobs: boolean;
  /** Alerting jobs; durations in seconds. */
  alerting: {
    notReportingMissedIntervals: number;
    notReportingCheckSeconds: number;
    notificationPollSeconds: number;
    notificationMaxAttempts: number;
    notificationRetryBaseSeconds: number;
  };
}

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

const durationSchema = (variable: string, fallback: string) =>
  optionalText.transform((value, context) => {
    const seconds = parseDuration(value ?? fallback);
    if (seconds === undefined) {
      context.addIssue({
        code: 'custom',
        message: `${variable} must be a duration such as 900, 15m, 24h or 30d, got "${value}"`,
      });
      return z.NEVER;
    }
    return seconds;
  });

const positiveInteger = (fallback: number) => z.coerce.number().int().min(1).max(2 ** 31 - 1).default(fallback);

const environmentSchema = z.object({
  ENVIRONMENT: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: optionalText.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgresql://').optional(),
  ),
  DATA_DIR: z.string().min(1).default('./data'),
  JWT_SECRET: optionalText,
  REGISTRATION_SECRET: optionalText,
  JWT_EXPIRES_IN: durationSchema('JWT_EXPIRES_IN', '24h'),
  REFRESH_TOKEN_EXPIRES_IN: durationSchema('REFRESH_TOKEN_EXPIRES_IN', '30d'),
  COLLECTOR_TOKEN_EXPIRES_IN: durationSchema('COLLECTOR_TOKEN_EXPIRES_IN', '90d'),
  ADMIN_USERNAME: optionalText,
  ADMIN_PASSWORD: optionalText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  REDIS_URL: optionalText.pipe(z.string().regex(/^rediss?:\/\//, 'REDIS_URL must start with redis:// or rediss://').optional()),
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default('pganalytics:'),
  RATE_LIMIT_USER_PER_MINUTE: positiveInteger(100),
  RATE_LIMIT_COLLECTOR_PER_MINUTE: positiveInteger(1000),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: positiveInteger(60),
  RATE_LIMIT_OPERATION_FACTOR: z.coerce.number().positive().max(1_000_000).default(1),
  GRAPHQL_MAX_DEPTH: positiveInteger(10),
  GRAPHQL_MAX_ALIASES: positiveInteger(15),
  GRAPHQL_MAX_DIRECTIVES: positiveInteger(10),
  GRAPHQL_MAX_TOKENS: positiveInteger(2000),
  GRAPHQL_MAX_COST: positiveInteger(5000),
  BODY_LIMIT_PUSH_METRICS_BYTES: positiveInteger(4 * 1024 * 1024),
  BODY_LIMIT_BYTES: positiveInteger(100 * 1024),
  BACKGROUND_JOBS: z.enum(['true', 'false']).default('true'),
  NOT_REPORTING_MISSED_INTERVALS: z.coerce.number().int().min(1).max(1000).default(3),
  NOT_REPORTING_CHECK_INTERVAL: durationSchema('NOT_REPORTING_CHECK_INTERVAL', '30s'),
  NOTIFICATION_POLL_INTERVAL: durationSchema('NOTIFICATION_POLL_INTERVAL', '5s'),
  NOTIFICATION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  NOTIFICATION_RETRY_BASE: durationSchema('NOTIFICATION_RETRY_BASE', '30s'),
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, context) => {
      const parsed = parseTrustProxy(value);
      if (parsed === undefined) {
        context.addIssue({
          code: 'custom',
          message: `TRUST_PROXY must be a hop count from 1 to 32 or a comma-separated list of addresses and CIDR ranges, got "${value}"`,
        });
        return z.NEVER;
      }
      return parsed;
    }),
});

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`)
    .join('; ');
}

/**
 * Reads and validates the configuration from environment variables. In
 * development, missing secrets are generated once and kept under DATA_DIR;
 * in production a missing or weak secret is a ConfigError naming the variable.
 */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`invalid configuration: ${describeIssues(parsed.error)}`);
  }
  const values = parsed.data;
  const dataDir = values.DATA_DIR === ':memory:' ? ':memory:' : resolve(values.DATA_DIR);

  const provided: Partial<Record<SecretName, string>> = {
    JWT_SECRET: values.JWT_SECRET,
    REGISTRATION_SECRET: values.REGISTRATION_SECRET,
  };
  const secrets = await resolveSecrets(provided, { environment: values.ENVIRONMENT, dataDir });

  return {
    environment: values.ENVIRONMENT,
    port: values.PORT,
    host: values.HOST,
    databaseUrl: values.DATABASE_URL,
    dataDir,
    jwtSecret: secrets.values.JWT_SECRET,
    registrationSecret: secrets.values.REGISTRATION_SECRET,
    jwtExpiresIn: values.JWT_EXPIRES_IN,
    refreshTokenExpiresIn: values.REFRESH_TOKEN_EXPIRES_IN,
    collectorTokenExpiresIn: values.COLLECTOR_TOKEN_EXPIRES_IN,
    adminUsername: values.ADMIN_USERNAME,
    adminPassword: values.ADMIN_PASSWORD,
    logLevel: values.LOG_LEVEL ?? (values.ENVIRONMENT === 'test' ? 'silent' : 'info'),
    trustProxy: values.TRUST_PROXY,
    redisUrl: values.REDIS_URL,
    redisKeyPrefix: values.REDIS_KEY_PREFIX,
    rateLimits: {
      userPerMinute: values.RATE_LIMIT_USER_PER_MINUTE,
      collectorPerMinute: values.RATE_LIMIT_COLLECTOR_PER_MINUTE,
      anonymousPerMinute: values.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
      operationFactor: values.RATE_LIMIT_OPERATION_FACTOR,
    },
    graphqlLimits: {
      maxDepth: values.GRAPHQL_MAX_DEPTH,
      maxAliases: values.GRAPHQL_MAX_ALIASES,
      maxDirectives: values.GRAPHQL_MAX_DIRECTIVES,
      maxTokens: values.GRAPHQL_MAX_TOKENS,
      maxCost: values.GRAPHQL_MAX_COST,
    },
    bodyLimits: { pushMetricsBytes: values.BODY_LIMIT_PUSH_METRICS_BYTES, otherBytes: values.BODY_LIMIT_BYTES },
    generatedSecretFiles: secrets.files,
    backgroundJobs: values.BACKGROUND_JOBS === 'true',
    alerting: {
      notReportingMissedIntervals: values.NOT_REPORTING_MISSED_INTERVALS,
      notReportingCheckSeconds: values.NOT_REPORTING_CHECK_INTERVAL,
      notificationPollSeconds: values.NOTIFICATION_POLL_INTERVAL,
      notificationMaxAttempts: values.NOTIFICATION_MAX_ATTEMPTS,
      notificationRetryBaseSeconds: values.NOTIFICATION_RETRY_BASE,
    },
  };
}

import { z } from 'zod';
import { resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { parseDuration } from './config/parseDuration.js';
import { parseTrustProxy, type TrustProxy } from './config/parseTrustProxy.js';
import { resolveSecrets, type SecretName } from './config/resolveSecrets.js';
import { ConfigError } from './config/ConfigError.js';
import { checkTransport } from './config/checkTransport.js';
import { parseCorsOrigins } from './config/parseCorsOrigins.js';
import {
  parseCollectorArgs,
  resolveCollectorOptions,
  type CollectorOptions,
} from './collector/collectorOptions.js';

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
  /** Earlier JWT secrets that still verify tokens but sign none. */
  jwtPreviousSecrets: string[];
  registrationSecret: string;
  /** An earlier registration secret, accepted until registrationSecretPreviousUntil. */
  registrationSecretPrevious: string | undefined;
  registrationSecretPreviousUntil: Date | undefined;
  /** Seconds that a token version or revocation check is cached; 0 reads the database on every request. */
  tokenCheckCacheTtl: number;
  loginThrottle: LoginThrottleConfig;
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
  /** HTTPS certificate and key files, or undefined to serve plain HTTP. */
  tls: TlsConfig | undefined;
  /** CA that collector client certificates must chain to, or undefined when mutual TLS is off. */
  mtls: MtlsConfig | undefined;
  /** Origins allowed by CORS. An empty list sends no CORS headers, so only same-origin pages may call the API. */
  corsOrigins: string[];
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

export interface TlsConfig {
  certPath: string;
  keyPath: string;
}

export interface MtlsConfig {
  caPath: string;
}

/** Failed-login slowdown and lockout; durations are in seconds. */
export interface LoginThrottleConfig {
  /** Failures from one address for one username before each further attempt is delayed. */
  freeFailures: number;
  /** Upper bound of the per-address delay, which doubles with each failure. */
  maxDelay: number;
  /** Failures from all addresses within lockoutWindow that lock the account. */
  lockoutThreshold: number;
  lockoutWindow: number;
  lockoutDuration: number;
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

const booleanSchema = (variable: string) =>
  optionalText.transform((value, context) => {
    if (value === undefined || /^(false|0|no)$/i.test(value.trim())) {
      return false;
    }
    if (/^(true|1|yes)$/i.test(value.trim())) {
      return true;
    }
    context.addIssue({ code: 'custom', message: `${variable} must be true or false, got "${value}"` });
    return z.NEVER;
  });

/** A duration like durationSchema, but "0" is allowed and means off. */
const durationOrZeroSchema = (variable: string, fallback: string) =>
  optionalText.transform((value, context) => {
    const text = value ?? fallback;
    const seconds = text.trim() === '0' ? 0 : parseDuration(text);
    if (seconds === undefined) {
      context.addIssue({ code: 'custom', message: `${variable} must be 0 or a duration such as 5, 5s or 1m, got "${value}"` });
      return z.NEVER;
    }
    return seconds;
  });

const countSchema = (maximum: number, fallback: number) => z.coerce.number().int().min(1).max(maximum).default(fallback);
const positiveInteger = (fallback: number) => countSchema(2 ** 31 - 1, fallback);

const secretListSchema = optionalText.transform((value) =>
  value === undefined ? [] : value.split(',').map((item) => item.trim()).filter((item) => item !== ''),
);

const dateSchema = (variable: string) =>
  optionalText.transform((value, context) => {
    if (value === undefined) {
      return undefined;
    }
    const date = new Date(value);
    if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
      context.addIssue({ code: 'custom', message: `${variable} must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z, got "${value}"` });
      return z.NEVER;
    }
    return date;
  });

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
  JWT_PREVIOUS_SECRETS: secretListSchema,
  REGISTRATION_SECRET_PREVIOUS: optionalText,
  REGISTRATION_SECRET_PREVIOUS_UNTIL: dateSchema('REGISTRATION_SECRET_PREVIOUS_UNTIL'),
  TOKEN_CHECK_CACHE_TTL: durationOrZeroSchema('TOKEN_CHECK_CACHE_TTL', '5s'),
  LOGIN_FREE_FAILURES: countSchema(100, 3),
  LOGIN_MAX_DELAY: durationSchema('LOGIN_MAX_DELAY', '15m'),
  LOGIN_LOCKOUT_THRESHOLD: countSchema(100_000, 50),
  LOGIN_LOCKOUT_WINDOW: durationSchema('LOGIN_LOCKOUT_WINDOW', '1h'),
  LOGIN_LOCKOUT_DURATION: durationSchema('LOGIN_LOCKOUT_DURATION', '15m'),
  JWT_EXPIRES_IN: durationSchema('JWT_EXPIRES_IN', '24h'),
  REFRESH_TOKEN_EXPIRES_IN: durationSchema('REFRESH_TOKEN_EXPIRES_IN', '30d'),
  COLLECTOR_TOKEN_EXPIRES_IN: durationSchema('COLLECTOR_TOKEN_EXPIRES_IN', '90d'),
  ADMIN_USERNAME: optionalText,
  ADMIN_PASSWORD: optionalText,
  TLS_ENABLED: booleanSchema('TLS_ENABLED'),
  TLS_CERT_PATH: optionalText,
  TLS_KEY_PATH: optionalText,
  MTLS_ENABLED: booleanSchema('MTLS_ENABLED'),
  MTLS_CA_PATH: optionalText,
  CORS_ORIGINS: optionalText.transform((value, context) => {
    const origins = parseCorsOrigins(value);
    if (origins === undefined) {
      context.addIssue({
        code: 'custom',
        message: `CORS_ORIGINS must be a comma-separated list of origins such as https://dashboard.example.com, got "${value}"`,
      });
      return z.NEVER;
    }
    return origins;
  }),
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

const MIN_PREVIOUS_SECRET_BYTES = 32;

/** Checks the secrets kept for rotation; a previous registration secret needs an end date. */
function checkRotationSecrets(values: z.infer<typeof environmentSchema>, jwtSecret: string): void {
  for (const [index, secret] of values.JWT_PREVIOUS_SECRETS.entries()) {
    if (Buffer.byteLength(secret, 'utf8') < MIN_PREVIOUS_SECRET_BYTES) {
      throw new ConfigError(`JWT_PREVIOUS_SECRETS entry ${index + 1} is shorter than ${MIN_PREVIOUS_SECRET_BYTES} bytes`);
    }
    if (secret === jwtSecret) {
      throw new ConfigError(`JWT_PREVIOUS_SECRETS entry ${index + 1} equals JWT_SECRET: remove it`);
    }
  }
  if (values.REGISTRATION_SECRET_PREVIOUS !== undefined && values.REGISTRATION_SECRET_PREVIOUS_UNTIL === undefined) {
    throw new ConfigError('REGISTRATION_SECRET_PREVIOUS is set but REGISTRATION_SECRET_PREVIOUS_UNTIL is missing: give the date after which it stops working');
  }
}

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

  const transport = checkTransport(values);

  checkRotationSecrets(values, secrets.values.JWT_SECRET);

  return {
    environment: values.ENVIRONMENT,
    port: values.PORT,
    host: values.HOST,
    databaseUrl: values.DATABASE_URL,
    dataDir,
    jwtSecret: secrets.values.JWT_SECRET,
    jwtPreviousSecrets: values.JWT_PREVIOUS_SECRETS,
    registrationSecret: secrets.values.REGISTRATION_SECRET,
    registrationSecretPrevious: values.REGISTRATION_SECRET_PREVIOUS,
    registrationSecretPreviousUntil: values.REGISTRATION_SECRET_PREVIOUS_UNTIL,
    tokenCheckCacheTtl: values.TOKEN_CHECK_CACHE_TTL,
    loginThrottle: {
      freeFailures: values.LOGIN_FREE_FAILURES,
      maxDelay: values.LOGIN_MAX_DELAY,
      lockoutThreshold: values.LOGIN_LOCKOUT_THRESHOLD,
      lockoutWindow: values.LOGIN_LOCKOUT_WINDOW,
      lockoutDuration: values.LOGIN_LOCKOUT_DURATION,
    },
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
    ...transport,
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

/** Options of the collector command line plus the secrets it reads. */
export interface CollectorConfig extends CollectorOptions {
  hostname: string;
  /** From REGISTRATION_SECRET or the registration secret file; only `register` needs it. */
  registrationSecret: string | undefined;
}

/**
 * Reads the collector's configuration: the command line, then environment
 * variables, then the JSON config file named by --config or COLLECTOR_CONFIG.
 * Throws ConfigError naming the option at fault.
 */
export async function loadCollectorConfig(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
): Promise<CollectorConfig> {
  const args = parseCollectorArgs(argv, env);
  const file = args.configFile === undefined ? {} : await readCollectorConfigFile(args.configFile);
  const options = resolveCollectorOptions(args, env, file);

  let registrationSecret = env['REGISTRATION_SECRET']?.trim() || undefined;
  if (options.registrationSecretFile !== undefined) {
    registrationSecret = (await readTextFile(options.registrationSecretFile, 'registration secret file')).trim();
  }
  return { ...options, hostname: options.hostname ?? hostname(), registrationSecret };
}

async function readCollectorConfigFile(path: string): Promise<Record<string, unknown>> {
  const text = await readTextFile(path, 'config file');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Invalid config file ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`Invalid config file ${path}: expected a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

async function readTextFile(path: string, label: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the ${label} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

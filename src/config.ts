import { z } from 'zod';
import { resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { parseDuration } from './config/parseDuration.js';
import { parseTrustProxy, type TrustProxy } from './config/parseTrustProxy.js';
import { resolveSecrets, type SecretName } from './config/resolveSecrets.js';
import { ConfigError } from './config/ConfigError.js';
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
  /** Files that development secrets were read from or written to. */
  generatedSecretFiles: string[];
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

  if (values.ENVIRONMENT === 'production' && values.ADMIN_PASSWORD !== undefined && values.ADMIN_USERNAME === undefined) {
    throw new ConfigError('ADMIN_PASSWORD is set but ADMIN_USERNAME is missing');
  }

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
    generatedSecretFiles: secrets.files,
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

import { parseArgs } from 'node:util';
import { ConfigError } from '../config/ConfigError.js';
import { OPTION_SPECS, type OptionSpec } from './collectorOptionTable.js';
import { convertOption } from './convertOption.js';

export type CollectorCommand = 'register' | 'once' | 'run' | 'help';
const COMMANDS: readonly CollectorCommand[] = ['register', 'once', 'run', 'help'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The checked options of the collector; see collectorOptionTable.ts for each one. */
export interface CollectorOptions {
  command: CollectorCommand;
  dryRun: boolean;
  api: string | undefined;
  hostname: string | undefined;
  description: string | undefined;
  registrationSecretFile: string | undefined;
  targets: string[];
  stateDir: string;
  interval: number;
  spoolMaxMib: number;
  statementTimeoutMs: number;
  statementsLimit: number;
  statementsQueryText: boolean;
  relationsLimit: number;
  requestTimeoutSeconds: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  caFile: string | undefined;
  clientCert: string | undefined;
  clientKey: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
}

export interface ParsedArgs {
  command: CollectorCommand;
  dryRun: boolean;
  configFile: string | undefined;
  /** Flag values by option key, as typed on the command line. */
  flags: Record<string, string | string[]>;
}

/** Splits the command line into the command and its flags. Throws ConfigError for unknown input. */
export function parseCollectorArgs(argv: readonly string[], env: Record<string, string | undefined>): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {
    config: { type: 'string' },
    'dry-run': { type: 'boolean' },
    help: { type: 'boolean' },
  };
  for (const spec of OPTION_SPECS as readonly OptionSpec[]) {
    options[spec.flag] = { type: 'string', multiple: spec.kind === 'list' };
  }

  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}. Run with --help to list the options.`);
  }
  const [commandText = 'help', ...extra] = parsed.positionals;
  if (!COMMANDS.includes(commandText as CollectorCommand)) {
    throw new ConfigError(`Unknown command "${commandText}": expected register, once or run. Run with --help to list the options.`);
  }
  if (extra.length > 0) {
    throw new ConfigError(`Unexpected argument "${extra[0]}" after the command "${commandText}"`);
  }

  const flags: Record<string, string | string[]> = {};
  for (const spec of OPTION_SPECS as readonly OptionSpec[]) {
    const value = parsed.values[spec.flag];
    if (typeof value === 'string' || Array.isArray(value)) {
      flags[spec.key] = value as string | string[];
    }
  }
  const command = parsed.values['help'] === true ? 'help' : (commandText as CollectorCommand);
  const configFile = (parsed.values['config'] as string | undefined) ?? nonEmpty(env['COLLECTOR_CONFIG']);
  return { command, dryRun: parsed.values['dry-run'] === true, configFile, flags };
}

/**
 * Merges flags, environment variables and the parsed config file into
 * checked options. Each source names itself in error messages, such as
 * "--interval" or "COLLECTOR_INTERVAL" or "config file key interval".
 */
export function resolveCollectorOptions(
  args: ParsedArgs,
  env: Record<string, string | undefined>,
  file: Record<string, unknown> = {},
): CollectorOptions {
  checkFileKeys(file);
  const values: Record<string, unknown> = { command: args.command, dryRun: args.dryRun };

  for (const spec of OPTION_SPECS as readonly OptionSpec[]) {
    values[spec.key] = resolveOne(spec, args.flags[spec.key], spec.env ? nonEmpty(env[spec.env]) : undefined, file[spec.key]);
  }
  if (!LOG_LEVELS.includes(values['logLevel'] as (typeof LOG_LEVELS)[number])) {
    throw new ConfigError(`Invalid log level "${String(values['logLevel'])}": expected one of ${LOG_LEVELS.join(', ')}`);
  }
  if ((values['clientCert'] === undefined) !== (values['clientKey'] === undefined)) {
    throw new ConfigError('MTLS_CLIENT_CERT and MTLS_CLIENT_KEY (--client-cert, --client-key) must be set together');
  }
  if ((values['retryBaseDelayMs'] as number) > (values['retryMaxDelayMs'] as number)) {
    throw new ConfigError('--retry-base-delay-ms must not exceed --retry-max-delay-ms');
  }
  return values as unknown as CollectorOptions;
}

function checkFileKeys(file: Record<string, unknown>): void {
  const known = new Set<string>(OPTION_SPECS.map((spec) => spec.key));
  const unknown = Object.keys(file).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new ConfigError(`Unknown key "${unknown[0]}" in the config file; the keys are: ${[...known].join(', ')}`);
  }
}

function resolveOne(spec: OptionSpec, flag: string | string[] | undefined, envValue: string | undefined, fileValue: unknown): unknown {
  if (flag !== undefined) {
    return convertOption(spec, flag, `--${spec.flag}`);
  }
  if (envValue !== undefined && spec.env !== undefined) {
    return convertOption(spec, spec.kind === 'list' ? envValue.split(',') : envValue, spec.env);
  }
  if (fileValue !== undefined && fileValue !== null) {
    return convertOption(spec, fileValueAsText(spec, fileValue), `config file key ${spec.key}`);
  }
  if (spec.fallback !== undefined) {
    return convertOption(spec, spec.fallback, `default of ${spec.key}`);
  }
  return spec.kind === 'list' ? [] : undefined;
}

function fileValueAsText(spec: OptionSpec, value: unknown): string | string[] {
  if (spec.kind === 'list') {
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      throw new ConfigError(`Invalid config file key ${spec.key}: expected an array of strings`);
    }
    return value;
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new ConfigError(`Invalid config file key ${spec.key}: expected a string, number or boolean`);
  }
  return String(value);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

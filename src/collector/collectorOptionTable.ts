/**
 * Every collector option in one table, so that the flag, the environment
 * variable, the config file key, the help text and the default cannot drift
 * apart. Precedence, highest first: flag, environment variable, config file,
 * default.
 */

export type OptionKind = 'text' | 'url' | 'path' | 'seconds' | 'integer' | 'boolean' | 'list';

export interface OptionSpec {
  /** Key in the config file and in CollectorOptions. */
  key: string;
  flag: string;
  env?: string;
  kind: OptionKind;
  /** Value used when no source sets the option, written as in the environment. */
  fallback?: string;
  min?: number;
  max?: number;
  help: string;
}

export const OPTION_SPECS = [
  { key: 'api', flag: 'api', env: 'PGANALYTICS_API_URL', kind: 'url', help: 'URL of the pgAnalytics API, such as https://monitor.example.com (http or https; /graphql is added)' },
  { key: 'hostname', flag: 'hostname', env: 'COLLECTOR_HOSTNAME', kind: 'text', help: 'name this collector registers under (default: the machine host name)' },
  { key: 'description', flag: 'description', env: 'COLLECTOR_DESCRIPTION', kind: 'text', help: 'free text stored with the registration' },
  { key: 'registrationSecretFile', flag: 'registration-secret-file', env: 'REGISTRATION_SECRET_FILE', kind: 'path', help: 'file holding the registration secret; REGISTRATION_SECRET in the environment is used otherwise' },
  { key: 'targets', flag: 'target', env: 'COLLECTOR_TARGETS', kind: 'list', help: 'PostgreSQL connection URL to watch; repeat the flag, or separate URLs with commas in the variable' },
  { key: 'stateDir', flag: 'state-dir', env: 'COLLECTOR_STATE_DIR', kind: 'path', fallback: './collector-state', help: 'folder for the state file (collector id and token) and the spool' },
  { key: 'interval', flag: 'interval', env: 'COLLECTOR_INTERVAL', kind: 'seconds', fallback: '60', min: 1, max: 86_400, help: 'time between two snapshots of `run`, in seconds or with a unit: 30s, 5m' },
  { key: 'spoolMaxMib', flag: 'spool-max-mib', env: 'COLLECTOR_SPOOL_MAX_MIB', kind: 'integer', fallback: '100', min: 1, max: 1_000_000, help: 'maximum size of unsent snapshots kept on disk, in MiB; the oldest are dropped first' },
  { key: 'statementTimeoutMs', flag: 'statement-timeout-ms', env: 'COLLECTOR_STATEMENT_TIMEOUT_MS', kind: 'integer', fallback: '5000', min: 1, max: 600_000, help: 'maximum run time of each statistics query, in milliseconds' },
  { key: 'statementsLimit', flag: 'statements-limit', env: 'COLLECTOR_STATEMENTS_LIMIT', kind: 'integer', fallback: '100', min: 1, max: 5000, help: 'number of pg_stat_statements rows sent, the highest total execution time first' },
  { key: 'statementsQueryText', flag: 'statements-query-text', env: 'COLLECTOR_STATEMENTS_QUERY_TEXT', kind: 'boolean', fallback: 'false', help: 'send the normalized query text of each statement (true or false)' },
  { key: 'relationsLimit', flag: 'relations-limit', env: 'COLLECTOR_RELATIONS_LIMIT', kind: 'integer', fallback: '200', min: 1, max: 10_000, help: 'number of tables and of indexes sent, the largest first' },
  { key: 'requestTimeoutSeconds', flag: 'request-timeout', env: 'COLLECTOR_REQUEST_TIMEOUT', kind: 'seconds', fallback: '30', min: 1, max: 600, help: 'time limit of one request to the API, from sending it to the end of the response, in seconds' },
  { key: 'maxAttempts', flag: 'max-attempts', env: 'COLLECTOR_MAX_ATTEMPTS', kind: 'integer', fallback: '5', min: 1, max: 100, help: 'attempts per push before the snapshot waits in the spool for the next cycle' },
  { key: 'retryBaseDelayMs', flag: 'retry-base-delay-ms', env: 'COLLECTOR_RETRY_BASE_DELAY_MS', kind: 'integer', fallback: '1000', min: 1, max: 600_000, help: 'first backoff step in milliseconds; each retry doubles it, with random jitter' },
  { key: 'retryMaxDelayMs', flag: 'retry-max-delay-ms', env: 'COLLECTOR_RETRY_MAX_DELAY_MS', kind: 'integer', fallback: '60000', min: 1, max: 3_600_000, help: 'maximum backoff between two attempts, in milliseconds' },
  { key: 'caFile', flag: 'ca-file', env: 'COLLECTOR_CA_FILE', kind: 'path', help: 'PEM file of the certificate authorities trusted for the API certificate (default: the system store)' },
  { key: 'clientCert', flag: 'client-cert', env: 'MTLS_CLIENT_CERT', kind: 'path', help: 'PEM client certificate for mutual TLS; requires the key too' },
  { key: 'clientKey', flag: 'client-key', env: 'MTLS_CLIENT_KEY', kind: 'path', help: 'PEM private key of the client certificate' },
  { key: 'logLevel', flag: 'log-level', env: 'LOG_LEVEL', kind: 'text', fallback: 'info', help: 'fatal, error, warn, info, debug, trace or silent; logs are JSON on stderr' },
] as const satisfies readonly OptionSpec[];

export type OptionKey = (typeof OPTION_SPECS)[number]['key'];

const PLACEHOLDERS: Record<OptionKind, string> = {
  text: 'TEXT',
  url: 'URL',
  path: 'PATH',
  seconds: 'DURATION',
  integer: 'N',
  boolean: 'true|false',
  list: 'URL',
};

/** Builds the --help text from the option table. */
export function collectorHelp(): string {
  const lines = [
    'Usage: pganalytics-collector <command> [options]',
    '',
    'Commands:',
    '  register           register with the API and save the collector id and token in the state folder',
    '  once               take one snapshot of each target and push it',
    '  once --dry-run     take one snapshot of each target and print it as JSON on stdout, without pushing',
    '  run                take and push snapshots every interval until SIGINT or SIGTERM',
    '',
    'Options:',
    '  --config PATH',
    '      JSON file whose keys are the config keys below, such as {"targets": ["postgresql://..."]}',
    '      environment: COLLECTOR_CONFIG',
  ];
  for (const spec of OPTION_SPECS as readonly OptionSpec[]) {
    const sources = [`config key: ${spec.key}`];
    if (spec.env !== undefined) {
      sources.push(`environment: ${spec.env}`);
    }
    if (spec.fallback !== undefined) {
      sources.push(`default: ${spec.fallback}`);
    }
    lines.push(`  --${spec.flag} ${PLACEHOLDERS[spec.kind]}`, `      ${spec.help}`, `      ${sources.join('; ')}`);
  }
  lines.push('  --help', '      print this text', '');
  lines.push('Flags override environment variables, which override the config file.');
  lines.push('Logs are JSON lines on stderr; command output is on stdout.');
  return lines.join('\n');
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CollectorConfig } from '../config.js';
import { ConfigError } from '../config/ConfigError.js';
import { ApiClient, type ApiTls } from './apiClient.js';
import { readCollectorState, STATE_FILE_NAME } from './collectorState.js';
import { SnapshotSpool } from './snapshotSpool.js';
import { TokenKeeper } from './tokenKeeper.js';

/** The objects that `once` and `run` share: API client, token, spool. */
export interface CollectorRuntime {
  client: ApiClient;
  tokens: TokenKeeper;
  spool: SnapshotSpool;
}

/** Reads the CA bundle and client certificate named in the configuration. */
export async function readTls(config: CollectorConfig): Promise<ApiTls> {
  const tls: ApiTls = {};
  if (config.caFile !== undefined) {
    tls.ca = await readPem(config.caFile, 'CA bundle (--ca-file)');
  }
  if (config.clientCert !== undefined && config.clientKey !== undefined) {
    tls.cert = await readPem(config.clientCert, 'client certificate (MTLS_CLIENT_CERT)');
    tls.key = await readPem(config.clientKey, 'client key (MTLS_CLIENT_KEY)');
  }
  return tls;
}

async function readPem(path: string, label: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the ${label} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export async function createApiClient(config: CollectorConfig, api: string): Promise<ApiClient> {
  return new ApiClient({ url: api, timeoutMs: config.requestTimeoutSeconds * 1000, tls: await readTls(config) });
}

/** Builds the runtime from the saved state; throws ConfigError before `register` has run. */
export async function openRuntime(config: CollectorConfig, logger: Logger): Promise<CollectorRuntime> {
  const state = await readCollectorState(config.stateDir);
  if (state === undefined) {
    throw new ConfigError(
      `No collector state in ${join(config.stateDir, STATE_FILE_NAME)}: run \`pganalytics-collector register\` first`,
    );
  }
  if (config.api !== undefined && config.api !== state.api) {
    logger.warn({ event: 'config', configured: config.api, registered: state.api }, 'the API URL differs from the one registered with; using the configured one');
  }

  const client = await createApiClient(config, config.api ?? state.api);
  const tokens = new TokenKeeper(state, config.stateDir, client, logger);
  const spool = new SnapshotSpool(join(config.stateDir, 'spool'), config.spoolMaxMib * 1024 * 1024, logger);
  return { client, tokens, spool };
}

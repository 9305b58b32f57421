import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CollectorConfig } from '../config.js';
import { ConfigError } from '../config/ConfigError.js';
import { ApiUnreachableError } from './apiClient.js';
import { readCollectorState, STATE_FILE_NAME, writeCollectorState } from './collectorState.js';
import { createApiClient } from './collectorRuntime.js';

const REGISTER_COLLECTOR = `
mutation RegisterCollector($input: RegisterCollectorInput!) {
  registerCollector(input: $input) { collectorId token expiresAt }
}`;

interface RegisterData {
  registerCollector: { collectorId: string; token: string; expiresAt: string };
}

/** Fields `register` prints on stdout; the token is left out on purpose. */
export interface RegisterSummary {
  collectorId: string;
  hostname: string;
  expiresAt: string;
  stateFile: string;
}

/**
 * Registers this collector with the API and saves its id and token to the
 * state file (mode 0600). Refuses to overwrite an existing registration.
 */
export async function registerCommand(config: CollectorConfig, logger: Logger): Promise<RegisterSummary> {
  if (config.api === undefined) {
    throw new ConfigError('Missing API URL: pass --api URL or set PGANALYTICS_API_URL');
  }
  if (config.registrationSecret === undefined || config.registrationSecret === '') {
    throw new ConfigError('Missing registration secret: set REGISTRATION_SECRET or pass --registration-secret-file FILE');
  }
  const stateFile = join(config.stateDir, STATE_FILE_NAME);
  const existing = await readCollectorState(config.stateDir);
  if (existing !== undefined) {
    throw new ConfigError(`Already registered as collector ${existing.collectorId} (${stateFile}); delete that file to register again`);
  }

  const client = await createApiClient(config, config.api);
  const input = { hostname: config.hostname, ...(config.description ? { description: config.description } : {}) };
  const response = await client
    .execute<RegisterData>(REGISTER_COLLECTOR, { input }, { 'x-registration-secret': config.registrationSecret })
    .catch((error: unknown) => {
      throw error instanceof ApiUnreachableError ? new Error(`Registration failed: ${error.message}`) : error;
    });
  const registration = response.data?.registerCollector;
  if (!registration) {
    const first = response.errors[0];
    throw new Error(`Registration failed: HTTP ${response.status} ${first?.extensions?.code ?? ''} ${first?.message ?? ''}`.trim());
  }

  await writeCollectorState(config.stateDir, {
    api: config.api,
    collectorId: registration.collectorId,
    token: registration.token,
    expiresAt: registration.expiresAt,
    issuedAt: new Date().toISOString(),
  });
  logger.info({ event: 'register', collectorId: registration.collectorId, hostname: config.hostname, stateFile }, 'collector registered');
  return { collectorId: registration.collectorId, hostname: config.hostname, expiresAt: registration.expiresAt, stateFile };
}

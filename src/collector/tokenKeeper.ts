import type { Logger } from 'pino';
import type { ApiClient } from './apiClient.js';
import { readCollectorState, tokenNeedsRenewal, writeCollectorState, type CollectorState } from './collectorState.js';

const REFRESH_COLLECTOR_TOKEN = 'mutation { refreshCollectorToken { collectorId token expiresAt } }';

interface RefreshData {
  refreshCollectorToken: { collectorId: string; token: string; expiresAt: string };
}

/** The collector could not get a token the API accepts, so it cannot push until someone acts. */
export class CollectorAuthError extends Error {
  override name = 'CollectorAuthError';
}

/**
 * Holds the collector token from the state file and renews it through
 * refreshCollectorToken, both before it expires and once after a 401.
 */
export class TokenKeeper {
  constructor(
    private state: CollectorState,
    private readonly stateDir: string,
    private readonly client: ApiClient,
    private readonly logger: Logger,
  ) {}

  get collectorId(): string {
    return this.state.collectorId;
  }

  get token(): string {
    return this.state.token;
  }

  /** Renews the token when two thirds of its lifetime have passed. A failure is logged and the old token kept. */
  async renewIfDue(now: number = Date.now()): Promise<void> {
    if (!tokenNeedsRenewal(this.state, now)) {
      return;
    }
    try {
      await this.renew();
    } catch (error) {
      this.logger.warn({ event: 'token_renewal', outcome: 'failure', err: error }, 'token renewal failed; the current token is kept');
    }
  }

  /**
   * Gets a token after a 401. Another process, or an operator running
   * register again, may have saved a newer token, so the state file is read
   * first. Throws CollectorAuthError when no token is accepted.
   */
  async recoverFrom401(): Promise<void> {
    const saved = await readCollectorState(this.stateDir).catch(() => undefined);
    if (saved !== undefined && saved.token !== this.state.token && saved.collectorId === this.state.collectorId) {
      this.state = saved;
      this.logger.info({ event: 'token_renewal', outcome: 'success', source: 'state file' }, 'using the newer token from the state file');
      return;
    }
    try {
      await this.renew();
    } catch (error) {
      throw new CollectorAuthError(
        `The API rejected the collector token and renewing it failed (${(error as Error).message}). ` +
          'Run `pganalytics-collector register` again, or check that the API still knows this collector.',
      );
    }
  }

  private async renew(): Promise<void> {
    const response = await this.client.execute<RefreshData>(REFRESH_COLLECTOR_TOKEN, {}, { authorization: `Bearer ${this.state.token}` });
    const renewed = response.data?.refreshCollectorToken;
    if (response.status !== 200 || !renewed) {
      const first = response.errors[0];
      throw new Error(`HTTP ${response.status}: ${first?.message ?? 'no token in the response'}`);
    }

    this.state = { ...this.state, token: renewed.token, expiresAt: renewed.expiresAt, issuedAt: new Date().toISOString() };
    await writeCollectorState(this.stateDir, this.state);
    this.logger.info({ event: 'token_renewal', outcome: 'success', expiresAt: renewed.expiresAt }, 'collector token renewed');
  }
}

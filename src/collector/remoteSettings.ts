import type { Logger } from 'pino';
import type { ApiClient } from './apiClient.js';
import { targetAddress } from './collectTargets.js';
import type { MetricFamilyName } from './readSnapshot.js';
import type { TokenKeeper } from './tokenKeeper.js';

export const COLLECTOR_CONFIG_QUERY = `
query CollectorConfig {
  collectorConfig { serverId host port version intervalSeconds families statementTopN queryText tableCap }
}`;

/** The collection settings that the API stores for one server. */
export interface ServerSettings {
  serverId: string;
  /** Host and port of the server as the snapshots name them, which is how a target finds its settings before its first push. */
  host: string;
  port: number;
  version: number;
  intervalSeconds: number;
  /** Enabled MetricFamily values of the API. */
  families: string[];
  statementTopN: number;
  queryText: boolean;
  tableCap: number;
}

/** Local options that API settings replace for a target, and the families to leave out. */
export interface TargetSettings {
  statementsLimit: number;
  statementsQueryText: boolean;
  relationsLimit: number;
  disabledFamilies: ReadonlySet<MetricFamilyName>;
}

// ACTIVITY is not listed: pushMetrics requires it, so it is read whatever the settings contain.
const SWITCHABLE_FAMILIES: readonly MetricFamilyName[] = [
  'DATABASES', 'LOCKS', 'REPLICATION', 'STATEMENTS', 'TABLES', 'INDEXES', 'CHECKPOINTER', 'WAL', 'REPLICATION_SLOTS',
];
const COMPARED_FIELDS = ['intervalSeconds', 'families', 'statementTopN', 'queryText', 'tableCap'] as const;

/**
 * Keeps the collection settings that the API returns from collectorConfig,
 * per server, and which server each target pushes to. Until the API has
 * returned settings for a target's server, the target uses the local options.
 */
export class RemoteSettings {
  private readonly applied = new Map<string, ServerSettings>();
  /** Server of each host:port, as the last acknowledged push named it. */
  private readonly serverOfTarget = new Map<string, string>();
  /** Server of each host:port, as collectorConfig listed it. A push result takes precedence. */
  private readonly listedServerOfTarget = new Map<string, string>();
  /** Highest configVersion that a push returned, per server. */
  private readonly announced = new Map<string, number>();
  /** Highest configVersion known when collectorConfig last returned, per server, so that a server without settings is not fetched every cycle. */
  private readonly fetchedUpTo = new Map<string, number>();
  private fetchFailed = false;

  constructor(
    private readonly client: ApiClient,
    private readonly tokens: TokenKeeper,
    private readonly logger: Logger,
  ) {}

  /** Records a pushMetrics result: the server of the snapshot's host and port, and its configVersion. */
  noteAcknowledged(host: string, port: number, serverId: string, configVersion: number | undefined): void {
    this.serverOfTarget.set(`${host}:${port}`, serverId);
    if (configVersion !== undefined) {
      this.announced.set(serverId, Math.max(configVersion, this.announced.get(serverId) ?? 0));
    }
  }

  /** True when a push announced a server or version that no fetch has covered yet, or the last fetch failed. */
  get refreshDue(): boolean {
    if (this.fetchFailed) {
      return true;
    }
    return [...this.announced].some(([serverId, version]) => version > (this.fetchedUpTo.get(serverId) ?? -1));
  }

  /** Fetches collectorConfig and applies each newer version. A failure is logged once until a fetch succeeds. */
  async refresh(): Promise<void> {
    let settings: ServerSettings[];
    try {
      settings = await this.fetch();
    } catch (error) {
      if (!this.fetchFailed) {
        this.logger.warn({ event: 'settings', outcome: 'failure', err: error }, 'fetching collector settings failed; keeping the current settings');
      }
      this.fetchFailed = true;
      return;
    }

    this.fetchFailed = false;
    for (const [serverId, version] of this.announced) {
      this.fetchedUpTo.set(serverId, version);
    }
    for (const server of settings) {
      this.fetchedUpTo.set(server.serverId, Math.max(server.version, this.fetchedUpTo.get(server.serverId) ?? -1));
      this.apply(server);
    }
  }

  /** Returns the seconds between cycles: the shortest interval over the targets, with the local interval for targets without settings. */
  intervalSeconds(targets: readonly string[], localSeconds: number): number {
    const intervals = targets.map((target) => this.settingsOf(target)?.intervalSeconds ?? localSeconds);
    return intervals.length === 0 ? localSeconds : Math.min(...intervals);
  }

  /** Returns the API settings of the target's server, or the local options when there are none. */
  forTarget(target: string, local: Omit<TargetSettings, 'disabledFamilies'>): TargetSettings {
    const settings = this.settingsOf(target);
    if (settings === undefined) {
      return { ...local, disabledFamilies: new Set() };
    }
    return {
      statementsLimit: settings.statementTopN,
      statementsQueryText: settings.queryText,
      relationsLimit: settings.tableCap,
      disabledFamilies: new Set(SWITCHABLE_FAMILIES.filter((family) => !settings.families.includes(family))),
    };
  }

  private settingsOf(target: string): ServerSettings | undefined {
    const { host, port } = targetAddress(target);
    const key = `${host}:${port}`;
    const serverId = this.serverOfTarget.get(key) ?? this.listedServerOfTarget.get(key);
    return serverId === undefined ? undefined : this.applied.get(serverId);
  }

  private apply(settings: ServerSettings): void {
    this.listedServerOfTarget.set(`${settings.host}:${settings.port}`, settings.serverId);
    const previous = this.applied.get(settings.serverId);
    if (previous !== undefined && previous.version >= settings.version) {
      return;
    }

    this.applied.set(settings.serverId, settings);
    // The first settings of a server replace local options rather than earlier settings, so the log names the values.
    const details =
      previous === undefined
        ? { initial: true, ...Object.fromEntries(COMPARED_FIELDS.map((field) => [field, settings[field]])) }
        : { changed: COMPARED_FIELDS.filter((field) => String(previous[field]) !== String(settings[field])) };
    this.logger.info({ event: 'settings', serverId: settings.serverId, version: settings.version, ...details }, 'collector settings applied');
  }

  private async fetch(): Promise<ServerSettings[]> {
    const response = await this.client.execute<{ collectorConfig: ServerSettings[] }>(
      COLLECTOR_CONFIG_QUERY,
      {},
      { authorization: `Bearer ${this.tokens.token}` },
    );
    const list = response.data?.collectorConfig;
    if (response.status !== 200 || !Array.isArray(list)) {
      const first = response.errors[0];
      throw new Error(`HTTP ${response.status}${first?.extensions?.code ? ` ${first.extensions.code}` : ''}: ${first?.message ?? 'no collectorConfig in the response'}`);
    }
    return list;
  }
}

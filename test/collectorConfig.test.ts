import { TestServer, type TestUser } from './helpers/testServer.js';
import { databaseKinds } from './helpers/testDatabase.js';
import { snapshotFixture } from './helpers/snapshotFixture.js';

const PUSH = `mutation ($input: PushMetricsInput!) { pushMetrics(input: $input) { serverId configVersion } }`;
const COLLECTOR_CONFIG = '{ collectorConfig { serverId host port version intervalSeconds families statementTopN queryText tableCap overrides } }';
const UPDATE = `mutation ($id: ID!, $input: UpdateConfigInput!) {
  updateConfig(serverId: $id, input: $input) { version intervalSeconds statementTopN overrides customized }
}`;
const DEFAULTS = `mutation ($input: UpdateCollectorDefaultsInput!) {
  updateCollectorDefaults(input: $input) { version intervalSeconds statementTopN queryText tableCap }
}`;

interface EffectiveConfig {
  serverId: string;
  host: string;
  port: number;
  version: number;
  intervalSeconds: number;
  statementTopN: number;
  queryText: boolean;
  overrides: string[];
}

describe.each(databaseKinds())('collector configuration on %s', (kind) => {
  let server: TestServer;
  let user: TestUser;
  let viewer: TestUser;
  let collector: { collectorId: string; token: string };
  let serverId: string;
  let clock = Date.now() - 3600_000;

  beforeAll(async () => {
    server = await TestServer.start(kind);
    user = await server.createUser('USER');
    viewer = await server.createUser('VIEWER');
    collector = await server.registerCollector();
    serverId = (await push()).serverId;
  });

  afterAll(async () => {
    await server.close();
  });

  async function push(): Promise<{ serverId: string; configVersion: number }> {
    clock += 60_000;
    const input = snapshotFixture(collector.collectorId, { collectedAt: new Date(clock).toISOString() });
    const response = await server.graphql<{ pushMetrics: { serverId: string; configVersion: number } }>(PUSH, { input }, { token: collector.token });
    return response.body.data!.pushMetrics;
  }

  async function fetchConfig(): Promise<EffectiveConfig[]> {
    const response = await server.graphql<{ collectorConfig: EffectiveConfig[] }>(COLLECTOR_CONFIG, {}, { token: collector.token });
    return response.body.data!.collectorConfig;
  }

  it('picks up a configuration change', async () => {
    const [initial] = await fetchConfig();
    const fixture = snapshotFixture(collector.collectorId).server;
    expect(initial).toMatchObject({ serverId, host: fixture.host, port: fixture.port, intervalSeconds: 60, statementTopN: 100, queryText: false, tableCap: 200, overrides: [] });
    expect((await push()).configVersion).toBe(initial!.version);

    const updated = await server.graphql<{ updateConfig: { version: number } }>(UPDATE, { id: serverId, input: { intervalSeconds: 30 } }, { token: user.token });
    const pushed = await push();
    expect(pushed.configVersion).toBe(updated.body.data!.updateConfig.version);
    expect(pushed.configVersion).toBeGreaterThan(initial!.version);

    const [fetched] = await fetchConfig();
    expect(fetched).toMatchObject({ version: pushed.configVersion, intervalSeconds: 30, overrides: ['intervalSeconds'] });
  });

  it('inherits changed defaults', async () => {
    const before = (await fetchConfig())[0]!.version;
    const response = await server.graphql(DEFAULTS, { input: { statementTopN: 25, queryText: false } }, { token: user.token });
    expect(response.body.data?.['updateCollectorDefaults']).toMatchObject({ statementTopN: 25, queryText: false });

    const [config] = await fetchConfig();
    expect(config).toMatchObject({ statementTopN: 25, queryText: false, intervalSeconds: 30 });
    expect(config!.version).toBeGreaterThan(before);
  });

  it('returns a field to the default with null', async () => {
    const response = await server.graphql<{ updateConfig: { intervalSeconds: number; overrides: string[]; customized: boolean } }>(
      UPDATE, { id: serverId, input: { intervalSeconds: null } }, { token: user.token },
    );
    expect(response.body.data?.updateConfig).toMatchObject({ intervalSeconds: 60, overrides: [], customized: false });
  });

  it.each([
    [{ statementTopN: 0 }, 'input.statementTopN'],
    [{ tableCap: 1_000_000 }, 'input.tableCap'],
    [{ intervalSeconds: 5 }, 'input.intervalSeconds'],
    [{ families: [] }, 'input.families'],
    [{ families: ['TABLES'] }, 'input.families'],
  ])('rejects defaults %j', async (input, field) => {
    const response = await server.graphql(DEFAULTS, { input }, { token: user.token });
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('keeps defaults from viewers', async () => {
    const response = await server.graphql(DEFAULTS, { input: { tableCap: 10 } }, { token: viewer.token });
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('keeps collectorConfig from users', async () => {
    const response = await server.graphql(COLLECTOR_CONFIG, {}, { token: user.token });
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('lists only servers of the calling collector', async () => {
    const other = await server.registerCollector();
    const response = await server.graphql<{ collectorConfig: EffectiveConfig[] }>(COLLECTOR_CONFIG, {}, { token: other.token });
    expect(response.body.data?.collectorConfig).toEqual([]);
  });
});

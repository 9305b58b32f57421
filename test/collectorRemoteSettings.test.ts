import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCollectorConfig, type CollectorConfig } from '../src/config.js';
import { createCollectorLogger } from '../src/collector/collectorLogger.js';
import { registerCommand } from '../src/collector/registerCommand.js';
import { openRuntime, type CollectorRuntime } from '../src/collector/collectorRuntime.js';
import { onceCommand, runCycle } from '../src/collector/collectCommands.js';
import { deliverSpool } from '../src/collector/deliverSpool.js';
import { RemoteSettings } from '../src/collector/remoteSettings.js';
import { uuidv7 } from '../src/collector/uuidv7.js';
import { databaseKinds } from './helpers/testDatabase.js';
import { TestServer, type TestUser } from './helpers/testServer.js';
import { LogCapture } from './helpers/captureLogs.js';
import { snapshotFixture } from './helpers/snapshotFixture.js';

const UPDATE = `mutation ($id: ID!, $input: UpdateConfigInput!) { updateConfig(serverId: $id, input: $input) { version } }`;
const FIXTURE_TARGET = 'postgresql://collector@db1.example.test:5432/app';
const LOCAL_ARGS = ['--interval', '120', '--statements-limit', '7', '--relations-limit', '9', '--max-attempts', '2', '--retry-base-delay-ms', '5', '--retry-max-delay-ms', '10'];
const liveUrl = process.env.TEST_DATABASE_URL;

describe.each(databaseKinds())('collector remote settings (%s)', (kind) => {
  let server: TestServer;
  let stateDir: string;
  let logs: LogCapture;
  let config: CollectorConfig;
  let runtime: CollectorRuntime;
  let settings: RemoteSettings;
  let user: TestUser;

  beforeEach(async () => {
    server = await TestServer.start(kind);
    stateDir = await mkdtemp(join(tmpdir(), 'collector-settings-'));
    logs = new LogCapture();
    const targets = liveUrl ? ['--target', liveUrl] : [];
    config = await loadCollectorConfig(
      ['run', '--api', `${server.url}/graphql`, '--state-dir', stateDir, '--hostname', 'settings.example.test', ...targets, ...LOCAL_ARGS],
      { REGISTRATION_SECRET: server.config.registrationSecret },
    );
    const logger = createCollectorLogger('debug', logs);
    await registerCommand(config, logger);
    runtime = await openRuntime(config, logger);
    settings = new RemoteSettings(runtime.client, runtime.tokens, logger);
    user = await server.createUser('USER');
  });

  afterEach(async () => {
    await server.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  /** Pushes one fixture snapshot through the spool, as a cycle does, and returns its server id. */
  async function pushFixture(): Promise<string> {
    let serverId = '';
    await runtime.spool.add(snapshotFixture(runtime.tokens.collectorId, { snapshotId: uuidv7() }));
    await deliverSpool(runtime.spool, runtime.client, runtime.tokens, createCollectorLogger('debug', logs), {
      maxAttempts: 1, baseDelayMs: 5, maxDelayMs: 10,
      onAcknowledged: (snapshot, outcome) => {
        serverId = outcome.serverId;
        settings.noteAcknowledged(snapshot.server.host, snapshot.server.port, outcome.serverId, outcome.configVersion);
      },
    });
    return serverId;
  }

  it('local options before any settings', () => {
    const local = { statementsLimit: 7, statementsQueryText: false, relationsLimit: 9 };
    expect(settings.intervalSeconds([FIXTURE_TARGET], 120)).toBe(120);
    expect(settings.forTarget(FIXTURE_TARGET, local)).toEqual({ ...local, disabledFamilies: new Set() });
  });

  it('newer version is fetched and applied', async () => {
    await settings.refresh();
    const serverId = await pushFixture();
    expect(settings.refreshDue).toBe(true);
    await settings.refresh();
    expect(settings.refreshDue).toBe(false);
    expect(settings.intervalSeconds([FIXTURE_TARGET], 120)).toBe(60);

    const input = { intervalSeconds: 30, families: ['DATABASES', 'ACTIVITY'], statementTopN: 5, queryText: true, tableCap: 3 };
    const updated = await server.graphql<{ updateConfig: { version: number } }>(UPDATE, { id: serverId, input }, { token: user.token });
    expect(updated.body.errors).toBeUndefined();
    await pushFixture();
    expect(settings.refreshDue).toBe(true);
    await settings.refresh();

    expect(settings.refreshDue).toBe(false);
    expect(settings.intervalSeconds([FIXTURE_TARGET], 120)).toBe(30);
    const target = settings.forTarget(FIXTURE_TARGET, { statementsLimit: 7, statementsQueryText: false, relationsLimit: 9 });
    expect(target.statementsLimit).toBe(5);
    expect(target.statementsQueryText).toBe(true);
    expect(target.relationsLimit).toBe(3);
    expect([...target.disabledFamilies].sort()).toEqual([
      'CHECKPOINTER', 'INDEXES', 'LOCKS', 'REPLICATION', 'REPLICATION_SLOTS', 'STATEMENTS', 'TABLES', 'WAL',
    ]);
    const applied = logs.find('collector settings applied').at(-1);
    expect(applied).toMatchObject({ serverId, version: updated.body.data!.updateConfig.version });
    expect(applied?.['changed']).toEqual(['intervalSeconds', 'families', 'statementTopN', 'queryText', 'tableCap']);
  });

  it('settings apply before the first push of a new process', async () => {
    const serverId = await pushFixture();
    const input = { intervalSeconds: 40, families: ['ACTIVITY', 'TABLES'], tableCap: 4 };
    const updated = await server.graphql(UPDATE, { id: serverId, input }, { token: user.token });
    expect(updated.body.errors).toBeUndefined();

    const restarted = new RemoteSettings(runtime.client, runtime.tokens, createCollectorLogger('debug', logs));
    await restarted.refresh();

    expect(restarted.intervalSeconds([FIXTURE_TARGET], 120)).toBe(40);
    const target = restarted.forTarget(FIXTURE_TARGET, { statementsLimit: 7, statementsQueryText: false, relationsLimit: 9 });
    expect(target.relationsLimit).toBe(4);
    expect(target.disabledFamilies.has('TABLES')).toBe(false);
    expect(target.disabledFamilies.has('STATEMENTS')).toBe(true);
    expect(target.disabledFamilies.has('ACTIVITY')).toBe(false);
    expect(restarted.intervalSeconds(['postgresql://collector@other.example.test:5432/app'], 120)).toBe(120);
    expect(logs.find('collector settings applied').at(-1)).toMatchObject({ serverId, initial: true, intervalSeconds: 40, tableCap: 4 });
  });

  it('failed fetch is logged once', async () => {
    await server.stopHttp();
    await settings.refresh();
    await settings.refresh();
    await server.restartHttp();

    expect(logs.find('fetching collector settings failed; keeping the current settings')).toHaveLength(1);
    expect(settings.refreshDue).toBe(true);
    expect(settings.intervalSeconds([FIXTURE_TARGET], 120)).toBe(120);
  });

  (liveUrl ? it : it.skip)('next cycle uses the new settings', async () => {
    await settings.refresh();
    await runCycle(config, runtime, settings, createCollectorLogger('debug', logs));
    const first = logs.find('snapshot stored').at(-1)!;
    const serverId = String(first['serverId']);
    expect((first['rows'] as Record<string, number>)['databases']).toBeGreaterThan(0);
    expect(settings.intervalSeconds(config.targets, config.interval)).toBe(60);

    const input = { intervalSeconds: 45, families: ['ACTIVITY', 'REPLICATION'], tableCap: 1 };
    const updated = await server.graphql(UPDATE, { id: serverId, input }, { token: user.token });
    expect(updated.body.errors).toBeUndefined();
    await runCycle(config, runtime, settings, createCollectorLogger('debug', logs));
    await runCycle(config, runtime, settings, createCollectorLogger('debug', logs));

    expect(settings.intervalSeconds(config.targets, config.interval)).toBe(45);
    const rows = logs.find('snapshot stored').at(-1)!['rows'] as Record<string, number>;
    expect(rows['databases']).toBe(0);
    expect(rows['locks']).toBe(0);
    expect(rows['tables']).toBeUndefined();
    expect(rows['indexes']).toBeUndefined();
    expect(rows['statements']).toBeUndefined();
    expect(logs.find('collector settings applied').at(-1)).toMatchObject({ serverId, changed: ['intervalSeconds', 'families', 'tableCap'] });
  });

  (liveUrl ? it : it.skip)('once applies the settings to its only cycle', async () => {
    await runCycle(config, runtime, settings, createCollectorLogger('debug', logs));
    const serverId = String(logs.find('snapshot stored').at(-1)!['serverId']);
    const input = { families: ['ACTIVITY', 'TABLES'], tableCap: 1 };
    const updated = await server.graphql(UPDATE, { id: serverId, input }, { token: user.token });
    expect(updated.body.errors).toBeUndefined();

    const report = await onceCommand(config, createCollectorLogger('debug', logs));

    expect(report.collected).toBe(1);
    const stored = logs.find('snapshot stored').at(-1)!;
    const rows = stored['rows'] as Record<string, number>;
    expect(rows['databases']).toBe(0);
    expect(rows['locks']).toBe(0);
    expect(rows['tables']).toBeLessThanOrEqual(1);
    expect(rows['indexes']).toBeUndefined();
    expect(rows['skippedFamilies']).toBeUndefined();
  });
});

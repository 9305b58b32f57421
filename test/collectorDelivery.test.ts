import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCollectorConfig, type CollectorConfig } from '../src/config.js';
import { createCollectorLogger } from '../src/collector/collectorLogger.js';
import { registerCommand } from '../src/collector/registerCommand.js';
import { openRuntime, type CollectorRuntime } from '../src/collector/collectorRuntime.js';
import { deliverSpool } from '../src/collector/deliverSpool.js';
import { writeCollectorState, type CollectorState } from '../src/collector/collectorState.js';
import { CollectorAuthError } from '../src/collector/tokenKeeper.js';
import { uuidv7 } from '../src/collector/uuidv7.js';
import type { SnapshotWire } from '../src/collector/snapshotWire.js';
import { databaseKinds } from './helpers/testDatabase.js';
import { TestServer } from './helpers/testServer.js';
import { LogCapture } from './helpers/captureLogs.js';
import { FakeApi } from './helpers/fakeApi.js';
import { snapshotFixture } from './helpers/snapshotFixture.js';

const FAST_RETRIES = ['--max-attempts', '3', '--retry-base-delay-ms', '5', '--retry-max-delay-ms', '20'];

async function configFor(api: string, stateDir: string, secret = 'unused'): Promise<CollectorConfig> {
  return loadCollectorConfig(['once', '--api', api, '--state-dir', stateDir, '--hostname', 'delivery.example.test', ...FAST_RETRIES], {
    REGISTRATION_SECRET: secret,
  });
}

function deliveryOptions(config: CollectorConfig) {
  return { maxAttempts: config.maxAttempts, baseDelayMs: config.retryBaseDelayMs, maxDelayMs: config.retryMaxDelayMs };
}

/** Snapshots one minute apart, so that each has its own collected_at. */
function snapshots(collectorId: string, count: number): SnapshotWire[] {
  const start = Date.now() - count * 60_000;
  return Array.from({ length: count }, (_, index) =>
    snapshotFixture(collectorId, { snapshotId: uuidv7(), collectedAt: new Date(start + index * 60_000).toISOString() }),
  );
}

describe.each(databaseKinds())('collector delivery (%s)', (kind) => {
  let server: TestServer;
  let stateDir: string;
  let logs: LogCapture;
  let config: CollectorConfig;
  let runtime: CollectorRuntime;

  beforeEach(async () => {
    server = await TestServer.start(kind);
    stateDir = await mkdtemp(join(tmpdir(), 'collector-delivery-'));
    logs = new LogCapture();
    config = await configFor(`${server.url}/graphql`, stateDir, server.config.registrationSecret);
    await registerCommand(config, createCollectorLogger('debug', logs));
    runtime = await openRuntime(config, createCollectorLogger('debug', logs));
  });

  afterEach(async () => {
    await server.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('spool replays three snapshots in order', async () => {
    await server.stopHttp();
    const pending = snapshots(runtime.tokens.collectorId, 3);
    for (const snapshot of pending) {
      await runtime.spool.add(snapshot);
      const report = await deliverSpool(runtime.spool, runtime.client, runtime.tokens, createCollectorLogger('debug', logs), deliveryOptions(config));
      expect(report.acknowledged).toBe(0);
    }
    expect(await runtime.spool.list()).toHaveLength(3);

    await server.restartHttp();
    const report = await deliverSpool(runtime.spool, runtime.client, runtime.tokens, createCollectorLogger('debug', logs), deliveryOptions(config));

    expect(report).toEqual({ acknowledged: 3, rejected: 0, remaining: 0 });
    expect(await runtime.spool.list()).toHaveLength(0);
    const stored = server.logs.find('snapshot stored').map((line) => line['snapshotId']);
    expect(stored).toEqual(pending.map((snapshot) => snapshot.snapshotId));
    expect(await server.database.prisma.snapshot.count()).toBe(3);
  });

  it('restart during spooling loses nothing', async () => {
    await server.stopHttp();
    const pending = snapshots(runtime.tokens.collectorId, 3);
    for (const snapshot of pending) {
      await runtime.spool.add(snapshot);
    }
    await deliverSpool(runtime.spool, runtime.client, runtime.tokens, createCollectorLogger('debug', logs), deliveryOptions(config));

    // A new runtime on the same state folder stands for a restarted process.
    await server.restartHttp();
    const restarted = await openRuntime(config, createCollectorLogger('debug', logs));
    const report = await deliverSpool(restarted.spool, restarted.client, restarted.tokens, createCollectorLogger('debug', logs), deliveryOptions(config));

    expect(report.acknowledged).toBe(3);
    const rows = await server.database.prisma.snapshot.findMany({ orderBy: { collectedAt: 'asc' } });
    expect(rows.map((row) => row.id)).toEqual(pending.map((snapshot) => snapshot.snapshotId));
  });

  it('push repeated after a crash is stored once', async () => {
    const [snapshot] = snapshots(runtime.tokens.collectorId, 1);
    await runtime.spool.add(snapshot!);
    await deliverSpool(runtime.spool, runtime.client, runtime.tokens, createCollectorLogger('debug', logs), deliveryOptions(config));

    // A crash after the API stored the snapshot but before the spool file was deleted.
    await runtime.spool.add(snapshot!);
    const report = await deliverSpool(runtime.spool, runtime.client, runtime.tokens, createCollectorLogger('debug', logs), deliveryOptions(config));

    expect(report.acknowledged).toBe(1);
    expect(await server.database.prisma.snapshot.count()).toBe(1);
    expect(logs.find('snapshot already stored')).toHaveLength(1);
  });

  it('invalid snapshot moves to rejected', async () => {
    const [valid] = snapshots(runtime.tokens.collectorId, 1);
    const invalid = { ...valid!, snapshotId: uuidv7(), server: { ...valid!.server, port: 0 } };
    await runtime.spool.add(invalid);
    await runtime.spool.add({ ...valid!, snapshotId: uuidv7() });

    const report = await deliverSpool(runtime.spool, runtime.client, runtime.tokens, createCollectorLogger('debug', logs), deliveryOptions(config));

    expect(report).toEqual({ acknowledged: 1, rejected: 1, remaining: 0 });
    expect(await readdir(join(runtime.spool.dir, 'rejected'))).toEqual([`${invalid.snapshotId}.json`]);
    expect(logs.find('API rejected the snapshot; moved it to the rejected folder')[0]?.['reason']).toContain('input.server.port');
  });

  it('rejected token stops with a clear error', async () => {
    const state = JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8')) as CollectorState;
    await writeCollectorState(stateDir, { ...state, token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' });
    const broken = await openRuntime(config, createCollectorLogger('debug', logs));
    await broken.spool.add(snapshots(broken.tokens.collectorId, 1)[0]!);

    const delivery = deliverSpool(broken.spool, broken.client, broken.tokens, createCollectorLogger('debug', logs), deliveryOptions(config));

    await expect(delivery).rejects.toBeInstanceOf(CollectorAuthError);
    await expect(delivery).rejects.toThrow(/register/);
    expect(await broken.spool.list()).toHaveLength(1);
  });

  it('logs never contain the token', async () => {
    await runtime.spool.add(snapshots(runtime.tokens.collectorId, 1)[0]!);
    await deliverSpool(runtime.spool, runtime.client, runtime.tokens, createCollectorLogger('debug', logs), deliveryOptions(config));

    expect(logs.find('snapshot stored')[0]).toMatchObject({ rows: { databases: 1, locks: 1, replication: 0 } });
    expect(logs.text()).not.toContain(runtime.tokens.token);
    expect(logs.text()).not.toContain(server.config.registrationSecret);
  });
});

describe('collector delivery against a fake API', () => {
  let stateDir: string;
  let api: FakeApi | undefined;

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'collector-fake-'));
  });

  afterEach(async () => {
    await api?.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  async function runtimeFor(url: string, logs: LogCapture): Promise<{ config: CollectorConfig; runtime: CollectorRuntime }> {
    const config = await configFor(url, stateDir);
    const now = Date.now();
    await writeCollectorState(stateDir, {
      api: url,
      collectorId: '0190f3a0-0000-7000-8000-000000000001',
      token: 'old.token.value',
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + 86_400_000).toISOString(),
    });
    return { config, runtime: await openRuntime(config, createCollectorLogger('debug', logs)) };
  }

  const acknowledged = (snapshotId: unknown) => ({
    status: 200,
    body: { data: { pushMetrics: { snapshotId, serverId: 'server-1', stored: true, openAlerts: 0 } } },
  });

  it('429 waits for Retry-After', async () => {
    api = await FakeApi.start((request, index) =>
      index === 0
        ? { status: 429, headers: { 'retry-after': '1' }, body: { errors: [{ message: 'slow down', extensions: { code: 'RATE_LIMITED' } }] } }
        : acknowledged((request.body.variables['input'] as SnapshotWire).snapshotId),
    );
    const logs = new LogCapture();
    const { config, runtime } = await runtimeFor(api.url, logs);
    await runtime.spool.add(snapshots(runtime.tokens.collectorId, 1)[0]!);

    const report = await deliverSpool(runtime.spool, runtime.client, runtime.tokens, createCollectorLogger('debug', logs), deliveryOptions(config));

    expect(report.acknowledged).toBe(1);
    expect(api.requests).toHaveLength(2);
    expect(logs.find('push failed; retrying')[0]?.['delayMs']).toBe(1000);
  });

  it('5xx retries with backoff then spools', async () => {
    api = await FakeApi.start(() => ({ status: 503, body: { errors: [{ message: 'unavailable' }] } }));
    const logs = new LogCapture();
    const { config, runtime } = await runtimeFor(api.url, logs);
    await runtime.spool.add(snapshots(runtime.tokens.collectorId, 1)[0]!);

    const report = await deliverSpool(runtime.spool, runtime.client, runtime.tokens, createCollectorLogger('debug', logs), deliveryOptions(config));

    expect(report.remaining).toBe(1);
    expect(api.requests).toHaveLength(3);
    expect(logs.find('push failed; retrying')).toHaveLength(2);
  });

  it('401 renews the token once', async () => {
    api = await FakeApi.start((request) => {
      if (request.body.query.includes('refreshCollectorToken')) {
        return { status: 200, body: { data: { refreshCollectorToken: { collectorId: 'c', token: 'new.token.value', expiresAt: new Date(Date.now() + 86_400_000).toISOString() } } } };
      }
      return request.headers.authorization === 'Bearer new.token.value'
        ? acknowledged((request.body.variables['input'] as SnapshotWire).snapshotId)
        : { status: 401, body: { errors: [{ message: 'token has expired', extensions: { code: 'UNAUTHENTICATED' } }] } };
    });
    const logs = new LogCapture();
    const { config, runtime } = await runtimeFor(api.url, logs);
    await runtime.spool.add(snapshots(runtime.tokens.collectorId, 1)[0]!);

    const report = await deliverSpool(runtime.spool, runtime.client, runtime.tokens, createCollectorLogger('debug', logs), deliveryOptions(config));

    expect(report.acknowledged).toBe(1);
    expect(api.requests.map((request) => request.body.query.includes('refreshCollectorToken'))).toEqual([false, true, false]);
    const saved = JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8')) as { token: string };
    expect(saved.token).toBe('new.token.value');
  });
});

import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCollectorLogger } from '../src/collector/collectorLogger.js';
import { writeCollectorState } from '../src/collector/collectorState.js';
import { SnapshotSpool } from '../src/collector/snapshotSpool.js';
import type { SnapshotWire } from '../src/collector/snapshotWire.js';
import { uuidv7 } from '../src/collector/uuidv7.js';
import { FakeApi, type FakeReply, type FakeRequest } from './helpers/fakeApi.js';
import { collectCliOutput, spawnCollectorCli } from './helpers/runCollectorCli.js';
import { snapshotFixture } from './helpers/snapshotFixture.js';

const COLLECTOR_ID = '0190f3a0-0000-7000-8000-000000000002';
const SPOOL_MAX_BYTES = 100 * 1024 * 1024;

/** A promise with its resolve function, for replies that the test releases. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** Returns a 127.0.0.1 port that was free a moment ago, so that connecting to a target on it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once the child's stderr contains `text`. */
function waitForStderr(child: ChildProcess, text: string): Promise<void> {
  let seen = '';
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        child.stderr?.off('data', onData);
        resolve();
      }
    };
    child.stderr?.on('data', onData);
  });
}

function logLines(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function isPush(request: FakeRequest): boolean {
  return request.body.query.includes('pushMetrics');
}

function acknowledged(request: FakeRequest): FakeReply {
  const snapshotId = (request.body.variables['input'] as SnapshotWire).snapshotId;
  return { status: 200, body: { data: { pushMetrics: { snapshotId, serverId: 'server-1', stored: true, openAlerts: 0 } } } };
}

const NO_SETTINGS: FakeReply = { status: 200, body: { data: { collectorConfig: [] } } };

describe('collector run stopped by SIGTERM', () => {
  let stateDir: string;
  let spool: SnapshotSpool;
  let target: string;
  let api: FakeApi | undefined;
  let child: ChildProcess | undefined;

  // Each test spools one snapshot before `run` starts. The target's port is
  // closed, so `run` reads nothing and pushes only that snapshot.
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'collector-stop-'));
    spool = new SnapshotSpool(join(stateDir, 'spool'), SPOOL_MAX_BYTES, createCollectorLogger('silent'));
    await spool.add(snapshotFixture(COLLECTOR_ID, { snapshotId: uuidv7() }));
    target = `postgresql://postgres@127.0.0.1:${await closedPort()}/postgres`;
  });

  afterEach(async () => {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
    await api?.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  async function startRun(extraArgs: string[] = []): Promise<ChildProcess> {
    const now = Date.now();
    await writeCollectorState(stateDir, {
      api: api!.url,
      collectorId: COLLECTOR_ID,
      token: 'stop.test.token',
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + 86_400_000).toISOString(),
    });
    child = spawnCollectorCli(['run', '--interval', '1', '--state-dir', stateDir, '--target', target, ...extraArgs]);
    return child;
  }

  /**
   * Starts the fake API: settings requests get no settings, and each push
   * waits for `reply`, by default forever. The returned promise resolves
   * when the first push arrives.
   */
  async function startApiHoldingPushes(reply: (request: FakeRequest) => Promise<FakeReply> = () => new Promise(() => {})) {
    const pushArrived = deferred<void>();
    api = await FakeApi.start((request) => {
      if (!isPush(request)) {
        return NO_SETTINGS;
      }
      pushArrived.resolve();
      return reply(request);
    });
    return { pushArrived: pushArrived.promise };
  }

  it('finishes the push in flight', async () => {
    const release = deferred<void>();
    const { pushArrived } = await startApiHoldingPushes(async (request) => {
      await release.promise;
      return acknowledged(request);
    });
    const started = await startRun();
    const output = collectCliOutput(started);

    await pushArrived;
    const stopping = waitForStderr(started, 'stopping after the push in flight');
    started.kill('SIGTERM');
    await stopping;
    expect(await spool.list()).toHaveLength(1);
    release.resolve();
    const result = await output;

    expect(result.code).toBe(0);
    expect(await spool.list()).toHaveLength(0);
    expect(api!.requests.filter(isPush)).toHaveLength(1);
    const messages = logLines(result.stderr).map((line) => line['msg']);
    expect(messages.filter((message) => message === 'reading the target failed')).toHaveLength(1);
    expect(messages.filter((message) => message === 'collection cycle finished')).toHaveLength(1);
    expect(messages.indexOf('stopping after the push in flight')).toBeLessThan(messages.indexOf('snapshot stored'));
    expect(messages.at(-1)).toBe('collector stopped');
  });

  it('keeps the snapshot when the push times out', async () => {
    const { pushArrived } = await startApiHoldingPushes();
    const started = await startRun(['--request-timeout', '1']);
    const output = collectCliOutput(started);

    await pushArrived;
    started.kill('SIGTERM');
    const result = await output;

    expect(result.code).toBe(0);
    expect(await spool.list()).toHaveLength(1);
    expect(api!.requests.filter(isPush)).toHaveLength(1);
    const lines = logLines(result.stderr);
    const deferredPush = lines.find((line) => line['msg'] === 'API unavailable; snapshots stay in the spool');
    expect(deferredPush?.['reason']).toMatch(/timed out: no complete response within 1000 ms/);
    const messages = lines.map((line) => line['msg']);
    expect(messages).not.toContain('push failed; retrying');
    expect(messages.at(-1)).toBe('collector stopped');
  });

  it('sends no settings request after the stop', async () => {
    const pushArrived = deferred<void>();
    const never = deferred<FakeReply>();
    api = await FakeApi.start((request, index) => {
      if (index === 0) {
        return { status: 503, body: { errors: [{ message: 'unavailable' }] } };
      }
      if (isPush(request)) {
        pushArrived.resolve();
      }
      return never.promise;
    });
    const started = await startRun(['--request-timeout', '1']);
    const output = collectCliOutput(started);

    await pushArrived.promise;
    const requestsBeforeStop = api.requests.length;
    started.kill('SIGTERM');
    const result = await output;

    expect(result.code).toBe(0);
    expect(api.requests).toHaveLength(requestsBeforeStop);
    expect(await spool.list()).toHaveLength(1);
  });

  it('second SIGTERM ends it at once', async () => {
    const { pushArrived } = await startApiHoldingPushes();
    const started = await startRun();
    const output = collectCliOutput(started);

    await pushArrived;
    const stopping = waitForStderr(started, 'stopping after the push in flight');
    started.kill('SIGTERM');
    await stopping;
    started.kill('SIGTERM');
    const result = await output;

    expect(result.signal).toBe('SIGTERM');
    expect(await spool.list()).toHaveLength(1);
  });
});

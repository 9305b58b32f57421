import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestServer } from './helpers/testServer.js';
import { collectCliOutput, runCollectorCli, spawnCollectorCli } from './helpers/runCollectorCli.js';

const liveUrl = process.env.TEST_DATABASE_URL;
const describeLive = liveUrl ? describe : describe.skip;

describe('collector CLI without a server', () => {
  it('help lists units and defaults', async () => {
    const result = await runCollectorCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--interval DURATION');
    expect(result.stdout).toContain('default: 60');
    expect(result.stdout).toContain('MTLS_CLIENT_CERT');
  });

  it('unknown flag exits 2', async () => {
    const result = await runCollectorCli(['once', '--no-such-flag']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--no-such-flag');
  });

  it('once before register exits 2', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'collector-cli-'));
    const result = await runCollectorCli(['once', '--target', 'postgresql://postgres@127.0.0.1/test', '--state-dir', stateDir]);
    await rm(stateDir, { recursive: true, force: true });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('run `pganalytics-collector register` first');
  });
});

describeLive('collector CLI against the real PostgreSQL (TEST_DATABASE_URL)', () => {
  let server: TestServer;
  let stateDir: string;

  beforeAll(async () => {
    server = await TestServer.start('pglite');
    stateDir = await mkdtemp(join(tmpdir(), 'collector-cli-'));
  });

  afterAll(async () => {
    await server.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('register, once and run fill servers', async () => {
    const secret = server.config.registrationSecret;
    const common = ['--api', server.url, '--state-dir', stateDir, '--target', liveUrl!];

    const registered = await runCollectorCli(['register', '--hostname', 'cli-e2e.example.test', ...common], { REGISTRATION_SECRET: secret });
    expect(registered.code).toBe(0);
    const state = JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8')) as { collectorId: string; token: string };
    expect(JSON.parse(registered.stdout).collectorId).toBe(state.collectorId);
    expect(registered.stdout + registered.stderr).not.toContain(state.token);
    expect(registered.stdout + registered.stderr).not.toContain(secret);
    expect((await stat(join(stateDir, 'state.json'))).mode & 0o777).toBe(0o600);

    const once = await runCollectorCli(['once', ...common]);
    expect(once.code).toBe(0);
    expect(once.stderr).not.toContain(state.token);
    const pushLine = once.stderr.split('\n').find((line) => line.includes('"event":"push"'));
    expect(pushLine).toBeDefined();
    expect(JSON.parse(pushLine!)).toMatchObject({ stored: true, status: 200 });

    const child = spawnCollectorCli(['run', '--interval', '1', ...common]);
    const output = collectCliOutput(child);
    await waitFor(async () => (await server.database.prisma.snapshot.count()) >= 2);
    child.kill('SIGTERM');
    const run = await output;
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('collector stopped');

    const viewer = await server.createUser('VIEWER');
    const servers = await server.graphql<{ servers: Array<{ host: string; port: number; summary: { connections: number } | null }> }>(
      '{ servers { host port summary { connections } } }',
      {},
      { token: viewer.token },
    );
    const url = new URL(liveUrl!);
    expect(servers.body.data?.servers).toHaveLength(1);
    expect(servers.body.data?.servers[0]?.host).toBe(url.hostname);
    expect(servers.body.data?.servers[0]?.summary?.connections).toBeGreaterThanOrEqual(0);

    const to = new Date(Date.now() + 60_000).toISOString();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const series = await server.graphql<{ servers: Array<{ timeseries: Array<{ value: number }> }> }>(
      'query ($from: DateTime!, $to: DateTime!) { servers { timeseries(metric: WAL_BYTES_PER_SECOND, from: $from, to: $to, step: 3600) { value } } }',
      { from, to },
      { token: viewer.token },
    );
    expect(series.body.data?.servers[0]?.timeseries.length).toBeGreaterThan(0);
  });

  it('dry run prints the snapshot', async () => {
    const result = await runCollectorCli(['once', '--dry-run', '--target', liveUrl!, '--state-dir', stateDir]);
    expect(result.code).toBe(0);
    const snapshot = JSON.parse(result.stdout) as { snapshotId: string; databases: unknown[] };
    expect(snapshot.snapshotId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(snapshot.databases.length).toBeGreaterThan(0);
  });
});

async function waitFor(condition: () => Promise<boolean>, attempts = 150): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (await condition()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('condition not met within the bounded wait');
}

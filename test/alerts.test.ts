import { TestServer, type TestUser } from './helpers/testServer.js';
import { databaseKinds } from './helpers/testDatabase.js';
import { PUSH_METRICS, databaseRow, snapshotFixture } from './helpers/snapshotFixture.js';
import type { SnapshotWire } from '../src/collector/snapshotWire.js';

const ALERTS = `
  query ($serverId: ID, $state: AlertState, $first: Int, $after: String) {
    alerts(serverId: $serverId, state: $state, first: $first, after: $after) {
      nodes { id rule subject severity state value threshold message openedAt resolvedAt server { id } }
      pageInfo { endCursor hasNextPage }
    }
  }`;

interface AlertNode {
  id: string;
  rule: string;
  subject: string;
  severity: string;
  state: string;
  value: number;
  threshold: number;
  resolvedAt: string | null;
}

const MB = 1024 * 1024;

describe.each(databaseKinds())('default alert rules on %s', (kind) => {
  let server: TestServer;
  let viewer: TestUser;
  let collector: { collectorId: string; token: string };
  let clock = Date.now() - 6 * 3600_000;
  let systemIdentifier = 1000;

  beforeAll(async () => {
    server = await TestServer.start(kind);
    viewer = await server.createUser('VIEWER');
    collector = await server.registerCollector();
  });

  afterAll(async () => {
    await server.close();
  });

  /** Pushes a snapshot one minute after the previous one and returns the server id. */
  async function push(change: (snapshot: SnapshotWire) => SnapshotWire, options: { collectedAt?: number } = {}): Promise<string> {
    clock += 60_000;
    const base = snapshotFixture(collector.collectorId, { collectedAt: new Date(options.collectedAt ?? clock).toISOString() });
    base.server.systemIdentifier = String(systemIdentifier);
    const response = await server.graphql<{ pushMetrics: { serverId: string } }>(PUSH_METRICS, { input: change(base) }, { token: collector.token });
    if (!response.body.data) {
      throw new Error(JSON.stringify(response.body.errors));
    }
    return response.body.data.pushMetrics.serverId;
  }

  async function alerts(variables: Record<string, unknown>) {
    const response = await server.graphql<{ alerts: { nodes: AlertNode[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } }>(
      ALERTS, variables, { token: viewer.token },
    );
    if (!response.body.data) {
      throw new Error(JSON.stringify(response.body.errors));
    }
    return response.body.data.alerts;
  }

  const connections = (total: number) => (s: SnapshotWire) => ({ ...s, activity: { ...s.activity, totalConnections: total } });

  it('escalates and resolves one connections alert', async () => {
    systemIdentifier += 1;
    const serverId = await push(connections(85));
    const warning = (await alerts({ serverId, state: 'FIRING' })).nodes;
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatchObject({ rule: 'connections_utilization', severity: 'WARNING', value: 0.85, threshold: 0.8 });

    await push(connections(97));
    const critical = (await alerts({ serverId, state: 'FIRING' })).nodes;
    expect(critical).toHaveLength(1);
    expect(critical[0]).toMatchObject({ id: warning[0]!.id, severity: 'CRITICAL', threshold: 0.95 });

    await push(connections(50));
    expect((await alerts({ serverId, state: 'FIRING' })).nodes).toHaveLength(0);
    const resolved = (await alerts({ serverId, state: 'RESOLVED' })).nodes;
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({ id: warning[0]!.id, state: 'RESOLVED', resolvedAt: expect.any(String) });
  });

  const lockWait = (seconds: number) => (s: SnapshotWire) => ({
    ...s,
    activity: { ...s.activity, waitingOnLocks: seconds > 0 ? 1 : 0, longestLockWaitSeconds: seconds },
  });

  it('escalates and resolves one lock wait alert', async () => {
    systemIdentifier += 1;
    const serverId = await push(lockWait(400));
    const warning = (await alerts({ serverId, state: 'FIRING' })).nodes;
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatchObject({ rule: 'sessions_blocked_on_locks', severity: 'WARNING', value: 400, threshold: 300 });

    await push(lockWait(700));
    const critical = (await alerts({ serverId, state: 'FIRING' })).nodes;
    expect(critical).toHaveLength(1);
    expect(critical[0]).toMatchObject({ id: warning[0]!.id, severity: 'CRITICAL', value: 700, threshold: 600 });

    await push(lockWait(0));
    expect((await alerts({ serverId, state: 'FIRING' })).nodes).toHaveLength(0);
    const resolved = (await alerts({ serverId, state: 'RESOLVED' })).nodes;
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({ id: warning[0]!.id, state: 'RESOLVED', resolvedAt: expect.any(String) });
  });

  it('accepts a snapshot without the lock wait', async () => {
    systemIdentifier += 1;
    const serverId = await push(lockWait(900));
    expect((await alerts({ serverId, state: 'FIRING' })).nodes).toHaveLength(1);

    // An older collector sends no longestLockWaitSeconds: the metric has no value and the alert resolves.
    await push((s) => {
      const { longestLockWaitSeconds: _omitted, ...activity } = s.activity;
      return { ...s, activity: { ...activity, waitingOnLocks: 3 } } as SnapshotWire;
    });
    expect((await alerts({ serverId, state: 'FIRING' })).nodes).toHaveLength(0);
    const samples = await server.database.prisma.activitySample.findMany({ where: { serverId }, orderBy: { collectedAt: 'asc' } });
    expect(samples.map((sample) => sample.longestLockWaitSeconds)).toEqual([900, null]);
    expect(samples.map((sample) => sample.waitingOnLocks)).toEqual([1, 3]);
  });

  it('does not reopen an alert from a replayed older snapshot', async () => {
    systemIdentifier += 1;
    const serverId = await push(connections(10));
    await push(connections(99), { collectedAt: clock - 30 * 60_000 });
    expect((await alerts({ serverId, state: 'FIRING' })).nodes).toHaveLength(0);
  });

  it('opens alerts per standby and per database', async () => {
    systemIdentifier += 1;
    const standby = (name: string, lag: number) => ({
      standby: name, clientAddr: null, state: 'streaming', syncState: 'async',
      sentLagBytes: '0', writeLagBytes: '0', flushLagBytes: '0', replayLagBytes: String(lag),
      writeLagSeconds: null, flushLagSeconds: null, replayLagSeconds: null,
    });
    const serverId = await push((s) => ({
      ...s,
      replication: [standby('near', 1 * MB), standby('far', 200 * MB), standby('gone', 2048 * MB)],
      databases: [databaseRow('young'), databaseRow('old', { frozenXidAge: String(Math.round(0.85 * 2 ** 31)) })],
      activity: { ...s.activity, longestTransactionSeconds: 45 * 60 },
    }));

    const firing = (await alerts({ serverId, state: 'FIRING' })).nodes.map((a) => `${a.rule}/${a.subject}/${a.severity}`).sort();
    expect(firing).toEqual([
      'long_transaction//WARNING',
      'replication_replay_lag/far/WARNING',
      'replication_replay_lag/gone/CRITICAL',
      'transaction_id_age/old/CRITICAL',
    ]);

    // The standby "gone" disconnected: its alert resolves with the others recovering.
    await push((s) => ({ ...s, replication: [standby('far', 0)] }));
    expect((await alerts({ serverId, state: 'FIRING' })).nodes).toHaveLength(0);
  });

  it('opens a cache hit ratio alert from the interval, not the lifetime', async () => {
    systemIdentifier += 1;
    const serverId = await push((s) => ({ ...s, databases: [databaseRow('app', { blksHit: '990000', blksRead: '10000' })] }));
    expect((await alerts({ serverId, state: 'FIRING' })).nodes).toHaveLength(0);

    await push((s) => ({ ...s, databases: [databaseRow('app', { blksHit: '990500', blksRead: '11000' })] }));
    const firing = (await alerts({ serverId, state: 'FIRING' })).nodes;
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({ rule: 'cache_hit_ratio', severity: 'WARNING', threshold: 0.9 });
    expect(firing[0]!.value).toBeCloseTo(500 / 1500, 6);
  });

  it('pages through alerts newest first', async () => {
    const all = await alerts({ first: 200 });
    expect(all.nodes.length).toBeGreaterThanOrEqual(5);

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const result: Awaited<ReturnType<typeof alerts>> = await alerts({ first: 2, after });
      seen.push(...result.nodes.map((node) => node.id));
      if (!result.pageInfo.hasNextPage) {
        break;
      }
      after = result.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.nodes.map((node) => node.id));
  });

  it('rejects a page size out of range and a forged cursor', async () => {
    const big = await server.graphql(ALERTS, { first: 1000 }, { token: viewer.token });
    expect(big.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const forged = await server.graphql(ALERTS, { after: 'bm90LWEtY3Vyc29y' }, { token: viewer.token });
    expect(forged.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

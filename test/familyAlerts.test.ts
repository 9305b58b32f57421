import { TestServer, type TestUser } from './helpers/testServer.js';
import { databaseKinds } from './helpers/testDatabase.js';
import { snapshotFixture } from './helpers/snapshotFixture.js';
import type { SnapshotWire, TableStatsWire } from '../src/collector/snapshotWire.js';

const ALERTS = `
  query ($serverId: ID, $state: AlertState) {
    alerts(serverId: $serverId, state: $state) { nodes { id rule subject severity state value threshold } }
  }`;

const TIMESERIES = `
  query ($id: ID!, $metric: MetricName!, $from: DateTime!, $to: DateTime!, $step: Int) {
    server(id: $id) { timeseries(metric: $metric, from: $from, to: $to, step: $step) { time value } }
  }`;

interface AlertNode {
  id: string;
  rule: string;
  subject: string;
  severity: string;
  state: string;
  value: number;
  threshold: number;
}

const MINUTE = 60_000;

function slot(active: boolean): SnapshotWire['replicationSlots'] {
  return [{ slotName: 'standby_1', slotType: 'physical', database: null, active, retainedBytes: '1000', xminAge: null }];
}

function table(relname: string, live: number, dead: number): TableStatsWire {
  return {
    datname: 'app', schemaname: 'public', relname, seqScan: '1', idxScan: '1', nTupIns: '1', nTupUpd: '1', nTupDel: '1',
    nTupHotUpd: '0', nLiveTup: String(live), nDeadTup: String(dead), lastVacuum: null, lastAutovacuum: null,
    lastAnalyze: null, lastAutoanalyze: null, heapBlksRead: '1', heapBlksHit: '1', idxBlksRead: '1', idxBlksHit: '1', sizeBytes: '8192',
  };
}

describe.each(databaseKinds())('family alert rules on %s', (kind) => {
  let server: TestServer;
  let viewer: TestUser;
  let collector: { collectorId: string; token: string };
  let systemIdentifier = 2000;
  const start = Date.now() - 12 * 3600_000;

  beforeAll(async () => {
    server = await TestServer.start(kind);
    viewer = await server.createUser('VIEWER');
    collector = await server.registerCollector();
  });

  afterAll(async () => {
    await server.close();
  });

  /** Pushes a snapshot of the current test's server taken `minutes` after `start` and returns the server id. */
  async function push(minutes: number, families: Partial<SnapshotWire>): Promise<string> {
    const snapshot = snapshotFixture(collector.collectorId, { collectedAt: new Date(start + minutes * MINUTE).toISOString(), ...families });
    snapshot.server.systemIdentifier = String(systemIdentifier);
    return server.pushSnapshot(collector.token, snapshot);
  }

  async function alerts(serverId: string, state: string): Promise<AlertNode[]> {
    const response = await server.graphql<{ alerts: { nodes: AlertNode[] } }>(ALERTS, { serverId, state }, { token: viewer.token });
    if (!response.body.data) {
      throw new Error(JSON.stringify(response.body.errors));
    }
    return response.body.data.alerts.nodes;
  }

  it('inactive slot fires after 30 minutes', async () => {
    systemIdentifier += 1;
    const serverId = await push(0, { replicationSlots: slot(true) });
    await push(1, { replicationSlots: slot(false) });
    await push(30, { replicationSlots: slot(false) });
    expect(await alerts(serverId, 'FIRING')).toHaveLength(0);

    await push(32, { replicationSlots: slot(false) });
    const firing = await alerts(serverId, 'FIRING');
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({ rule: 'inactive_replication_slot', subject: 'standby_1', severity: 'WARNING', value: 1860 });

    await push(33, { replicationSlots: slot(true) });
    expect(await alerts(serverId, 'FIRING')).toHaveLength(0);
    const resolved = await alerts(serverId, 'RESOLVED');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]?.id).toBe(firing[0]?.id);
  });

  it('inactive slot restarts after activity', async () => {
    systemIdentifier += 1;
    const serverId = await push(0, { replicationSlots: slot(false) });
    await push(20, { replicationSlots: slot(true) });
    await push(21, { replicationSlots: slot(false) });
    await push(45, { replicationSlots: slot(false) });
    expect(await alerts(serverId, 'FIRING')).toHaveLength(0);

    // The window starts after the slot became inactive, so the series reads earlier samples.
    const response = await server.graphql<{ server: { timeseries: Array<{ value: number }> } }>(
      TIMESERIES,
      { id: serverId, metric: 'INACTIVE_REPLICATION_SLOT_SECONDS', from: new Date(start + 30 * MINUTE).toISOString(), to: new Date(start + 46 * MINUTE).toISOString(), step: 60 },
      { token: viewer.token },
    );
    expect(response.body.data?.server.timeseries.map((point) => point.value)).toEqual([24 * 60]);
  });

  it('dead tuple ratio fires on large tables only', async () => {
    systemIdentifier += 1;
    const serverId = await push(0, { tables: [table('orders', 9000, 5000), table('settings', 100, 900)] });
    const firing = await alerts(serverId, 'FIRING');
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({ rule: 'dead_tuple_ratio', subject: 'app.public.orders', threshold: 0.2 });
    expect(firing[0]?.value).toBeCloseTo(5000 / 14000);

    await push(1, { tables: [table('orders', 13_900, 100), table('settings', 100, 900)] });
    expect(await alerts(serverId, 'FIRING')).toHaveLength(0);
    expect(await alerts(serverId, 'RESOLVED')).toHaveLength(1);
  });
});

import { checkNotReporting } from '../src/alerts/checkNotReporting.js';
import { databaseKinds } from './helpers/testDatabase.js';
import { snapshotFixture } from './helpers/snapshotFixture.js';
import { TestServer, type TestUser } from './helpers/testServer.js';

const RETIRE = 'mutation ($id: ID!) { retireServer(id: $id) { id retiredAt } }';
const SERVERS = 'query ($all: Boolean) { servers(includeRetired: $all) { id retiredAt } }';
const ALERTS = 'query ($serverId: ID) { alerts(serverId: $serverId, first: 50) { nodes { rule state history { kind } } } }';
const MINUTE = 60_000;

interface AlertNode {
  rule: string;
  state: string;
  history: Array<{ kind: string }>;
}

describe.each(databaseKinds())('retireServer on %s', (kind) => {
  let server: TestServer;
  let admin: TestUser;
  let collector: { collectorId: string; token: string };
  // The API rejects snapshots from the future, so the test clock starts an hour back and moves forward.
  let clock = new Date(Date.now() - 60 * MINUTE);

  beforeEach(async () => {
    server = await TestServer.start(kind, { now: () => clock });
    admin = await server.createUser('ADMIN');
    collector = await server.registerCollector();
  });

  afterEach(async () => {
    await server.close();
  });

  /** Pushes a snapshot taken at `collectedAt` with a connection count that fires connections_utilization when `busy`. */
  async function push(collectedAt: Date, busy: boolean): Promise<string> {
    const base = snapshotFixture(collector.collectorId, { collectedAt: collectedAt.toISOString() });
    const activity = busy ? { ...base.activity, totalConnections: base.server.maxConnections } : base.activity;
    return server.pushSnapshot(collector.token, { ...base, activity });
  }

  async function alertsOf(serverId: string): Promise<AlertNode[]> {
    const response = await server.graphql<{ alerts: { nodes: AlertNode[] } }>(ALERTS, { serverId }, { token: admin.token });
    return response.body.data!.alerts.nodes;
  }

  async function retire(serverId: string): Promise<string | null> {
    const response = await server.graphql<{ retireServer: { retiredAt: string | null } }>(RETIRE, { id: serverId }, { token: admin.token });
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.retireServer.retiredAt;
  }

  async function listedIds(includeRetired: boolean): Promise<string[]> {
    const response = await server.graphql<{ servers: Array<{ id: string }> }>(SERVERS, { all: includeRetired }, { token: admin.token });
    return response.body.data!.servers.map((listed) => listed.id);
  }

  it('resolves alerts and hides the server', async () => {
    const serverId = await push(new Date(clock.getTime() - MINUTE), true);
    expect((await alertsOf(serverId)).map((alert) => alert.state)).toEqual(['FIRING']);

    const retiredAt = await retire(serverId);

    expect(retiredAt).toBe(clock.toISOString());
    const [alert] = await alertsOf(serverId);
    expect(alert!.state).toBe('RESOLVED');
    expect(alert!.history.map((event) => event.kind)).toEqual(['FIRING', 'RESOLVED']);
    expect(await listedIds(false)).toEqual([]);
    expect(await listedIds(true)).toEqual([serverId]);
    expect(server.logs.find('server retired')).toHaveLength(1);
  });

  it('keeps the first retirement time', async () => {
    const serverId = await push(new Date(clock.getTime() - MINUTE), false);
    const first = await retire(serverId);
    clock = new Date(clock.getTime() + MINUTE);

    expect(await retire(serverId)).toBe(first);
    const audit = await server.graphql<{ auditEvents: { nodes: Array<{ targetId: string }> } }>(
      '{ auditEvents(filter: { action: SERVER_RETIRED }) { nodes { targetId } } }', {}, { token: admin.token },
    );
    expect(audit.body.data!.auditEvents.nodes).toEqual([{ targetId: serverId }]);
  });

  it('skips the not-reporting check', async () => {
    const serverId = await push(new Date(clock.getTime() - MINUTE), false);
    await retire(serverId);

    const result = await checkNotReporting(server.database.prisma, new Date(clock.getTime() + 600 * MINUTE), 3);

    expect(result).toEqual({ opened: 0, resolved: 0 });
  });

  it('stays retired for older snapshots', async () => {
    const serverId = await push(new Date(clock.getTime() - 3 * MINUTE), false);
    const retiredAt = await retire(serverId);
    await push(new Date(clock.getTime() - MINUTE), true);

    expect(await alertsOf(serverId)).toEqual([]);
    expect(await listedIds(false)).toEqual([]);
    expect(await listedIds(true)).toEqual([serverId]);
    expect(retiredAt).not.toBeNull();
  });

  it('returns on a later snapshot', async () => {
    const serverId = await push(new Date(clock.getTime() - MINUTE), false);
    await retire(serverId);
    clock = new Date(clock.getTime() + 5 * MINUTE);

    await push(new Date(clock.getTime() - MINUTE), true);

    expect(await listedIds(false)).toEqual([serverId]);
    expect((await alertsOf(serverId)).map((alert) => alert.state)).toEqual(['FIRING']);
    expect(server.logs.find('retired server reported again')).toHaveLength(1);
  });

  it('rejects an unknown server', async () => {
    const response = await server.graphql(RETIRE, { id: '00000000-0000-4000-8000-000000000000' }, { token: admin.token });
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('is for admins only', async () => {
    const serverId = await push(new Date(clock.getTime() - MINUTE), false);
    const user = await server.createUser('USER');
    const response = await server.graphql(RETIRE, { id: serverId }, { token: user.token });
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('retires the servers of a deleted collector', async () => {
    const serverId = await push(new Date(clock.getTime() - MINUTE), true);

    const deleted = await server.graphql('mutation ($id: ID!) { deleteCollector(id: $id) }', { id: collector.collectorId }, { token: admin.token });

    expect(deleted.body.errors).toBeUndefined();
    expect(await listedIds(false)).toEqual([]);
    expect((await alertsOf(serverId)).map((alert) => alert.state)).toEqual(['RESOLVED']);
  });
});

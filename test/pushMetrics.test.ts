import { randomUUID } from 'node:crypto';
import { TestServer, type TestUser } from './helpers/testServer.js';
import { databaseKinds } from './helpers/testDatabase.js';
import { PUSH_METRICS, databaseRow, snapshotFixture } from './helpers/snapshotFixture.js';
import type { SnapshotWire } from '../src/collector/snapshotWire.js';

interface PushResult {
  pushMetrics: { snapshotId: string; serverId: string; stored: boolean; openAlerts: number };
}

describe.each(databaseKinds())('pushMetrics on %s', (kind) => {
  let server: TestServer;
  let collector: { collectorId: string; token: string };
  let viewer: TestUser;

  beforeAll(async () => {
    server = await TestServer.start(kind);
    collector = await server.registerCollector();
    viewer = await server.createUser('VIEWER');
  });

  afterAll(async () => {
    await server.close();
  });

  function push(snapshot: SnapshotWire, token = collector.token) {
    return server.graphql<PushResult>(PUSH_METRICS, { input: snapshot }, { token });
  }

  function errorOf(response: { body: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }) {
    const error = response.body.errors?.[0];
    return { code: error?.extensions?.['code'], field: error?.extensions?.['field'], message: error?.message };
  }

  it('stores a snapshot and shows the server to a viewer', async () => {
    const snapshot = snapshotFixture(collector.collectorId);
    const response = await push(snapshot);
    expect(response.status).toBe(200);
    expect(response.body.data?.pushMetrics).toMatchObject({ snapshotId: snapshot.snapshotId, stored: true, openAlerts: 0 });

    const servers = await server.graphql<{ servers: Array<{ id: string; version: string; summary: { connections: number } }> }>(
      '{ servers { id version summary { connections connectionUtilization cacheHitRatio openAlerts } } }',
      {},
      { token: viewer.token },
    );
    const listed = servers.body.data!.servers.find((row) => row.id === response.body.data!.pushMetrics.serverId);
    expect(listed).toMatchObject({ version: snapshot.server.version, summary: { connections: 10, connectionUtilization: 0.1, cacheHitRatio: 0.99, openAlerts: 0 } });
  });

  it('answers 401 without a token', async () => {
    const response = await server.graphql(PUSH_METRICS, { input: snapshotFixture(collector.collectorId) });
    expect(response.status).toBe(401);
    expect(errorOf(response).code).toBe('UNAUTHENTICATED');
  });

  it('rejects a push for another collector', async () => {
    const other = await server.registerCollector();
    const response = await push(snapshotFixture(other.collectorId));
    expect(response.status).toBe(403);
    expect(errorOf(response)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/collectorId/) });
    expect(await server.database.prisma.snapshot.count({ where: { collectorId: other.collectorId } })).toBe(0);
  });

  it('stores a repeated snapshotId once', async () => {
    const snapshot = snapshotFixture(collector.collectorId, { collectedAt: new Date(Date.now() - 3_600_000).toISOString() });
    const first = await push(snapshot);
    const second = await push(snapshot);
    expect(first.body.data?.pushMetrics.stored).toBe(true);
    expect(second.body.data?.pushMetrics).toMatchObject({ stored: false, serverId: first.body.data?.pushMetrics.serverId });
    expect(await server.database.prisma.snapshot.count({ where: { id: snapshot.snapshotId } })).toBe(1);
    expect(await server.database.prisma.databaseSample.count({ where: { snapshotId: snapshot.snapshotId } })).toBe(1);
  });

  it('stores hostile strings verbatim', async () => {
    const hostile = [`x'); DROP TABLE users; --`, '{"a": [1, "\\u0022"]}\\', 'é€𝄞 \t\n"\'`$1 %s'];
    const snapshot = snapshotFixture(collector.collectorId, {
      server: { ...snapshotFixture(collector.collectorId).server, systemIdentifier: null, host: hostile[0]!, version: hostile[1]! },
      databases: hostile.map((name) => databaseRow(name.slice(0, 30))),
      locks: [{ mode: hostile[2]!, granted: false, count: 1 }],
    });
    const response = await push(snapshot);
    expect(response.status).toBe(200);

    const serverId = response.body.data!.pushMetrics.serverId;
    const stored = await server.database.prisma.monitoredServer.findUniqueOrThrow({ where: { id: serverId } });
    expect(stored.host).toBe(hostile[0]);
    expect(stored.version).toBe(hostile[1]);
    const names = (await server.database.prisma.databaseSample.findMany({ where: { snapshotId: snapshot.snapshotId } })).map((row) => row.datname);
    expect(names.sort()).toEqual(hostile.map((name) => name.slice(0, 30)).sort());
    expect(await server.database.prisma.user.count()).toBeGreaterThan(0);
  });

  it.each([
    ['a snapshotId that is not a UUID', (s: SnapshotWire) => ({ ...s, snapshotId: 'not-a-uuid' }), 'input.snapshotId'],
    ['a time far in the future', (s: SnapshotWire) => ({ ...s, collectedAt: new Date(Date.now() + 3_600_000).toISOString() }), 'input.collectedAt'],
    ['a port out of range', (s: SnapshotWire) => ({ ...s, server: { ...s.server, port: 70000 } }), 'input.server.port'],
    ['a negative counter', (s: SnapshotWire) => ({ ...s, databases: [databaseRow('app', { xactCommit: '-1' })] }), 'input.databases[0].xactCommit'],
    ['a database name over 63 bytes', (s: SnapshotWire) => ({ ...s, databases: [databaseRow('é'.repeat(32))] }), 'input.databases[0].datname'],
    ['duplicate databases', (s: SnapshotWire) => ({ ...s, databases: [databaseRow('a'), databaseRow('a')] }), 'input.databases[1]'],
    ['too many databases', (s: SnapshotWire) => ({ ...s, databases: Array.from({ length: 1001 }, (_v, i) => databaseRow(`db${i}`)) }), 'input.databases'],
    ['a NUL character', (s: SnapshotWire) => ({ ...s, server: { ...s.server, host: 'a\u0000b' } }), 'input.server.host'],
    ['a negative lock wait', (s: SnapshotWire) => ({ ...s, activity: { ...s.activity, longestLockWaitSeconds: -1 } }), 'input.activity.longestLockWaitSeconds'],
  ])('rejects %s naming the field', async (_case, change, field) => {
    const response = await push(change(snapshotFixture(collector.collectorId)));
    expect(response.status).toBe(400);
    expect(errorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('rejects an infinite lock wait', async () => {
    // JSON has no Infinity, but JSON.parse reads 1e400 as Infinity.
    const body = JSON.stringify({ query: PUSH_METRICS, variables: { input: snapshotFixture(collector.collectorId) } })
      .replace('"longestLockWaitSeconds":0', '"longestLockWaitSeconds":1e400');
    expect(body).toContain('1e400');
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${collector.token}` },
      body,
    });
    const parsed = (await response.json()) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
    expect(response.status).toBe(400);
    expect(errorOf({ body: parsed })).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/longestLockWaitSeconds/) });
  });

  it('rejects a counter that is not an integer string', async () => {
    const response = await push(snapshotFixture(collector.collectorId, { databases: [databaseRow('app', { blksHit: '12.5' })] }));
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe('BAD_USER_INPUT');
    expect(errorOf(response).message).toMatch(/BigInt/);
  });

  it('stores nothing when part of a snapshot fails', async () => {
    const collectedAt = new Date(Date.now() - 7_200_000).toISOString();
    await push(snapshotFixture(collector.collectorId, { collectedAt }));
    const clash = snapshotFixture(collector.collectorId, { collectedAt, databases: [databaseRow('only-in-second')] });
    const response = await push(clash);

    expect(response.status).toBe(409);
    expect(errorOf(response).code).toBe('CONFLICT');
    expect(await server.database.prisma.snapshot.count({ where: { id: clash.snapshotId } })).toBe(0);
    expect(await server.database.prisma.databaseSample.count({ where: { datname: 'only-in-second' } })).toBe(0);
  });

  it('keeps servers apart by system identifier', async () => {
    const base = snapshotFixture(collector.collectorId);
    const a = await push({ ...base, server: { ...base.server, systemIdentifier: '111' } });
    const b = await push({ ...snapshotFixture(collector.collectorId), server: { ...base.server, systemIdentifier: '222' } });
    expect(a.body.data!.pushMetrics.serverId).not.toBe(b.body.data!.pushMetrics.serverId);
  });

  it('identifies a server by host and port without a system identifier', async () => {
    const base = snapshotFixture(collector.collectorId);
    const server1 = { ...base.server, systemIdentifier: null, host: 'replica.example.test', port: 6432 };
    const a = await push({ ...base, server: server1 });
    const b = await push({ ...snapshotFixture(collector.collectorId, { collectedAt: new Date(Date.now() + 1000).toISOString() }), server: server1 });
    expect(a.body.data!.pushMetrics.serverId).toBe(b.body.data!.pushMetrics.serverId);
  });

  it('reports the server of a new snapshotId with a fresh uuid', async () => {
    const response = await push(snapshotFixture(collector.collectorId, { snapshotId: randomUUID().toUpperCase() }));
    expect(response.body.data?.pushMetrics.stored).toBe(true);
  });
});

import { TestServer, type TestUser } from './helpers/testServer.js';
import { PUSH_METRICS, databaseRow, snapshotFixture } from './helpers/snapshotFixture.js';

function firstError(response: { body: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }) {
  return response.body.errors?.[0];
}

describe('GraphQL request limits', () => {
  let server: TestServer;
  let admin: TestUser;

  beforeAll(async () => {
    server = await TestServer.start();
    admin = await server.createUser('ADMIN');
  });

  afterAll(async () => {
    await server.close();
  });

  it('rejects a query deeper than GRAPHQL_MAX_DEPTH', async () => {
    const deep = '{ alerts { nodes { server { collector { servers { collector { servers { collector { servers { collector { id } } } } } } } } } } }';
    const response = await server.graphql(deep, {}, { token: admin.token });
    expect(response.status).toBe(400);
    expect(firstError(response)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('rejects more aliases than GRAPHQL_MAX_ALIASES', async () => {
    const aliases = Array.from({ length: 16 }, (_v, i) => `m${i}: me { id }`).join(' ');
    const response = await server.graphql(`{ ${aliases} }`, {}, { token: admin.token });
    expect(response.status).toBe(400);
    expect(firstError(response)?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('rejects more directives than GRAPHQL_MAX_DIRECTIVES', async () => {
    const directives = Array.from({ length: 11 }, () => '@include(if: true)').join(' ');
    const response = await server.graphql(`{ me ${directives} { id } }`, {}, { token: admin.token });
    expect(response.status).toBe(400);
    expect(firstError(response)?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('rejects a document over GRAPHQL_MAX_TOKENS', async () => {
    const fields = Array.from({ length: 2100 }, () => 'id').join(' ');
    const response = await server.graphql(`{ me { ${fields} } }`, {}, { token: admin.token });
    expect(response.status).toBe(400);
    expect(firstError(response)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_PARSE_FAILED' });
  });

  it('rejects a query over GRAPHQL_MAX_COST', async () => {
    const cheap = await TestServer.start('pglite', { env: { GRAPHQL_MAX_COST: '50' } });
    try {
      const viewer = await cheap.createUser('VIEWER');
      const fields = 'id host port version maxConnections firstSeenAt lastSeenAt summary { connections cacheHitRatio openAlerts }';
      const response = await cheap.graphql(`{ a: servers { ${fields} } b: servers { ${fields} } c: servers { ${fields} } }`, {}, { token: viewer.token });
      expect(response.status).toBe(400);
      expect(firstError(response)?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(firstError(response)?.message).toMatch(/cost/i);
    } finally {
      await cheap.close();
    }
  });

  it('accepts the largest legitimate snapshot', async () => {
    const collector = await server.registerCollector();
    const standby = (name: string) => ({
      standby: name, clientAddr: '10.0.0.2', state: 'streaming', syncState: 'async',
      sentLagBytes: '0', writeLagBytes: '0', flushLagBytes: '0', replayLagBytes: '0',
      writeLagSeconds: 0.1, flushLagSeconds: 0.1, replayLagSeconds: 0.1,
    });
    const snapshot = snapshotFixture(collector.collectorId, {
      databases: Array.from({ length: 1000 }, (_v, i) => databaseRow(`database_with_a_long_name_${i}`)),
      locks: Array.from({ length: 100 }, (_v, i) => ({ mode: `Mode${i}`, granted: i % 2 === 0, count: i })),
      replication: Array.from({ length: 100 }, (_v, i) => standby(`standby-${i}`)),
    });
    const response = await server.graphql(PUSH_METRICS, { input: snapshot }, { token: collector.token });
    expect(firstError(response)).toBeUndefined();
    expect(response.status).toBe(200);
  });

  it('accepts a full dashboard query', async () => {
    const dashboard = `query ($from: DateTime!, $to: DateTime!) {
      me { id username role createdAt }
      servers {
        id host port version systemIdentifier maxConnections startedAt firstSeenAt lastSeenAt
        collector { id hostname description createdAt lastSeenAt }
        summary { collectedAt connections connectionUtilization cacheHitRatio openAlerts }
        config { serverId intervalSeconds families customized updatedAt }
        connections: timeseries(metric: CONNECTIONS, from: $from, to: $to) { time value }
        tps: timeseries(metric: TRANSACTIONS_PER_SECOND, from: $from, to: $to) { time value }
        cache: timeseries(metric: CACHE_HIT_RATIO, from: $from, to: $to) { time value }
        lag: timeseries(metric: REPLICATION_REPLAY_LAG_BYTES, from: $from, to: $to) { time value }
      }
      alerts(first: 50) {
        nodes { id rule subject severity state value threshold message openedAt resolvedAt server { id host } }
        pageInfo { endCursor hasNextPage }
      }
    }`;
    const to = new Date();
    const from = new Date(to.getTime() - 3600_000);
    const response = await server.graphql(dashboard, { from: from.toISOString(), to: to.toISOString() }, { token: admin.token });
    expect(firstError(response)).toBeUndefined();
  });

  it('limits bodies of other operations to BODY_LIMIT_BYTES', async () => {
    const padding = 'x'.repeat(120 * 1024);
    const response = await server.graphql(`query Padded { me { id } }\n# ${padding}`, {}, { token: admin.token });
    expect(response.status).toBe(413);
    expect(firstError(response)?.extensions?.['code']).toBe('PAYLOAD_TOO_LARGE');
  });

  it('limits every body to BODY_LIMIT_PUSH_METRICS_BYTES', async () => {
    const padding = 'x'.repeat(5 * 1024 * 1024);
    const response = await server.graphql(PUSH_METRICS, { input: { pad: padding } }, { token: admin.token });
    expect(response.status).toBe(413);
    expect(firstError(response)?.extensions?.['code']).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers malformed JSON with BAD_USER_INPUT', async () => {
    const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
  });

  it('suggests field names outside production', async () => {
    const response = await server.graphql('{ servers { hots } }', {}, { token: admin.token });
    expect(firstError(response)?.message).toMatch(/Did you mean/);
  });
});

describe('GraphQL request limits in production', () => {
  it('hides field suggestions', async () => {
    const server = await TestServer.start('pglite', { env: { ENVIRONMENT: 'production', TRUST_PROXY: 'loopback' } });
    try {
      const admin = await server.createUser('ADMIN');
      const response = await server.graphql('{ servers { hots } }', {}, { token: admin.token });
      expect(response.status).toBe(400);
      expect(firstError(response)?.message).not.toMatch(/Did you mean/);
    } finally {
      await server.close();
    }
  });
});

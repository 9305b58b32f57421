import { randomUUID } from 'node:crypto';
import { TestServer } from './helpers/testServer.js';
import { PUSH_METRICS, snapshotFixture } from './helpers/snapshotFixture.js';

const LOGIN = 'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }';

/**
 * The production limits, which TestServer raises for other tests. The
 * failed-login slowdown is pushed out of the way so that these tests see the
 * rate limits alone.
 */
const PRODUCTION_LIMITS = {
  LOGIN_FREE_FAILURES: '100',
  RATE_LIMIT_OPERATION_FACTOR: '1',
  RATE_LIMIT_USER_PER_MINUTE: '100',
  RATE_LIMIT_COLLECTOR_PER_MINUTE: '1000',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '60',
};

function codes(response: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }): unknown[] {
  return (response.body.errors ?? []).map((error) => error.extensions?.['code']);
}

describe('operation rate limits', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await TestServer.start('pglite', { env: { ...PRODUCTION_LIMITS, RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000' } });
  });

  afterEach(async () => {
    await server.close();
  });

  it('answers 429 with Retry-After over the login limit', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const response = await server.graphql(LOGIN, { u: 'alice', p: 'wrong-password-1' });
      expect(codes(response)).toEqual(['UNAUTHENTICATED']);
    }
    const limited = await server.graphql(LOGIN, { u: 'alice', p: 'wrong-password-1' });
    expect(limited.status).toBe(429);
    expect(limited.body.errors?.[0]).toMatchObject({ message: 'Too many requests', extensions: { code: 'RATE_LIMITED' } });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('limits per username without blocking other usernames', async () => {
    for (let attempt = 0; attempt < 6; attempt += 1) {
      await server.graphql(LOGIN, { u: 'alice', p: 'wrong-password-1' });
    }
    const other = await server.graphql(LOGIN, { u: 'bob', p: 'wrong-password-1' });
    expect(codes(other)).toEqual(['UNAUTHENTICATED']);
  });

  it('counts every alias', async () => {
    const user = await server.createUser('VIEWER');
    // createUser logged in once, so four more logins fit the limit of five.
    const aliases = (count: number) =>
      Array.from({ length: count }, (_v, i) => `a${i}: login(username: $u, password: $p) { token }`).join(' ');
    const four = await server.graphql(`mutation ($u: String!, $p: String!) { ${aliases(4)} }`, { u: user.username, p: user.password });
    expect(four.status).toBe(200);

    const next = await server.graphql(LOGIN, { u: user.username, p: user.password });
    expect(next.status).toBe(429);
    expect(codes(next)).toEqual(['RATE_LIMITED']);
  });

  it('rejects an operation whose aliases exceed the limit', async () => {
    const user = await server.createUser('VIEWER');
    const aliases = Array.from({ length: 8 }, (_v, i) => `a${i}: login(username: $u, password: $p) { token }`).join(' ');
    const response = await server.graphql(`mutation ($u: String!, $p: String!) { ${aliases} }`, { u: user.username, p: user.password });
    expect(response.status).toBe(429);
    expect(codes(response)).toEqual(['RATE_LIMITED']);
  });

  it('lets exactly the limit through under concurrency', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => server.graphql(LOGIN, { u: 'dave', p: 'wrong-password-1' })));
    expect(results.filter((r) => codes(r)[0] === 'UNAUTHENTICATED')).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(45);
  });

  it('ignores X-Forwarded-For from an untrusted peer', async () => {
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const spoofed = { 'x-forwarded-for': `203.0.113.${attempt + 1}` };
      const response = await server.graphql(LOGIN, { u: 'erin', p: 'wrong-password-1' }, { headers: spoofed });
      expect(response.status).toBe(attempt < 5 ? 401 : 429);
    }
  });

  it('rejects a batch of operations', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(Array.from({ length: 10 }, () => ({ query: LOGIN, variables: { u: 'frank', p: 'x' } }))),
    });
    expect(response.status).toBe(400);
  });
});

describe('client address behind a trusted proxy', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await TestServer.start('pglite', { env: { ...PRODUCTION_LIMITS, RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000', TRUST_PROXY: 'loopback' } });
  });

  afterAll(async () => {
    await server.close();
  });

  it('counts the rightmost untrusted address', async () => {
    for (let attempt = 0; attempt < 6; attempt += 1) {
      // The proxy appends the real client; the left entries are the client's own and may be forged.
      const headers = { 'x-forwarded-for': `198.51.100.${attempt + 1}, 203.0.113.7` };
      const response = await server.graphql(LOGIN, { u: 'gina', p: 'wrong-password-1' }, { headers });
      expect(response.status).toBe(attempt < 5 ? 401 : 429);
    }
    const otherClient = await server.graphql(LOGIN, { u: 'gina', p: 'wrong-password-1' }, { headers: { 'x-forwarded-for': '203.0.113.8' } });
    expect(otherClient.status).toBe(401);
  });

  it('rejects an address that is not an IP', async () => {
    const response = await server.graphql(LOGIN, { u: 'gina', p: 'x' }, { headers: { 'x-forwarded-for': 'not-an-address' } });
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('request budgets', () => {
  let clock: number;
  let server: TestServer;

  beforeEach(async () => {
    clock = Date.parse('2026-06-01T00:00:00Z');
    server = await TestServer.start('pglite', { env: { ...PRODUCTION_LIMITS, RATE_LIMIT_USER_PER_MINUTE: '5' }, now: () => new Date(clock) });
  });

  afterEach(async () => {
    await server.close();
  });

  it('allows a burst, then refills continuously', async () => {
    const viewer = await server.createUser('VIEWER');
    // The login of createUser was anonymous, so the user's bucket is full.
    for (let request = 0; request < 5; request += 1) {
      expect((await server.graphql('{ me { id } }', {}, { token: viewer.token })).status).toBe(200);
    }
    const limited = await server.graphql('{ me { id } }', {}, { token: viewer.token });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('12');
    expect(codes(limited)).toEqual(['RATE_LIMITED']);

    clock += 12_000;
    expect((await server.graphql('{ me { id } }', {}, { token: viewer.token })).status).toBe(200);
    expect((await server.graphql('{ me { id } }', {}, { token: viewer.token })).status).toBe(429);
  });

  it('gives an invalid token no fresh budget', async () => {
    for (let request = 0; request < 60; request += 1) {
      await server.graphql('{ me { id } }', {}, { token: `${randomUUID()}.a.b` });
    }
    const response = await server.graphql('{ me { id } }', {}, { token: `${randomUUID()}.a.b` });
    expect(response.status).toBe(429);
  });
});

describe('normal traffic', () => {
  it('never sees a 429', async () => {
    let clock = Date.parse('2026-06-01T00:00:00Z');
    const server = await TestServer.start('pglite', { env: PRODUCTION_LIMITS, now: () => new Date(clock) });
    try {
      const collector = await server.registerCollector();
      const viewer = await server.createUser('VIEWER');
      const statuses: number[] = [];

      // Ten minutes: a collector pushing every 60 s and a dashboard polling
      // five queries every 10 s.
      for (let second = 0; second < 600; second += 10) {
        clock += 10_000;
        if (second % 60 === 0) {
          const snapshot = snapshotFixture(collector.collectorId, { collectedAt: new Date(clock).toISOString() });
          statuses.push((await server.graphql(PUSH_METRICS, { input: snapshot }, { token: collector.token })).status);
        }
        for (const query of ['{ servers { id summary { connections cacheHitRatio openAlerts } } }', '{ alerts { nodes { id } } }', '{ me { id } }', '{ servers { id lastSeenAt } }', '{ alerts(state: FIRING) { nodes { id rule } } }']) {
          statuses.push((await server.graphql(query, {}, { token: viewer.token })).status);
        }
      }
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

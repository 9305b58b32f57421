import { TestServer } from './helpers/testServer.js';
import { databaseKinds } from './helpers/testDatabase.js';
import { throttleAddress } from '../src/auth/throttleAddress.js';

const LOGIN = 'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }';

describe.each(databaseKinds())('failed logins on %s', (kind) => {
  let server: TestServer;
  let clock: Date;

  beforeEach(async () => {
    clock = new Date('2026-03-01T12:00:00Z');
    server = await TestServer.start(kind, {
      now: () => clock,
      env: {
        TRUST_PROXY: '127.0.0.1',
        LOGIN_FREE_FAILURES: '2',
        LOGIN_MAX_DELAY: '60',
        LOGIN_LOCKOUT_THRESHOLD: '4',
        LOGIN_LOCKOUT_WINDOW: '1h',
        LOGIN_LOCKOUT_DURATION: '15m',
      },
    });
  });

  afterEach(async () => {
    await server.close();
  });

  function attempt(username: string, password: string, address: string) {
    return server.graphql(LOGIN, { u: username, p: password }, { headers: { 'x-forwarded-for': address } });
  }

  function advance(seconds: number): void {
    clock = new Date(clock.getTime() + seconds * 1000);
  }

  it('delays an address after repeated failures', async () => {
    const user = await server.createUser('VIEWER');
    await attempt(user.username, 'wrong-password-0001', '198.51.100.1');
    await attempt(user.username, 'wrong-password-0002', '198.51.100.1');

    const held = await attempt(user.username, user.password, '198.51.100.1');
    expect(held.status).toBe(429);
    expect(held.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 1 });
    expect(held.headers.get('retry-after')).toBe('1');

    const elsewhere = await attempt(user.username, user.password, '198.51.100.2');
    expect(elsewhere.status).toBe(200);
    advance(2);
    expect((await attempt(user.username, user.password, '198.51.100.1')).status).toBe(200);
  });

  it('counts concurrent guesses before comparing', async () => {
    const user = await server.createUser('VIEWER');
    const guesses = Array.from({ length: 8 }, (_, i) => attempt(user.username, `wrong-password-${i}-x`, '198.51.100.20'));

    const statuses = (await Promise.all(guesses)).map((response) => response.status);

    // LOGIN_FREE_FAILURES is 2: two guesses are compared, then the delay holds back the rest.
    expect(statuses.filter((status) => status === 401)).toHaveLength(2);
    expect(statuses.filter((status) => status === 429)).toHaveLength(6);
  });

  it('clears the count on success', async () => {
    const user = await server.createUser('VIEWER');
    await attempt(user.username, 'wrong-password-0001', '198.51.100.21');
    expect((await attempt(user.username, user.password, '198.51.100.21')).status).toBe(200);

    await attempt(user.username, 'wrong-password-0002', '198.51.100.21');

    expect((await attempt(user.username, user.password, '198.51.100.21')).status).toBe(200);
  });

  it('doubles the delay with each failure', async () => {
    await attempt('nobody-here', 'wrong-password-first', '198.51.100.7');
    const delays: unknown[] = [];
    for (let i = 0; i < 4; i += 1) {
      await attempt('nobody-here', `wrong-password-${i}-x`, '198.51.100.7');
      const held = await attempt('nobody-here', 'wrong-password-held', '198.51.100.7');
      const wait = held.body.errors?.[0]?.extensions?.['retryAfter'];
      delays.push(wait);
      advance(Number(wait));
    }
    expect(delays).toEqual([1, 2, 4, 8]);
  });

  it('locks the account across addresses', async () => {
    const user = await server.createUser('VIEWER');
    await attempt(user.username, user.password, '203.0.113.50');
    for (let i = 1; i <= 4; i += 1) {
      await attempt(user.username, 'wrong-password-xyz', `198.51.100.${i}`);
    }

    const stranger = await attempt(user.username, user.password, '198.51.100.99');
    expect(stranger.status).toBe(429);
    expect(stranger.body.errors?.[0]?.message).toMatch(/account is locked/);
    const known = await attempt(user.username, user.password, '203.0.113.50');
    expect(known.status).toBe(200);

    const locked = await server.graphql<{ users: Array<{ id: string; lockedUntil: string | null }> }>('{ users { id lockedUntil } }', {}, { token: (await server.createUser('ADMIN')).token });
    expect(locked.body.data?.users.find((row) => row.id === user.id)?.lockedUntil).toBe('2026-03-01T12:15:00.000Z');
  });

  it('admin unlock lifts the lock', async () => {
    const admin = await server.createUser('ADMIN');
    const user = await server.createUser('VIEWER');
    for (let i = 1; i <= 4; i += 1) {
      await attempt(user.username, 'wrong-password-xyz', `198.51.100.${i}`);
    }
    expect((await attempt(user.username, user.password, '198.51.100.99')).status).toBe(429);

    const unlock = await server.graphql('mutation ($id: ID!) { unlockUser(id: $id) { lockedUntil } }', { id: user.id }, { token: admin.token });
    expect(unlock.body.data).toEqual({ unlockUser: { lockedUntil: null } });
    expect((await attempt(user.username, user.password, '198.51.100.99')).status).toBe(200);
  });

  it('lock expires after its duration', async () => {
    const user = await server.createUser('VIEWER');
    for (let i = 1; i <= 4; i += 1) {
      await attempt(user.username, 'wrong-password-xyz', `198.51.100.${i}`);
    }
    advance(15 * 60 + 1);
    expect((await attempt(user.username, user.password, '198.51.100.99')).status).toBe(200);
  });

  it('records failures in the audit log and metrics', async () => {
    const admin = await server.createUser('ADMIN');
    await attempt(admin.username, 'wrong-password-xyz', '198.51.100.1');
    const events = await server.graphql<{ auditEvents: { nodes: Array<Record<string, unknown>> } }>(
      '{ auditEvents(filter: { action: LOGIN_FAILED }) { nodes { address targetName details } } }', {}, { token: admin.token },
    );
    expect(events.body.data?.auditEvents.nodes).toEqual([
      { address: '198.51.100.1', targetName: admin.username, details: '{"reason":"wrong_password"}' },
    ]);

    const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect(await metrics.text()).toContain('pganalytics_failed_logins_total{reason="wrong_password"} 1');
  });
});

describe('throttleAddress', () => {
  it.each([
    ['198.51.100.4', '198.51.100.4'],
    ['::ffff:198.51.100.4', '198.51.100.4'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:0db8:0001:0002::9', '2001:db8:1:2::/64'],
  ])('%s counts as %s', (address, key) => {
    expect(throttleAddress(address)).toBe(key);
  });
});

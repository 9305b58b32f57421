import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestServer } from './helpers/testServer.js';
import { PUSH_METRICS, snapshotFixture } from './helpers/snapshotFixture.js';

const LOGIN = 'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }';
const redisUrl = process.env.REDIS_URL;
const describeRedis = redisUrl ? describe : describe.skip;

// The failed-login slowdown is pushed out of the way so that only the rate limits act.
const PRODUCTION_LIMITS = { RATE_LIMIT_OPERATION_FACTOR: '1', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000', LOGIN_FREE_FAILURES: '100' };

function code(response: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }): unknown {
  return response.body.errors?.[0]?.extensions?.['code'];
}

describeRedis('rate limits shared through Redis (REDIS_URL)', () => {
  it('shares one budget between two instances', async () => {
    // A fresh prefix keeps this run's counters apart from any other run.
    const env = { ...PRODUCTION_LIMITS, REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: `pga-test:${randomUUID()}:` };
    const first = await TestServer.start('pglite', { env });
    const second = await TestServer.start('pglite', { env });
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_v, i) => (i % 2 === 0 ? first : second).graphql(LOGIN, { u: 'shared', p: 'wrong-password-1' })),
      );
      expect(results.filter((r) => code(r) === 'UNAUTHENTICATED')).toHaveLength(5);
      expect(results.filter((r) => r.status === 429)).toHaveLength(15);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await sleep(300);
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describeRedis('rate limits while Redis is down', () => {
  it('fails login closed, counts pushes locally and recovers', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const server = await TestServer.start('pglite', { env: { ...PRODUCTION_LIMITS, REDIS_URL: `redis://127.0.0.1:${port}` } });
    try {
      const collector = await server.registerCollector();
      await stopRedis(redis);

      const login = await server.graphql(LOGIN, { u: 'outage', p: 'wrong-password-1' });
      expect(login.status).toBe(503);
      expect(code(login)).toBe('SERVICE_UNAVAILABLE');
      expect(login.headers.get('retry-after')).toBe('5');

      const push = await server.graphql(PUSH_METRICS, { input: snapshotFixture(collector.collectorId) }, { token: collector.token });
      expect(push.status).toBe(200);
      expect(server.logs.find('rate limit store unavailable; fail-closed limits reject requests and the others count per instance').length).toBeGreaterThan(0);

      redis = await startRedis(port);
      let recovered = false;
      // ioredis reconnects with a backoff; poll a bounded number of times.
      for (let attempt = 0; attempt < 40 && !recovered; attempt += 1) {
        await sleep(250);
        recovered = code(await server.graphql(LOGIN, { u: 'outage', p: 'wrong-password-1' })) === 'UNAUTHENTICATED';
      }
      expect(recovered).toBe(true);
      expect(server.logs.find('rate limit store available again').length).toBe(1);
    } finally {
      await server.close();
      await stopRedis(redis).catch(() => undefined);
    }
  });
});

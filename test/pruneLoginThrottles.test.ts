import { KNOWN_ADDRESS_DAYS } from '../src/auth/loginThrottle.js';
import { pruneLoginThrottles } from '../src/auth/pruneLoginThrottles.js';
import { databaseKinds } from './helpers/testDatabase.js';
import { TestServer } from './helpers/testServer.js';

const NOW = new Date('2026-12-04T12:00:00Z');
const WINDOW_SECONDS = 900;
const ago = (seconds: number): Date => new Date(NOW.getTime() - seconds * 1000);
const DAY_SECONDS = 86_400;

describe.each(databaseKinds())('pruneLoginThrottles on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await TestServer.start(kind);
  });

  afterAll(async () => {
    await server.close();
  });

  it('deletes only rows that no longer matter', async () => {
    const rows = [
      { username: 'stale-failure', failures: 3, lastFailureAt: ago(WINDOW_SECONDS + 1), blockedUntil: ago(WINDOW_SECONDS) },
      { username: 'old-success', failures: 0, lastSuccessAt: ago((KNOWN_ADDRESS_DAYS + 1) * DAY_SECONDS) },
      { username: 'recent-failure', failures: 2, lastFailureAt: ago(60) },
      { username: 'still-blocked', failures: 9, lastFailureAt: ago(WINDOW_SECONDS * 2), blockedUntil: new Date(NOW.getTime() + 60_000) },
      { username: 'known-address', failures: 0, lastSuccessAt: ago((KNOWN_ADDRESS_DAYS - 1) * DAY_SECONDS) },
    ];
    await server.services.prisma.loginThrottle.createMany({ data: rows.map((row) => ({ address: '192.0.2.10', ...row })) });

    const deleted = await pruneLoginThrottles(server.services.prisma, NOW, WINDOW_SECONDS);

    expect(deleted).toBe(2);
    const remaining = await server.services.prisma.loginThrottle.findMany({ select: { username: true }, orderBy: { username: 'asc' } });
    expect(remaining.map((row) => row.username)).toEqual(['known-address', 'recent-failure', 'still-blocked']);
  });
});

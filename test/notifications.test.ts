import { createHmac, timingSafeEqual } from 'node:crypto';
import { TestServer, type TestUser } from './helpers/testServer.js';
import { databaseKinds } from './helpers/testDatabase.js';
import { PUSH_METRICS, snapshotFixture } from './helpers/snapshotFixture.js';
import { WebhookReceiver, type ReceivedRequest } from './helpers/webhookReceiver.js';
import { deliverDueNotifications } from '../src/notifications/deliverDueNotifications.js';
import type { SnapshotWire } from '../src/collector/snapshotWire.js';

const CREATE = `mutation ($input: CreateNotificationChannelInput!) {
  createNotificationChannel(input: $input) { secret channel { id name kind url enabled } }
}`;
const DELIVERIES = `query ($channelId: ID) {
  notificationDeliveries(channelId: $channelId) { id event status alertId attempts { statusCode error } }
}`;

interface Delivery {
  id: string;
  event: string;
  status: string;
  alertId: string | null;
  attempts: Array<{ statusCode: number | null; error: string | null }>;
}

/** Verifies a request as the README instructs receivers to, independently of the server's code. */
function verify(request: ReceivedRequest, secret: string): boolean {
  const timestamp = String(request.headers['x-pganalytics-timestamp']);
  const header = String(request.headers['x-pganalytics-signature']);
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex')}`;
  return header.length === expected.length && timingSafeEqual(Buffer.from(header), Buffer.from(expected));
}

describe.each(databaseKinds())('notifications on %s', (kind) => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let admin: TestUser;
  let user: TestUser;
  let collector: { collectorId: string; token: string };
  let channel: { id: string; secret: string };
  let clock = Date.now() - 3600_000;
  let now = new Date();
  let systemIdentifier = 9000;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    server = await TestServer.start(kind, { now: () => now });
    admin = await server.createUser('ADMIN');
    user = await server.createUser('USER');
    collector = await server.registerCollector();
    const created = await server.graphql<{ createNotificationChannel: { secret: string; channel: { id: string } } }>(
      CREATE, { input: { name: 'ops webhook', kind: 'WEBHOOK', url: receiver.url } }, { token: admin.token },
    );
    channel = { id: created.body.data!.createNotificationChannel.channel.id, secret: created.body.data!.createNotificationChannel.secret };
  });

  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  function tick(maxAttempts = 3) {
    return deliverDueNotifications(server.database.prisma, {
      now: () => now, logger: server.app.fastify.log, maxAttempts, retryBaseMs: 1000, timeoutMs: 5000,
    });
  }

  /** Pushes a snapshot and moves the server clock, so that each change is queued at its own time. */
  async function push(total: number): Promise<string> {
    clock += 60_000;
    now = new Date(now.getTime() + 1000);
    const base: SnapshotWire = snapshotFixture(collector.collectorId, { collectedAt: new Date(clock).toISOString() });
    base.server.systemIdentifier = String(systemIdentifier);
    base.activity.totalConnections = total;
    const response = await server.graphql<{ pushMetrics: { serverId: string } }>(PUSH_METRICS, { input: base }, { token: collector.token });
    return response.body.data!.pushMetrics.serverId;
  }

  async function deliveries(): Promise<Delivery[]> {
    const response = await server.graphql<{ notificationDeliveries: Delivery[] }>(DELIVERIES, { channelId: channel.id }, { token: admin.token });
    return response.body.data!.notificationDeliveries;
  }

  it('returns the secret only on creation', async () => {
    expect(channel.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const listed = await server.graphql('{ notificationChannels { id name url } }', {}, { token: admin.token });
    expect(JSON.stringify(listed.body)).not.toContain(channel.secret);
    expect(server.logs.text()).not.toContain(channel.secret);
  });

  it('delivers a signed firing notification', async () => {
    systemIdentifier += 1;
    receiver.requests.length = 0;
    await push(90);
    expect(await tick()).toBe(1);

    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0]!;
    expect(verify(request, channel.secret)).toBe(true);
    expect(verify(request, 'another secret')).toBe(false);
    expect(request.headers['x-pganalytics-event']).toBe('FIRING');
    expect(JSON.parse(request.body)).toMatchObject({ event: 'FIRING', alert: { rule: 'connections_utilization', severity: 'WARNING' } });
  });

  it('notifies severity change and resolve', async () => {
    receiver.requests.length = 0;
    await push(97);
    await push(10);
    expect(await tick()).toBe(2);
    expect(receiver.requests.map((request) => JSON.parse(request.body).event)).toEqual(['SEVERITY_CHANGED', 'RESOLVED']);
    const resolved = JSON.parse(receiver.requests[1]!.body) as { message: string };
    expect(resolved.message).toMatch(/^\[RESOLVED\] \S+ connections_utilization is back to normal; it was: connections_utilization: /);
  });

  it('retries with backoff until delivered', async () => {
    systemIdentifier += 1;
    receiver.requests.length = 0;
    receiver.statuses = [500, 503];
    // A later createdAt makes this delivery the first one listed.
    now = new Date(now.getTime() + 60_000);
    await push(90);

    expect(await tick()).toBe(1);
    expect(await tick()).toBe(0);
    now = new Date(now.getTime() + 1000);
    expect(await tick()).toBe(1);
    now = new Date(now.getTime() + 1999);
    expect(await tick()).toBe(0);
    now = new Date(now.getTime() + 1);
    expect(await tick()).toBe(1);

    const [latest] = await deliveries();
    expect(latest).toMatchObject({ event: 'FIRING', status: 'DELIVERED' });
    expect(latest!.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 503, 200]);
    expect(receiver.requests.every((request) => verify(request, channel.secret))).toBe(true);
  });

  it('fails after the last attempt', async () => {
    receiver.statuses = [500, 500];
    await push(10);
    await tick(2);
    now = new Date(now.getTime() + 1000);
    await tick(2);

    const [latest] = await deliveries();
    expect(latest).toMatchObject({ event: 'RESOLVED', status: 'FAILED' });
    expect(latest!.attempts.map((attempt) => attempt.error)).toEqual(['receiver answered HTTP 500', 'receiver answered HTTP 500']);
  });

  it('skips silenced alerts', async () => {
    systemIdentifier += 1;
    const serverId = await push(10);
    await server.graphql(
      'mutation ($input: SilenceAlertsInput!) { silenceAlerts(input: $input) { id } }',
      { input: { serverId, endsAt: new Date(now.getTime() + 3600_000).toISOString() } },
      { token: user.token },
    );
    const before = (await deliveries()).length;
    await push(90);
    expect((await deliveries()).length).toBe(before);
  });

  it('sends a test message', async () => {
    receiver.requests.length = 0;
    const response = await server.graphql<{ testNotificationChannel: { status: string } }>(
      'mutation ($id: ID!) { testNotificationChannel(id: $id) { status } }', { id: channel.id }, { token: admin.token },
    );
    expect(response.body.data?.testNotificationChannel.status).toBe('PENDING');
    await tick();
    expect(receiver.requests).toHaveLength(1);
    expect(JSON.parse(receiver.requests[0]!.body)).toMatchObject({ event: 'TEST', alert: null });
  });

  it.each([
    ['ftp://127.0.0.1/hook', 'input.url'],
    ['http://user:pw@127.0.0.1/hook', 'input.url'],
    ['not a url', 'input.url'],
    ['file:///etc/passwd', 'input.url'],
  ])('rejects url %s', async (url, field) => {
    const response = await server.graphql(CREATE, { input: { name: `bad ${url}`, kind: 'WEBHOOK', url } }, { token: admin.token });
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('keeps channels from users', async () => {
    const response = await server.graphql(CREATE, { input: { name: 'user hook', kind: 'WEBHOOK', url: receiver.url } }, { token: user.token });
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('rejects a duplicate name', async () => {
    const response = await server.graphql(CREATE, { input: { name: 'ops webhook', kind: 'SLACK', url: receiver.url } }, { token: admin.token });
    expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
  });
});

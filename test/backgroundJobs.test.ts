import { setTimeout as sleep } from 'node:timers/promises';
import { TestServer } from './helpers/testServer.js';
import { WebhookReceiver } from './helpers/webhookReceiver.js';

/** Polls `condition` every 100 ms for at most `ms`; returns whether it became true. */
async function eventually(condition: () => boolean, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 100) {
    if (condition()) {
      return true;
    }
    await sleep(100);
  }
  return condition();
}

describe('background jobs', () => {
  it('deliver queued messages and stop on close', async () => {
    const receiver = await WebhookReceiver.start();
    const server = await TestServer.start('pglite', { env: { BACKGROUND_JOBS: 'true', NOTIFICATION_POLL_INTERVAL: '1s' } });
    try {
      const admin = await server.createUser('ADMIN');
      const created = await server.graphql<{ createNotificationChannel: { channel: { id: string } } }>(
        'mutation ($input: CreateNotificationChannelInput!) { createNotificationChannel(input: $input) { channel { id } } }',
        { input: { name: 'jobs', kind: 'SLACK', url: receiver.url } },
        { token: admin.token },
      );
      await server.graphql('mutation ($id: ID!) { testNotificationChannel(id: $id) { id } }', { id: created.body.data!.createNotificationChannel.channel.id }, { token: admin.token });

      expect(await eventually(() => receiver.requests.length === 1, 10_000)).toBe(true);
      expect(JSON.parse(receiver.requests[0]!.body)).toEqual({ text: expect.stringContaining('Test message') });
    } finally {
      await server.close();
      await receiver.close();
    }
    expect(server.logs.find('background job stopped')).toHaveLength(3);
  });
});

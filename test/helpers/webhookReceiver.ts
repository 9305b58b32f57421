import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * An HTTP receiver on 127.0.0.1 that records each request and responds with
 * the next status of `statuses`, then 200 once they are used up.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  statuses: number[] = [];

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        receiver?.requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.statusCode = receiver?.statuses.shift() ?? 200;
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}/hooks/pganalytics`);
    return receiver;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface FakeRequest {
  headers: IncomingHttpHeaders;
  body: { query: string; variables: Record<string, unknown> };
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/**
 * A stand-in for the API on 127.0.0.1 that replies to each GraphQL request
 * with what `handle` returns, for status codes the real API does not send on demand.
 * A handler that returns a promise delays the response until the promise settles.
 */
export class FakeApi {
  readonly requests: FakeRequest[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(handle: (request: FakeRequest, index: number) => FakeReply | Promise<FakeReply>): Promise<FakeApi> {
    let api: FakeApi | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString() : raw.toString();
        const parsed: FakeRequest = { headers: request.headers, body: JSON.parse(text) as FakeRequest['body'] };
        api!.requests.push(parsed);
        void Promise.resolve(handle(parsed, api!.requests.length - 1)).then((reply) => {
          // The client may have given up on a held response.
          if (request.socket.destroyed) {
            return;
          }
          response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
          response.end(JSON.stringify(reply.body));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    api = new FakeApi(server, `http://127.0.0.1:${port}/graphql`);
    return api;
  }

  /** Stops listening and drops open connections, including those with a held response. */
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

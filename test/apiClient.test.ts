import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient, ApiUnreachableError } from '../src/collector/apiClient.js';

const TIMEOUT_MS = 500;

/** Starts an HTTP server on 127.0.0.1 whose handler never ends its responses on its own. */
async function startServer(onRequest: (response: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => onRequest(response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/graphql` };
}

describe('ApiClient request timeout', () => {
  let server: Server | undefined;
  let trickle: NodeJS.Timeout | undefined;

  afterEach(async () => {
    clearInterval(trickle);
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('rejects a server that never replies', async () => {
    const started = await startServer(() => undefined);
    server = started.server;
    const client = new ApiClient({ url: started.url, timeoutMs: TIMEOUT_MS });

    const request = client.execute('{ __typename }', {});

    await expect(request).rejects.toBeInstanceOf(ApiUnreachableError);
    await expect(request).rejects.toThrow(`timed out: no complete response within ${TIMEOUT_MS} ms`);
  });

  it('rejects a response that trickles in', async () => {
    // Each byte arrives well within the timeout, so only a deadline on the
    // whole response ends this request.
    const started = await startServer((response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data":');
      trickle = setInterval(() => response.write(' '), TIMEOUT_MS / 5);
    });
    server = started.server;
    const client = new ApiClient({ url: started.url, timeoutMs: TIMEOUT_MS });

    const request = client.execute('{ __typename }', {});

    await expect(request).rejects.toBeInstanceOf(ApiUnreachableError);
    await expect(request).rejects.toThrow('timed out');
  });

  it('returns a prompt response', async () => {
    const started = await startServer((response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"data":{"__typename":"Query"}}');
    });
    server = started.server;
    const client = new ApiClient({ url: started.url, timeoutMs: TIMEOUT_MS });

    const response = await client.execute<{ __typename: string }>('{ __typename }', {});

    expect(response.status).toBe(200);
    expect(response.data).toEqual({ __typename: 'Query' });
  });
});

import { gzipSync } from 'node:zlib';
import { TestServer } from './helpers/testServer.js';

describe('gzip request bodies', () => {
  let server: TestServer;
  let limit: number;

  beforeAll(async () => {
    server = await TestServer.start('pglite');
    limit = server.config.bodyLimits.pushMetricsBytes;
  });

  async function errorOf(response: Response): Promise<{ message: string; extensions: { code: string; reason?: string } }> {
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string; reason?: string } }> };
    return body.errors[0]!;
  }

  afterAll(async () => {
    await server.close();
  });

  function post(body: Buffer, encoding: string): Promise<Response> {
    return fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': encoding },
      body,
    });
  }

  it('gzip body is inflated', async () => {
    const response = await post(gzipSync(JSON.stringify({ query: '{ __typename }' })), 'gzip');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('body inflating past the limit gets 413', async () => {
    const padding = ' '.repeat(limit + 1024);
    const bomb = gzipSync(`{"query":"{ __typename }"${padding}}`);
    expect(bomb.length).toBeLessThan(limit / 100);

    const response = await post(bomb, 'gzip');
    const error = await errorOf(response);

    expect(response.status).toBe(413);
    expect(error.extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.message).toContain(`${limit} bytes`);
  });

  it('corrupt gzip gets 400', async () => {
    const response = await post(Buffer.from('not gzip at all'), 'gzip');
    expect(response.status).toBe(400);
    expect((await errorOf(response)).extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'INVALID_GZIP_BODY' });
  });

  it('unknown encoding gets 415', async () => {
    const response = await post(Buffer.from('{}'), 'br');
    expect(response.status).toBe(415);
    expect((await errorOf(response)).extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'UNSUPPORTED_CONTENT_ENCODING' });
  });

  it('plain body still works', async () => {
    const response = await post(Buffer.from(JSON.stringify({ query: '{ __typename }' })), 'identity');
    expect(response.status).toBe(200);
  });
});

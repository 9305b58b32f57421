import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';

const gzipAsync = promisify(gzip);

/** TLS material for https API URLs, as PEM text. */
export interface ApiTls {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface ApiClientOptions {
  /** Full URL of the GraphQL endpoint. */
  url: string;
  /** Time limit of one request, from sending it to the end of the response body. */
  timeoutMs: number;
  tls?: ApiTls;
}

export interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string; field?: string };
}

export interface ApiResponse<T> {
  status: number;
  headers: IncomingHttpHeaders;
  data: T | null | undefined;
  errors: GraphQLErrorBody[];
  /** Size of the gzip-compressed request body. */
  bytesSent: number;
  /** Size of the JSON request body before compression. */
  bytesUncompressed: number;
}

/** The request did not get an HTTP response: refused, reset, timed out or a TLS failure. */
export class ApiUnreachableError extends Error {
  override name = 'ApiUnreachableError';
}

/**
 * Sends GraphQL operations to the API as gzip-compressed JSON POSTs over
 * node:http or node:https, so that a CA bundle and a client certificate
 * can be given per client.
 */
export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  get url(): string {
    return this.options.url;
  }

  async execute<T>(
    query: string,
    variables: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const json = Buffer.from(JSON.stringify({ query, variables }));
    const body = await gzipAsync(json);
    const response = await this.post(body, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'content-length': String(body.length),
      accept: 'application/json',
      ...headers,
    });

    const parsed = parseBody<T>(response.text);
    return {
      status: response.status,
      headers: response.headers,
      data: parsed.data,
      errors: parsed.errors,
      bytesSent: body.length,
      bytesUncompressed: json.length,
    };
  }

  private post(body: Buffer, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
    const url = new URL(this.options.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const tls = url.protocol === 'https:' ? this.options.tls ?? {} : {};

    return new Promise((resolve, reject) => {
      let deadline: NodeJS.Timeout | undefined;
      const fail = (error: ApiUnreachableError) => {
        clearTimeout(deadline);
        reject(error);
      };

      const request = send(url, { method: 'POST', headers, ...tls }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => fail(new ApiUnreachableError(`Reading the API response failed: ${error.message}`)));
        response.on('end', () => {
          clearTimeout(deadline);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
      });

      // A deadline for the whole exchange, unlike the socket's idle timeout, also
      // ends a response that trickles in, so a stopping collector exits in time.
      deadline = setTimeout(() => {
        fail(new ApiUnreachableError(`Request to ${url.origin} timed out: no complete response within ${this.options.timeoutMs} ms`));
        request.destroy();
      }, this.options.timeoutMs);
      request.on('error', (error) => fail(new ApiUnreachableError(`Request to ${url.origin} failed: ${error.message}`)));
      request.end(body);
    });
  }
}

function parseBody<T>(text: string): { data: T | null | undefined; errors: GraphQLErrorBody[] } {
  try {
    const parsed = JSON.parse(text) as { data?: T | null; errors?: GraphQLErrorBody[]; message?: string };
    if (parsed.errors === undefined && parsed.data === undefined && typeof parsed.message === 'string') {
      // Fastify's own errors, such as 413, are JSON without GraphQL's shape.
      return { data: undefined, errors: [{ message: parsed.message }] };
    }
    return { data: parsed.data, errors: parsed.errors ?? [] };
  } catch {
    return { data: undefined, errors: [{ message: `non-JSON response: ${text.slice(0, 200)}` }] };
  }
}

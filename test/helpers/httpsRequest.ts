import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { PeerCertificate, TLSSocket } from 'node:tls';

export interface HttpsRequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** CA that the server certificate must chain to. */
  ca: Buffer;
  /** Client certificate and key for mutual TLS. */
  cert?: Buffer;
  key?: Buffer;
}

export interface HttpsResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Certificate the server presented on this connection. */
  serverCertificate: PeerCertificate;
  protocol: string | null;
}

/**
 * Sends one HTTPS request on a new connection (no agent, so no reuse), which
 * makes each request a fresh handshake with the given client certificate.
 */
export function httpsRequest(url: string, options: HttpsRequestOptions): Promise<HttpsResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, ca: options.ca, cert: options.cert, key: options.key, agent: false },
      (response) => {
        const socket = response.socket as TLSSocket;
        const serverCertificate = socket.getPeerCertificate();
        const protocol = socket.getProtocol();
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'), serverCertificate, protocol }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error(`request to ${url} timed out`)));
    outgoing.end(options.body);
  });
}

import type { SecureContextOptions } from 'node:tls';
import type { ServerOptions } from 'node:https';
import type { TlsFiles } from './loadTlsFiles.js';

/** TLS 1.0 and 1.1 are deprecated by RFC 8996. */
export const MIN_TLS_VERSION = 'TLSv1.2';

/** Options for tls.createSecureContext and server.setSecureContext. */
export function secureContextOptions(files: TlsFiles): SecureContextOptions {
  return { cert: files.cert, key: files.key, ca: files.ca, minVersion: MIN_TLS_VERSION };
}

/**
 * Options for https.createServer. With mutual TLS the server requests a
 * client certificate but completes the handshake without one, so browsers
 * still reach the user operations. clientCertificatePlugin then requires a
 * verified certificate for collector operations only.
 */
export function httpsServerOptions(files: TlsFiles, mutual: boolean): ServerOptions {
  return { ...secureContextOptions(files), requestCert: mutual, rejectUnauthorized: false };
}

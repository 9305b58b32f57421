import { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';

/**
 * The client certificate of a TLS connection, as checked during the
 * handshake against MTLS_CA_PATH. `rejected` carries OpenSSL's reason, such
 * as CERT_HAS_EXPIRED or UNABLE_TO_VERIFY_LEAF_SIGNATURE.
 */
export type ClientCertificate =
  | { status: 'absent' }
  | { status: 'rejected'; reason: string; fingerprint: string }
  | { status: 'authorized'; fingerprint: string; subject: string };

/** Reads the peer certificate of `socket`, or returns undefined when the connection is plain TCP. */
export function readClientCertificate(socket: Socket): ClientCertificate | undefined {
  if (!(socket instanceof TLSSocket)) {
    return undefined;
  }

  const peer = socket.getPeerCertificate();
  // Without a client certificate Node returns an empty object.
  if (peer === null || typeof peer.fingerprint256 !== 'string' || peer.fingerprint256 === '') {
    return { status: 'absent' };
  }
  if (!socket.authorized) {
    const reason = socket.authorizationError instanceof Error ? socket.authorizationError.message : String(socket.authorizationError);
    return { status: 'rejected', reason, fingerprint: peer.fingerprint256 };
  }
  const commonName = peer.subject?.CN;
  const subject = Array.isArray(commonName) ? commonName.join(',') : (commonName ?? '');
  return { status: 'authorized', fingerprint: peer.fingerprint256, subject };
}

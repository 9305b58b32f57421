import type { FastifyBaseLogger } from 'fastify';
import type { Principal } from './auth/principal.js';
import type { ClientCertificate } from './tls/readClientCertificate.js';
import type { Services } from './services.js';

/** Per-request values passed to every resolver, built once by createContext. */
export interface GraphQLContext {
  requestId: string;
  /** Child logger carrying the request id. */
  logger: FastifyBaseLogger;
  principal: Principal;
  /** Address of the TCP peer. */
  clientAddress: string;
  /** Size of the request body in bytes after decompression; 0 for GET. */
  requestBodyBytes: number;
  /** Value of the X-Registration-Secret header, when sent. */
  registrationSecret: string | undefined;
  /** Client certificate of the TLS connection, or undefined over plain HTTP. */
  clientCertificate: ClientCertificate | undefined;
  services: Services;
}

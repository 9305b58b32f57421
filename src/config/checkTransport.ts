import { resolve } from 'node:path';
import { ConfigError } from './ConfigError.js';
import type { TrustProxy } from './parseTrustProxy.js';
import type { MtlsConfig, TlsConfig } from '../config.js';

export interface TransportVariables {
  ENVIRONMENT: 'development' | 'test' | 'production';
  TLS_ENABLED: boolean;
  TLS_CERT_PATH: string | undefined;
  TLS_KEY_PATH: string | undefined;
  MTLS_ENABLED: boolean;
  MTLS_CA_PATH: string | undefined;
  CORS_ORIGINS: string[] | undefined;
  TRUST_PROXY: TrustProxy;
}

export interface TransportConfig {
  tls: TlsConfig | undefined;
  mtls: MtlsConfig | undefined;
  corsOrigins: string[];
}

function requirePath(variable: string, value: string | undefined, reason: string): string {
  if (value === undefined) {
    throw new ConfigError(`${variable} is missing: ${reason}`);
  }
  return resolve(value);
}

/**
 * Checks the TLS, mutual TLS and CORS variables together. Only the presence
 * of the file variables is checked here; loadTlsFiles reads the files when
 * the server starts. Production rejects plain HTTP unless TRUST_PROXY is
 * set, which is taken to mean that a proxy in front ends TLS.
 */
export function checkTransport(values: TransportVariables): TransportConfig {
  let tls: TlsConfig | undefined;
  if (values.TLS_ENABLED) {
    tls = {
      certPath: requirePath('TLS_CERT_PATH', values.TLS_CERT_PATH, 'TLS_ENABLED=true needs the PEM certificate file'),
      keyPath: requirePath('TLS_KEY_PATH', values.TLS_KEY_PATH, 'TLS_ENABLED=true needs the PEM private key file'),
    };
  }

  let mtls: MtlsConfig | undefined;
  if (values.MTLS_ENABLED) {
    if (tls === undefined) {
      throw new ConfigError('MTLS_ENABLED=true needs TLS_ENABLED=true, because client certificates are part of the TLS handshake');
    }
    mtls = { caPath: requirePath('MTLS_CA_PATH', values.MTLS_CA_PATH, 'MTLS_ENABLED=true needs the PEM file of the CA that signs collector certificates') };
  }

  if (values.ENVIRONMENT === 'production' && tls === undefined && values.TRUST_PROXY === false) {
    throw new ConfigError(
      'plain HTTP is not allowed in production: set TLS_ENABLED=true with TLS_CERT_PATH and TLS_KEY_PATH, or set TRUST_PROXY to the proxy that ends TLS in front of the API',
    );
  }

  return { tls, mtls, corsOrigins: values.CORS_ORIGINS ?? [] };
}

import { readFile } from 'node:fs/promises';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { ConfigError } from '../config/ConfigError.js';
import type { MtlsConfig, TlsConfig } from '../config.js';

/** PEM contents of the server's TLS files, read and checked together. */
export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  /** CA for client certificates, present when mutual TLS is on. */
  ca: Buffer | undefined;
  /** Expiry of the server certificate (the first one in TLS_CERT_PATH). */
  notAfter: Date;
}

function reason(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return `${error.code}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

async function readVariableFile(variable: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new ConfigError(`${variable} file ${path} cannot be read (${reason(error)})`);
  }
}

function parseCertificate(variable: string, path: string, pem: Buffer): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw new ConfigError(`${variable} file ${path} does not contain a PEM certificate (${reason(error)})`);
  }
}

function parsePrivateKey(path: string, pem: Buffer): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new ConfigError(`TLS_KEY_PATH file ${path} does not contain an unencrypted PEM private key (${reason(error)})`);
  }
}

/**
 * Reads the certificate, the key and, with mutual TLS, the client CA, and
 * checks that each parses and that the key belongs to the certificate.
 * Raises ConfigError naming the variable and the path, so a bad file stops
 * start-up, and a reload keeps the files already in use.
 */
export async function loadTlsFiles(tls: TlsConfig, mtls: MtlsConfig | undefined): Promise<TlsFiles> {
  const cert = await readVariableFile('TLS_CERT_PATH', tls.certPath);
  const key = await readVariableFile('TLS_KEY_PATH', tls.keyPath);
  const ca = mtls === undefined ? undefined : await readVariableFile('MTLS_CA_PATH', mtls.caPath);

  const certificate = parseCertificate('TLS_CERT_PATH', tls.certPath, cert);
  const privateKey = parsePrivateKey(tls.keyPath, key);
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new ConfigError(`TLS_KEY_PATH file ${tls.keyPath} is not the private key of the certificate in TLS_CERT_PATH file ${tls.certPath}`);
  }
  if (ca !== undefined && mtls !== undefined) {
    parseCertificate('MTLS_CA_PATH', mtls.caPath, ca);
  }

  return { cert, key, ca, notAfter: new Date(certificate.validTo) };
}

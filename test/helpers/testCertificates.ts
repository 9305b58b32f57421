import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagePath } from '../../src/packagePath.js';

export interface KeyPair {
  certPath: string;
  keyPath: string;
  cert: Buffer;
  key: Buffer;
  /** SHA-256 fingerprint as openssl prints it, without the prefix. */
  fingerprint: string;
}

/** Certificates for the TLS tests, created by openssl in a temporary folder. */
export interface TestCertificates {
  dir: string;
  caPath: string;
  ca: Buffer;
  server: KeyPair;
  collectorA: KeyPair;
  collectorB: KeyPair;
  collectorC: KeyPair;
  /** A client certificate signed by another CA. */
  foreign: KeyPair;
  /** A client certificate signed by the right CA whose validity ended in 2020. */
  expired: KeyPair;
}

function openssl(args: string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function keyPair(dir: string, name: string): KeyPair {
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key`);
  const fingerprint = openssl(['x509', '-in', certPath, '-noout', '-fingerprint', '-sha256'], dir).trim().replace(/^.*=/, '');
  return { certPath, keyPath, cert: readFileSync(certPath), key: readFileSync(keyPath), fingerprint };
}

/**
 * Signs a new server certificate for localhost and 127.0.0.1 with the test
 * CA, valid for `days` days, and writes it to `name`.pem and `name`.key.
 */
export function signServerCertificate(certificates: TestCertificates, name: string, days: number): KeyPair {
  const dir = join(certificates.dir, 'main');
  writeFileSync(join(dir, `${name}.ext`), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=localhost'], dir);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', String(days), '-extfile', `${name}.ext`, '-out', `${name}.pem`], dir);
  return keyPair(dir, name);
}

/**
 * OpenSSL 3.0's x509 command cannot set a start date in the past, so the
 * expired certificate comes from `openssl ca`, which takes -startdate and
 * -enddate.
 */
function signExpiredClientCertificate(dir: string): KeyPair {
  mkdirSync(join(dir, 'issued'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = test_ca',
      '[test_ca]',
      `database = ${join(dir, 'index.txt')}`,
      `new_certs_dir = ${join(dir, 'issued')}`,
      `serial = ${join(dir, 'serial')}`,
      'default_md = sha256',
      'policy = policy_any',
      'unique_subject = no',
      '[policy_any]',
      'commonName = supplied',
      '[client_ext]',
      'basicConstraints = CA:FALSE',
      'extendedKeyUsage = clientAuth',
      '',
    ].join('\n'),
  );
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'expired.key', '-out', 'expired.csr', '-subj', '/CN=expired-collector'], dir);
  openssl(
    ['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', 'expired.csr', '-out', 'expired.pem',
      '-startdate', '20200101000000Z', '-enddate', '20200201000000Z', '-extensions', 'client_ext', '-notext'],
    dir,
  );
  return keyPair(dir, 'expired');
}

/** Creates the CA, server and client certificates with scripts/make-test-certificates.sh, the script the README uses. */
export function createTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'pga-tls-'));
  const script = packagePath('scripts', 'make-test-certificates.sh');
  const main = join(dir, 'main');
  const other = join(dir, 'foreign');
  execFileSync('sh', [script, main, 'collector-a', 'collector-b', 'collector-c'], { stdio: 'ignore' });
  execFileSync('sh', [script, other, 'foreign-collector'], { stdio: 'ignore' });

  return {
    dir,
    caPath: join(main, 'ca.pem'),
    ca: readFileSync(join(main, 'ca.pem')),
    server: keyPair(main, 'server'),
    collectorA: keyPair(main, 'collector-a'),
    collectorB: keyPair(main, 'collector-b'),
    collectorC: keyPair(main, 'collector-c'),
    foreign: keyPair(other, 'foreign-collector'),
    expired: signExpiredClientCertificate(main),
  };
}

import { unwatchFile, watchFile, type Stats } from 'node:fs';
import type { Server as TlsServer } from 'node:tls';
import type { FastifyBaseLogger } from 'fastify';
import type { MtlsConfig, TlsConfig } from '../config.js';
import { loadTlsFiles, type TlsFiles } from './loadTlsFiles.js';
import { secureContextOptions } from './secureContextOptions.js';
import { logCertificateExpiry } from './certificateExpiry.js';

/** Polling follows a path through symlink swaps and atomic renames, which fs.watch loses track of. */
export const DEFAULT_POLL_INTERVAL_MS = 5000;
/** Writing a certificate and its key are two steps, so a reload waits this long after the last change. */
const SETTLE_DELAY_MS = 300;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface WatchCertificatesOptions {
  tls: TlsConfig;
  mtls: MtlsConfig | undefined;
  server: TlsServer;
  /** The files the server was created with. */
  initial: TlsFiles;
  logger: FastifyBaseLogger;
  now: () => Date;
  pollIntervalMs?: number;
}

export interface CertificateWatcher {
  /** Expiry of the certificate in use. */
  readonly notAfter: Date;
  /** Rereads the files, installs them when they changed, and returns whether new files are in use. */
  reload(trigger: string): Promise<boolean>;
  stop(): void;
}

function sameFiles(a: TlsFiles, b: TlsFiles): boolean {
  const sameCa = a.ca === undefined || b.ca === undefined ? a.ca === b.ca : a.ca.equals(b.ca);
  return a.cert.equals(b.cert) && a.key.equals(b.key) && sameCa;
}

/**
 * Reloads the server certificate, key and client CA without a restart, on
 * SIGHUP and when one of the files changes. New connections get the new
 * files, and open connections keep theirs. A reload that fails, for example
 * because only the certificate was replaced so far, is logged and the
 * files in use stay in place. The expiry is also checked once a day.
 */
export function watchCertificates(options: WatchCertificatesOptions): CertificateWatcher {
  const { server, logger } = options;
  const paths = [options.tls.certPath, options.tls.keyPath, ...(options.mtls ? [options.mtls.caPath] : [])];
  let current = options.initial;
  let queue: Promise<boolean> = Promise.resolve(false);
  let settleTimer: NodeJS.Timeout | undefined;

  const install = async (trigger: string): Promise<boolean> => {
    let files: TlsFiles;
    try {
      files = await loadTlsFiles(options.tls, options.mtls);
    } catch (error) {
      logger.error({ event: 'tls_reload', trigger, err: error }, 'TLS certificate reload failed, files in use kept');
      return false;
    }
    if (sameFiles(files, current)) {
      logger.info({ event: 'tls_reload', trigger }, 'TLS files unchanged, nothing reloaded');
      return false;
    }

    server.setSecureContext(secureContextOptions(files));
    current = files;
    logger.info({ event: 'tls_reload', trigger, notAfter: files.notAfter.toISOString() }, 'TLS certificate reloaded');
    logCertificateExpiry(logger, files.notAfter, options.now());
    return true;
  };

  // Reloads run one at a time, so a slow read cannot install older files over newer ones.
  const reload = (trigger: string): Promise<boolean> => {
    queue = queue.then(() => install(trigger));
    return queue;
  };

  const onSighup = () => void reload('SIGHUP');
  const onFileChange = (stats: Stats, previousStats: Stats) => {
    if (stats.mtimeMs === previousStats.mtimeMs && stats.size === previousStats.size && stats.ino === previousStats.ino) {
      return;
    }
    clearTimeout(settleTimer);
    settleTimer = setTimeout(() => void reload('file change'), SETTLE_DELAY_MS);
  };

  process.on('SIGHUP', onSighup);
  for (const path of paths) {
    watchFile(path, { interval: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, persistent: false }, onFileChange);
  }
  const dailyCheck = setInterval(() => logCertificateExpiry(logger, current.notAfter, options.now()), DAY_MS);
  dailyCheck.unref();
  logCertificateExpiry(logger, current.notAfter, options.now());

  return {
    get notAfter() {
      return current.notAfter;
    },
    reload,
    stop() {
      process.off('SIGHUP', onSighup);
      for (const path of paths) {
        unwatchFile(path, onFileChange);
      }
      clearTimeout(settleTimer);
      clearInterval(dailyCheck);
    },
  };
}

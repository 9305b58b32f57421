/** A certificate that expires within this many days is logged as a warning. */
export const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Expiry of the server certificate as reported on GET /health. */
export interface CertificateExpiry {
  notAfter: string;
  /** Whole days left, rounded down, and negative once expired. */
  daysRemaining: number;
}

export interface ExpiryLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export function describeExpiry(notAfter: Date, now: Date): CertificateExpiry {
  return { notAfter: notAfter.toISOString(), daysRemaining: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS) };
}

/** Logs an error for an expired certificate and a warning when fewer than 30 days remain. */
export function logCertificateExpiry(logger: ExpiryLogger, notAfter: Date, now: Date): void {
  const expiry = describeExpiry(notAfter, now);
  if (notAfter.getTime() <= now.getTime()) {
    logger.error({ event: 'tls_certificate', ...expiry }, 'TLS certificate has expired');
    return;
  }
  if (expiry.daysRemaining < EXPIRY_WARNING_DAYS) {
    logger.warn({ event: 'tls_certificate', ...expiry }, 'TLS certificate expires soon');
  }
}

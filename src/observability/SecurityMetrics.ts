import { Counter, Registry } from 'prom-client';

export type FailedLoginReason = 'unknown_user' | 'wrong_password' | 'disabled' | 'throttled' | 'locked';
export type RevocationKind =
  | 'refresh_reuse'
  | 'logout'
  | 'logout_all'
  | 'password_change'
  | 'password_reset'
  | 'role_change'
  | 'user_disabled'
  | 'collector_revoked'
  | 'collector_deleted';

/**
 * Prometheus counters of security events, in a registry of their own so
 * that each API instance (and each test server) counts separately.
 */
export class SecurityMetrics {
  readonly registry = new Registry();

  private readonly failedLogins = new Counter({
    name: 'pganalytics_failed_logins_total',
    help: 'Login attempts that were rejected, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  private readonly revocations = new Counter({
    name: 'pganalytics_token_revocations_total',
    help: 'Operations that revoked tokens or sessions, by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  private readonly accountLockouts = new Counter({
    name: 'pganalytics_account_lockouts_total',
    help: 'Accounts locked after too many failed logins.',
    registers: [this.registry],
  });

  countFailedLogin(reason: FailedLoginReason): void {
    this.failedLogins.inc({ reason });
  }

  countRevocation(kind: RevocationKind): void {
    this.revocations.inc({ kind });
  }

  countLockout(): void {
    this.accountLockouts.inc();
  }
}

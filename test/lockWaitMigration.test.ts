import { MigrationBefore } from './helpers/migrationBefore.js';
import { databaseKinds, type EmptyTestDatabase } from './helpers/testDatabase.js';

const LOCK_WAIT_MIGRATION = '20261204160000_lock_wait_duration';

interface RuleRow {
  metric: string;
  description: string;
  warning_threshold: number | null;
  critical_threshold: number | null;
  for_seconds: number;
  enabled: boolean;
}

const SHIPPED_DESCRIPTION = 'Sessions have been waiting on locks for 5 minutes.';

describe.each(databaseKinds())('lock wait rule migration on %s', (kind) => {
  let before: MigrationBefore;
  let database: EmptyTestDatabase;

  // The database is migrated up to the migration before LOCK_WAIT_MIGRATION,
  // so each test can change the rule first, as a user would have.
  beforeEach(async () => {
    before = await MigrationBefore.prepare(kind, LOCK_WAIT_MIGRATION);
    database = before.database;
  });

  afterEach(async () => {
    await before.close();
  });

  async function applyLockWaitMigration(): Promise<RuleRow> {
    expect(await before.apply()).toEqual([LOCK_WAIT_MIGRATION]);
    const [row] = await database.runner.query<RuleRow>(
      `SELECT metric, description, warning_threshold, critical_threshold, for_seconds, enabled
       FROM alert_rules WHERE key = 'sessions_blocked_on_locks'`,
    );
    if (!row) {
      throw new Error('default rule sessions_blocked_on_locks is missing');
    }
    return row;
  }

  it('moves the shipped rule to the lock wait', async () => {
    const row = await applyLockWaitMigration();

    expect(row.metric).toBe('LONGEST_LOCK_WAIT_SECONDS');
    expect(row.warning_threshold).toBe(300);
    expect(row.critical_threshold).toBe(600);
    expect(row.for_seconds).toBe(0);
    expect(row.enabled).toBe(true);
    expect(row.description).not.toBe(SHIPPED_DESCRIPTION);
  });

  it('keeps a rule a user edited', async () => {
    await database.runner.exec(
      `UPDATE alert_rules SET warning_threshold = 3, updated_by = 'alice' WHERE key = 'sessions_blocked_on_locks'`,
    );

    const row = await applyLockWaitMigration();

    expect(row).toEqual({
      metric: 'SESSIONS_WAITING_ON_LOCKS',
      description: SHIPPED_DESCRIPTION,
      warning_threshold: 3,
      critical_threshold: null,
      for_seconds: 300,
      enabled: true,
    });
  });

  it('keeps a rule with an edited description', async () => {
    await database.runner.exec(
      `UPDATE alert_rules SET description = 'Paged at night.' WHERE key = 'sessions_blocked_on_locks'`,
    );

    const row = await applyLockWaitMigration();

    expect(row.metric).toBe('SESSIONS_WAITING_ON_LOCKS');
    expect(row.description).toBe('Paged at night.');
  });

  it('updates a disabled rule and keeps it disabled', async () => {
    await database.runner.exec(`UPDATE alert_rules SET enabled = false WHERE key = 'sessions_blocked_on_locks'`);

    const row = await applyLockWaitMigration();

    expect(row.metric).toBe('LONGEST_LOCK_WAIT_SECONDS');
    expect(row.critical_threshold).toBe(600);
    expect(row.enabled).toBe(false);
  });

  it('adds a nullable lock wait column', async () => {
    await applyLockWaitMigration();

    const [column] = await database.runner.query<{ is_nullable: string; data_type: string }>(
      `SELECT is_nullable, data_type FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = 'activity_samples' AND column_name = 'longest_lock_wait_seconds'`,
    );
    expect(column).toEqual({ is_nullable: 'YES', data_type: 'double precision' });
  });
});

import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { readSnapshot } from '../src/collector/readSnapshot.js';
import type { SnapshotWire } from '../src/collector/snapshotWire.js';
import { runCollectorCli } from './helpers/runCollectorCli.js';

const adminUrl = process.env.TEST_DATABASE_URL;
const describeLive = adminUrl === undefined ? describe.skip : describe;
const liveTitle =
  adminUrl === undefined
    ? 'collector as a pg_monitor role (skipped: set TEST_DATABASE_URL to run)'
    : 'collector as a pg_monitor role on TEST_DATABASE_URL';

/** The optional families that a pg_monitor role reads on a PostgreSQL 15 primary without pg_stat_statements. */
const OPTIONAL_FAMILIES_READ = ['tables', 'indexes', 'checkpointer', 'wal', 'replicationSlots'] as const;

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** TEST_DATABASE_URL with the user replaced by `role` and no password, for trust authentication. */
function urlForRole(databaseUrl: string, role: string): string {
  const url = new URL(databaseUrl);
  url.username = role;
  url.password = '';
  return url.toString();
}

describeLive(liveTitle, () => {
  // A random suffix keeps parallel runs on the same server apart.
  const suffix = randomBytes(6).toString('hex');
  const role = `pganalytics_monitor_${suffix}`;
  const schema = `pganalytics_monitor_${suffix}`;
  let admin: pg.Client;
  let idleAdmin: pg.Client;
  let monitor: pg.Client;
  let monitorUrl: string;
  let snapshot: SnapshotWire;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const database = (await admin.query<{ name: string }>('SELECT current_database() AS name')).rows[0]!.name;
    await admin.query(`CREATE ROLE ${quoteIdentifier(role)} LOGIN`);
    await admin.query(`GRANT pg_monitor TO ${quoteIdentifier(role)}`);
    await admin.query(`GRANT CONNECT ON DATABASE ${quoteIdentifier(database)} TO ${quoteIdentifier(role)}`);

    // The role gets no privilege on this table and its index, so their statistics must come from pg_monitor alone.
    await admin.query(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
    await admin.query(`CREATE TABLE ${quoteIdentifier(schema)}.watched (id int PRIMARY KEY, note text)`);
    await admin.query(`INSERT INTO ${quoteIdentifier(schema)}.watched SELECT n, 'row ' || n FROM generate_series(1, 100) AS n`);

    // Another role's session, idle in a transaction. pg_stat_activity shows its state only to roles
    // with pg_read_all_stats, which pg_monitor includes.
    idleAdmin = new pg.Client({ connectionString: adminUrl });
    await idleAdmin.connect();
    await idleAdmin.query('BEGIN');
    await idleAdmin.query(`SELECT count(*) FROM ${quoteIdentifier(schema)}.watched`);

    monitorUrl = urlForRole(adminUrl!, role);
    monitor = new pg.Client({ connectionString: monitorUrl });
    await monitor.connect();
    snapshot = await readSnapshot(monitor, {
      collectorId: 'collector-test',
      snapshotId: '00000000-0000-4000-8000-000000000002',
      host: '127.0.0.1',
      port: 5432,
      relationsLimit: 100_000,
    });
  });

  afterAll(async () => {
    await monitor?.end().catch(() => undefined);
    await idleAdmin?.query('ROLLBACK').catch(() => undefined);
    await idleAdmin?.end().catch(() => undefined);
    if (admin === undefined) {
      return;
    }
    await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
    // DROP OWNED also revokes the CONNECT grant, which would otherwise block DROP ROLE.
    await admin.query(`DROP OWNED BY ${quoteIdentifier(role)}`).catch(() => undefined);
    await admin.query(`DROP ROLE IF EXISTS ${quoteIdentifier(role)}`);
    await admin.end();
  });

  it('runs as a role without superuser', async () => {
    const result = await monitor.query<{ user: string; superuser: boolean; monitor: boolean }>(
      `SELECT current_user AS "user", rolsuper AS "superuser", pg_has_role('pg_monitor', 'USAGE') AS "monitor"
       FROM pg_roles WHERE rolname = current_user`,
    );
    expect(result.rows[0]).toEqual({ user: role, superuser: false, monitor: true });
  });

  it('reads the system identifier', async () => {
    const expected = await admin.query<{ systemIdentifier: string }>(
      'SELECT system_identifier::text AS "systemIdentifier" FROM pg_control_system()',
    );
    expect(snapshot.server.systemIdentifier).toBe(expected.rows[0]?.systemIdentifier);
  });

  it('reads every database with its size', async () => {
    const expected = await admin.query<{ name: string }>(
      'SELECT datname AS name FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname',
    );
    expect(snapshot.databases.map((database) => database.datname)).toEqual(expected.rows.map((row) => row.name));
    for (const database of snapshot.databases) {
      expect({ datname: database.datname, sizeBytes: database.sizeBytes }).toEqual({
        datname: database.datname,
        sizeBytes: expect.stringMatching(/^[1-9]\d*$/),
      });
    }
  });

  it("sees another user's idle transaction", () => {
    expect(snapshot.activity.idleInTransaction).toBeGreaterThanOrEqual(1);
    expect(snapshot.activity.longestIdleInTransactionSeconds).toBeGreaterThan(0);
  });

  it("sees another user's locks", () => {
    const shareLocks = snapshot.locks.find((lock) => lock.mode === 'AccessShareLock' && lock.granted);
    expect(shareLocks?.count ?? 0).toBeGreaterThanOrEqual(1);
  });

  it('reads activity and replication', () => {
    expect(Array.isArray(snapshot.replication)).toBe(true);
    expect(snapshot.activity.totalConnections).toBeGreaterThanOrEqual(1);
  });

  it('reads every optional family but statements', () => {
    for (const family of OPTIONAL_FAMILIES_READ) {
      expect({ family, present: snapshot[family] !== undefined }).toEqual({ family, present: true });
    }
    expect(snapshot.skippedFamilies?.map((skipped) => skipped.family)).toEqual(['STATEMENTS']);
  });

  it('skips statements for the missing extension', () => {
    const reason = snapshot.skippedFamilies?.find((skipped) => skipped.family === 'STATEMENTS')?.reason;
    expect(reason).toMatch(/pg_stat_statements extension is not installed/);
    expect(snapshot.statements).toBeUndefined();
  });

  it('reads tables and indexes without privileges', () => {
    const table = snapshot.tables?.find((entry) => entry.schemaname === schema && entry.relname === 'watched');
    // PostgreSQL 15 publishes a backend's table counters with a delay, so the inserts may not be counted yet.
    expect(table?.nTupIns).toMatch(/^\d+$/);
    expect(BigInt(table?.sizeBytes ?? '0')).toBeGreaterThan(0n);
    const index = snapshot.indexes?.find((entry) => entry.schemaname === schema && entry.indexrelname === 'watched_pkey');
    expect(BigInt(index?.sizeBytes ?? '0')).toBeGreaterThan(0n);
  });

  it('reads the WAL position and counters', () => {
    expect(snapshot.wal?.lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(snapshot.wal?.records).toMatch(/^\d+$/);
    expect(snapshot.checkpointer?.checkpointsTimed).toMatch(/^\d+$/);
  });

  it('dry run as the role exits 0', async () => {
    const result = await runCollectorCli(['once', '--dry-run', '--target', monitorUrl, '--state-dir', join(tmpdir(), `collector-unregistered-${suffix}`)]);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as SnapshotWire;
    expect(printed.server.systemIdentifier).toBe(snapshot.server.systemIdentifier);
    expect(printed.skippedFamilies?.map((skipped) => skipped.family)).toEqual(['STATEMENTS']);
  });
});

import pg from 'pg';
import { readSnapshot } from '../src/collector/readSnapshot.js';
import { selectSnapshotQueries } from '../src/collector/selectSnapshotQueries.js';
import type { DatabaseStatsWire, SnapshotWire } from '../src/collector/snapshotWire.js';

const databaseUrl = process.env.TEST_DATABASE_URL;
const describeLive = databaseUrl === undefined ? describe.skip : describe;
const liveTitle =
  databaseUrl === undefined
    ? 'readSnapshot on a live server (skipped: set TEST_DATABASE_URL to run)'
    : 'readSnapshot on TEST_DATABASE_URL';

const BIGINT_FIELDS = [
  'xactCommit',
  'xactRollback',
  'blksRead',
  'blksHit',
  'tupReturned',
  'tupFetched',
  'tupInserted',
  'tupUpdated',
  'tupDeleted',
  'tempFiles',
  'tempBytes',
  'deadlocks',
  'conflicts',
  'sizeBytes',
  'frozenXidAge',
] as const satisfies readonly (keyof DatabaseStatsWire)[];

const DECIMAL = /^\d+$/;
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

// Raising from the server aborts the transaction just as a real failure does,
// so the savepoint and rollback paths run against PostgreSQL itself.
const RAISE_INSUFFICIENT_PRIVILEGE_SQL =
  "DO $$ BEGIN RAISE EXCEPTION 'injected permission failure' USING ERRCODE = '42501'; END $$";
const RAISE_DIVISION_BY_ZERO_SQL = 'SELECT 1 / 0';

type QueryHook = (text: string, values: unknown[] | undefined) => Promise<void>;

/** Wraps a client so that `hook` runs on the real connection before each query of readSnapshot. */
function interceptQueries(client: pg.Client, hook: QueryHook): pg.Client {
  const query = async (text: string, values?: unknown[]) => {
    await hook(text, values);
    return client.query(text, values);
  };
  return new Proxy(client, {
    get(target, property, receiver) {
      return property === 'query' ? query : Reflect.get(target, property, receiver);
    },
  });
}

const snapshotOptions = {
  collectorId: 'collector-test',
  snapshotId: '00000000-0000-4000-8000-000000000001',
  host: '127.0.0.1',
  port: 5432,
};

describe('selectSnapshotQueries', () => {
  it('uses the current WAL on a 13 primary', () => {
    expect(selectSnapshotQueries(130000, false).walPosition).toContain('pg_current_wal_lsn()');
  });

  it('uses the received WAL on a 13 standby', () => {
    const { walPosition } = selectSnapshotQueries(130016, true);
    expect(walPosition).toContain('pg_last_wal_receive_lsn()');
    expect(walPosition).not.toContain('pg_current_wal_lsn()');
  });

  it('uses the current WAL on a 17 primary', () => {
    expect(selectSnapshotQueries(170002, false).walPosition).toContain('pg_current_wal_lsn()');
  });

  it('uses the received WAL on a 17 standby', () => {
    const { walPosition } = selectSnapshotQueries(170002, true);
    expect(walPosition).toContain('pg_last_wal_receive_lsn()');
    expect(walPosition).not.toContain('pg_current_wal_lsn()');
  });

  it('chooses the same WAL position SQL for 13 and 17', () => {
    expect(selectSnapshotQueries(130000, false).walPosition).toBe(selectSnapshotQueries(170000, false).walPosition);
    expect(selectSnapshotQueries(130000, true).walPosition).toBe(selectSnapshotQueries(170000, true).walPosition);
  });

  it('13 lock wait counts from state_change', () => {
    const { activity } = selectSnapshotQueries(130016, false);
    expect(activity).toContain("max(now() - state_change) FILTER (WHERE wait_event_type = 'Lock')");
    expect(activity).toContain('AS "longestLockWaitSeconds"');
    expect(activity).not.toContain('waitstart');
    expect(activity).not.toContain('pg_locks');
  });

  it('14 lock wait reads pg_locks.waitstart', () => {
    const { activity } = selectSnapshotQueries(140000, false);
    expect(activity).toContain('coalesce(l.waitstart, now())');
    expect(activity).toContain('FROM pg_locks AS l');
    expect(activity).toContain('NOT l.granted AND l.pid IS DISTINCT FROM pg_backend_pid()');
    expect(activity).toContain('AS "longestLockWaitSeconds"');
  });

  it('13 and 17 share the other activity columns', () => {
    const withoutLockWait = (sql: string) => sql.slice(0, sql.indexOf('"longestIdleInTransactionSeconds"'));
    const pg13 = selectSnapshotQueries(130000, false).activity;
    const pg17 = selectSnapshotQueries(170000, false).activity;
    expect(withoutLockWait(pg13)).toBe(withoutLockWait(pg17));
    expect(pg17).toBe(selectSnapshotQueries(140000, true).activity);
  });

  it('rejects PostgreSQL 12', () => {
    expect(() => selectSnapshotQueries(120022, false)).toThrow(/server_version_num 120022.*requires PostgreSQL 13 or later/);
  });

  it('rejects a non-integer version', () => {
    expect(() => selectSnapshotQueries(Number.NaN, false)).toThrow(/server_version_num NaN/);
  });
});

describeLive(liveTitle, () => {
  let client: pg.Client;
  let idleClient: pg.Client;
  let idlePid: number;
  let snapshot: SnapshotWire;

  beforeAll(async () => {
    client = new pg.Client({ connectionString: databaseUrl });
    idleClient = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await idleClient.connect();

    await idleClient.query('BEGIN');
    await idleClient.query('SELECT pg_sleep(0)');
    const pidResult = await idleClient.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    idlePid = pidResult.rows[0]?.pid ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 100));

    snapshot = await readSnapshot(client, snapshotOptions);
  });

  afterAll(async () => {
    await idleClient?.query('ROLLBACK');
    await idleClient?.end();
    await client?.end();
  });

  it('includes the current database', async () => {
    const result = await client.query<{ name: string }>('SELECT current_database() AS name');
    const names = snapshot.databases.map((database) => database.datname);
    expect(names).toContain(result.rows[0]?.name);
  });

  it('leaves out template databases', () => {
    const names = snapshot.databases.map((database) => database.datname);
    expect(names).not.toContain('template0');
    expect(names).not.toContain('template1');
  });

  it('reports counters as decimal strings', () => {
    for (const database of snapshot.databases) {
      for (const field of BIGINT_FIELDS) {
        const entry = { datname: database.datname, field, value: database[field] };
        expect(entry).toEqual({ ...entry, value: expect.stringMatching(DECIMAL) });
      }
    }
  });

  it('reports the size of the current database', async () => {
    const result = await client.query<{ name: string }>('SELECT current_database() AS name');
    const current = snapshot.databases.find((database) => database.datname === result.rows[0]?.name);
    expect(BigInt(current?.sizeBytes ?? '0')).toBeGreaterThan(0n);
  });

  it('reports the server identity', async () => {
    const result = await client.query<{ version: string; maxConnections: number; systemIdentifier: string }>(
      `SELECT current_setting('server_version') AS "version",
              current_setting('max_connections')::int AS "maxConnections",
              (SELECT system_identifier::text FROM pg_control_system()) AS "systemIdentifier"`,
    );
    const expected = result.rows[0];
    expect(snapshot.server.version).toBe(expected?.version);
    expect(snapshot.server.maxConnections).toBe(expected?.maxConnections);
    expect(snapshot.server.systemIdentifier).toBe(expected?.systemIdentifier);
    expect(snapshot.server.startedAt).toMatch(ISO_UTC);
    expect(snapshot.server.host).toBe('127.0.0.1');
    expect(snapshot.server.port).toBe(5432);
  });

  it('counts the idle-in-transaction session', () => {
    expect(snapshot.activity.idleInTransaction).toBeGreaterThanOrEqual(1);
    expect(snapshot.activity.longestIdleInTransactionSeconds).toBeGreaterThan(0);
    expect(snapshot.activity.longestTransactionSeconds).toBeGreaterThan(0);
    expect(snapshot.activity.totalConnections).toBeGreaterThanOrEqual(1);
  });

  it('reports no negative activity figures', () => {
    for (const [field, value] of Object.entries(snapshot.activity)) {
      expect({ field, value }).toEqual({ field, value: expect.any(Number) });
      expect({ field, nonNegative: value >= 0 }).toEqual({ field, nonNegative: true });
    }
  });

  it('lists the locks of the idle session', async () => {
    const result = await client.query<{ mode: string; granted: boolean; count: number }>(
      'SELECT mode, granted, count(*)::int AS count FROM pg_locks WHERE pid = $1 GROUP BY mode, granted',
      [idlePid],
    );
    expect(result.rows.length).toBeGreaterThan(0);
    for (const heldLock of result.rows) {
      const reported = snapshot.locks.find((lock) => lock.mode === heldLock.mode && lock.granted === heldLock.granted);
      const key = { mode: heldLock.mode, granted: heldLock.granted };
      expect({ ...key, reported: reported !== undefined }).toEqual({ ...key, reported: true });
      expect(reported?.count ?? 0).toBeGreaterThanOrEqual(heldLock.count);
    }
  });

  it('returns an empty or well-formed replication list', () => {
    for (const standby of snapshot.replication) {
      expect(standby.replayLagBytes).toMatch(DECIMAL);
      expect(standby.sentLagBytes).toMatch(DECIMAL);
    }
  });

  it('takes collectedAt from the database clock', async () => {
    const before = await client.query<{ now: Date }>('SELECT now() AS now');
    const read = await readSnapshot(client, snapshotOptions);
    const after = await client.query<{ now: Date }>('SELECT now() AS now');

    expect(read.collectedAt).toMatch(ISO_UTC);
    const collectedAt = Date.parse(read.collectedAt);
    expect(collectedAt).toBeGreaterThanOrEqual((before.rows[0]?.now.getTime() ?? 0) - 1);
    expect(collectedAt).toBeLessThanOrEqual((after.rows[0]?.now.getTime() ?? 0) + 1);
  });

  it('uses the now option for collectedAt', async () => {
    const now = new Date('2026-01-31T12:00:00.000Z');
    const read = await readSnapshot(client, { ...snapshotOptions, now });
    expect(read.collectedAt).toBe('2026-01-31T12:00:00.000Z');
  });

  it('passes the ids through', () => {
    expect(snapshot.collectorId).toBe(snapshotOptions.collectorId);
    expect(snapshot.snapshotId).toBe(snapshotOptions.snapshotId);
  });

  it('reads in a read-only transaction with the timeout', async () => {
    const settings: Record<string, string> = {};
    const probed = interceptQueries(client, async (text) => {
      if (!text.includes('FROM pg_stat_activity')) return;
      const result = await client.query<Record<string, string>>(
        `SELECT current_setting('transaction_read_only') AS "readOnly",
                current_setting('transaction_isolation') AS "isolation",
                current_setting('statement_timeout') AS "statementTimeout"`,
      );
      Object.assign(settings, result.rows[0]);
    });
    const outside = await client.query<{ statement_timeout: string }>('SHOW statement_timeout');

    await readSnapshot(probed, { ...snapshotOptions, statementTimeoutMs: 1234 });

    expect(settings).toEqual({ readOnly: 'on', isolation: 'repeatable read', statementTimeout: '1234ms' });
    const afterwards = await client.query<{ statement_timeout: string }>('SHOW statement_timeout');
    expect(afterwards.rows[0]?.statement_timeout).toBe(outside.rows[0]?.statement_timeout);
  });

  it('excludes its own backend from activity', async () => {
    let visibleClientBackends = -1;
    const probed = interceptQueries(client, async (text) => {
      if (!text.includes('FROM pg_stat_activity')) return;
      // pg_stat_activity stays fixed for the rest of a transaction once read, so
      // this count matches the rows that the snapshot query reads next.
      const result = await client.query<{ count: number }>(
        "SELECT count(*)::int AS count FROM pg_stat_activity WHERE backend_type = 'client backend'",
      );
      visibleClientBackends = result.rows[0]?.count ?? -1;
    });

    const read = await readSnapshot(probed, snapshotOptions);

    expect(read.activity.totalConnections).toBe(visibleClientBackends - 1);
  });

  it('reports a null system identifier without privilege', async () => {
    const failing = interceptQueries(client, async (text) => {
      if (text.includes('pg_control_system')) await client.query(RAISE_INSUFFICIENT_PRIVILEGE_SQL);
    });

    const read = await readSnapshot(failing, snapshotOptions);

    expect(read.server.systemIdentifier).toBeNull();
    expect(read.databases.length).toBeGreaterThan(0);
  });

  it('falls back to per-database sizes', async () => {
    let sizeQueries = 0;
    const failing = interceptQueries(client, async (text, values) => {
      if (text.includes('pg_database_size($1::name)')) sizeQueries += 1;
      if (text.includes('pg_database_size(d.oid)') && values?.[0] === true) {
        await client.query(RAISE_INSUFFICIENT_PRIVILEGE_SQL);
      }
    });

    const read = await readSnapshot(failing, snapshotOptions);

    expect(sizeQueries).toBe(read.databases.length);
    expect(read.databases.map((database) => database.datname)).toEqual(
      snapshot.databases.map((database) => database.datname),
    );
    for (const database of read.databases) {
      expect({ datname: database.datname, sizeBytes: database.sizeBytes }).toEqual({
        datname: database.datname,
        sizeBytes: expect.stringMatching(/^[1-9]\d*$/),
      });
    }
  });

  it('rolls back and rethrows a failed query', async () => {
    const failing = interceptQueries(client, async (text) => {
      if (text.includes('FROM pg_locks')) await client.query(RAISE_DIVISION_BY_ZERO_SQL);
    });

    await expect(readSnapshot(failing, snapshotOptions)).rejects.toMatchObject({ code: '22012' });

    const status = await client.query<{ readOnly: string }>(
      `SELECT current_setting('transaction_read_only') AS "readOnly"`,
    );
    expect(status.rows[0]?.readOnly).toBe('off');
  });

  it('rejects an invalid statement timeout', async () => {
    let queries = 0;
    const counted = interceptQueries(client, async () => {
      queries += 1;
    });

    for (const statementTimeoutMs of [0, -1, 1.5, 2_147_483_648]) {
      await expect(readSnapshot(counted, { ...snapshotOptions, statementTimeoutMs })).rejects.toThrow(
        /Invalid statementTimeoutMs/,
      );
    }
    expect(queries).toBe(0);
  });
});

describeLive(`${liveTitle}: a session blocked on a lock`, () => {
  // A random advisory lock key keeps parallel test runs on the same server apart.
  const lockKey = String(Math.floor(Math.random() * 1e15));
  let client: pg.Client;
  let holder: pg.Client;
  let waiter: pg.Client;
  let waiterQuery: Promise<unknown>;
  let snapshot: SnapshotWire;

  beforeAll(async () => {
    client = new pg.Client({ connectionString: databaseUrl });
    holder = new pg.Client({ connectionString: databaseUrl });
    waiter = new pg.Client({ connectionString: databaseUrl });
    await Promise.all([client.connect(), holder.connect(), waiter.connect()]);

    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey]);
    const pidResult = await waiter.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const waiterPid = pidResult.rows[0]?.pid ?? 0;
    // Errors are kept for afterAll, so an unhandled rejection cannot end the run early.
    waiterQuery = waiter.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey]).catch((error: unknown) => error);

    await waitForLockWait(client, waiterPid);
    // waitstart is set once the wait has begun, and the snapshot's now() must come after it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    snapshot = await readSnapshot(client, snapshotOptions);
  });

  afterAll(async () => {
    await holder?.query('ROLLBACK');
    await waiterQuery;
    await Promise.all([holder?.end(), waiter?.end(), client?.end()]);
  });

  it('counts the waiting session', () => {
    expect(snapshot.activity.waitingOnLocks).toBeGreaterThanOrEqual(1);
  });

  it('reports a lock wait duration', () => {
    expect(snapshot.activity.longestLockWaitSeconds).toBeGreaterThan(0);
  });

  it('13 variant runs on this server', async () => {
    const result = await client.query<{ longestLockWaitSeconds: number; waitingOnLocks: number }>(
      selectSnapshotQueries(130000, false).activity,
    );
    expect(result.rows[0]?.waitingOnLocks).toBeGreaterThanOrEqual(1);
    expect(result.rows[0]?.longestLockWaitSeconds).toBeGreaterThan(0);
  });
});

/** Polls pg_locks until the backend waits for a lock with waitstart set, and throws after 5 s. */
async function waitForLockWait(client: pg.Client, pid: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const result = await client.query<{ waiting: boolean }>(
      'SELECT EXISTS (SELECT FROM pg_locks WHERE pid = $1 AND NOT granted AND waitstart IS NOT NULL) AS waiting',
      [pid],
    );
    if (result.rows[0]?.waiting === true) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Backend ${pid} did not start waiting for the advisory lock within 5 s`);
}

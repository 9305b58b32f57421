import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { quoteIdentifier, selectFamilySql } from '../src/collector/familySql.js';
import { readSnapshot } from '../src/collector/readSnapshot.js';

const liveUrl = process.env.TEST_DATABASE_URL;
const describeLive = liveUrl ? describe : describe.skip;

describe('selectFamilySql', () => {
  it('13 statements use blk_read_time', () => {
    const sql = selectFamilySql(130000).statements('public');
    expect(sql).toContain('s.blk_read_time');
    expect(sql).toContain('s.blk_write_time');
    expect(sql).toContain('total_exec_time');
    expect(sql).not.toContain('shared_blk_read_time');
  });

  it('17 statements use shared and local block times', () => {
    const sql = selectFamilySql(170000).statements('public');
    expect(sql).toContain('s.shared_blk_read_time + s.local_blk_read_time');
    expect(sql).toContain('s.shared_blk_write_time + s.local_blk_write_time');
    expect(sql).not.toMatch(/s\.blk_read_time/);
  });

  it('16 checkpointer reads pg_stat_bgwriter', () => {
    const sql = selectFamilySql(160004).checkpointer;
    expect(sql).toContain('FROM pg_stat_bgwriter');
    expect(sql).toContain('checkpoints_req');
  });

  it('17 checkpointer reads pg_stat_checkpointer', () => {
    const sql = selectFamilySql(170000).checkpointer;
    expect(sql).toContain('FROM pg_stat_checkpointer');
    expect(sql).toContain('num_requested');
    expect(sql).not.toContain('pg_stat_bgwriter');
  });

  it('13 WAL has no pg_stat_wal', () => {
    expect(selectFamilySql(130012).wal).not.toContain('pg_stat_wal');
  });

  it('14 WAL reads pg_stat_wal', () => {
    expect(selectFamilySql(140000).wal).toContain('FROM pg_stat_wal');
  });

  it('extension schema is quoted', () => {
    expect(quoteIdentifier('odd"schema')).toBe('"odd""schema"');
    expect(selectFamilySql(150000).statements('odd"schema')).toContain('FROM "odd""schema".pg_stat_statements');
  });
});

describeLive('families on TEST_DATABASE_URL', () => {
  const options = { collectorId: 'c', snapshotId: '00000000-0000-7000-8000-000000000001', host: '127.0.0.1', port: 5432 };
  const databaseName = `collector_families_${randomBytes(4).toString('hex')}`;
  let admin: pg.Client;
  let client: pg.Client;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: liveUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${databaseName}`);
    const url = new URL(liveUrl!);
    url.pathname = `/${databaseName}`;
    client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    await client.query('CREATE TABLE measurements (id bigint PRIMARY KEY, value text)');
    await client.query("INSERT INTO measurements SELECT g, 'v' || g FROM generate_series(1, 500) AS g");
    await client.query('DELETE FROM measurements WHERE id <= 100');
  });

  afterAll(async () => {
    await client.end();
    await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await admin.end();
  });

  it('tables and indexes are read', async () => {
    const snapshot = await readSnapshot(client, options);
    const table = snapshot.tables?.find((row) => row.relname === 'measurements');
    expect(table?.datname).toBe(databaseName);
    expect(Number(table?.sizeBytes)).toBeGreaterThan(0);
    expect(snapshot.indexes?.map((row) => row.indexrelname)).toContain('measurements_pkey');
  });

  it('checkpointer and WAL are read', async () => {
    const snapshot = await readSnapshot(client, options);
    expect(Number(snapshot.checkpointer?.checkpointsTimed)).toBeGreaterThanOrEqual(0);
    expect(snapshot.wal?.lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(Number(snapshot.wal?.lsnBytes)).toBeGreaterThan(0);
    expect(snapshot.replicationSlots).toEqual([]);
  });

  it('relation limit caps tables', async () => {
    await client.query('CREATE TABLE tiny (id int)');
    const snapshot = await readSnapshot(client, { ...options, relationsLimit: 1 });
    expect(snapshot.tables?.map((row) => row.relname)).toEqual(['measurements']);
  });

  it('missing extension skips statements only', async () => {
    const snapshot = await readSnapshot(client, options);
    expect(snapshot.statements).toBeUndefined();
    expect(snapshot.skippedFamilies).toEqual([
      { family: 'STATEMENTS', reason: `the pg_stat_statements extension is not installed in database "${databaseName}"` },
    ]);
    expect(snapshot.tables).toBeDefined();
  });

  it('extension without preload is skipped with its error', async () => {
    const available = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements'");
    if (available.rowCount === 0) {
      return;
    }
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const preloaded = (await client.query<{ libraries: string }>("SELECT current_setting('shared_preload_libraries') AS libraries")).rows[0]!;
    const snapshot = await readSnapshot(client, options);

    if (preloaded.libraries.includes('pg_stat_statements')) {
      expect(snapshot.statements).toBeDefined();
      return;
    }
    expect(snapshot.statements).toBeUndefined();
    expect(snapshot.skippedFamilies?.[0]?.reason).toContain('SQLSTATE 55000');
    expect(snapshot.wal).toBeDefined();
  });
});

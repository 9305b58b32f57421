/**
 * Statistics queries of the optional families, chosen by server_version_num
 * because PostgreSQL renamed their views and columns between releases.
 * readFamilies.ts runs them; selectFamilySql is pure so that the text for
 * each release can be unit-tested without that release.
 */

export interface FamilySql {
  /** Takes $1 = row limit, $2 = whether to send the query text; the view's schema is inserted by statementsSql. */
  statements: (schema: string) => string;
  /** Takes $1 = row limit. */
  tables: string;
  /** Takes $1 = row limit. */
  indexes: string;
  checkpointer: string;
  /** Takes $1 = the current WAL position as pg_lsn text. */
  wal: string;
  /** Takes $1 = the current WAL position as pg_lsn text. */
  replicationSlots: string;
}

export const STATEMENTS_SCHEMA_SQL = `
SELECT n.nspname AS "schema"
FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace
WHERE e.extname = 'pg_stat_statements'`;

/** Quotes an identifier as quote_ident() does, for the one name that cannot be a bind parameter. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const PG14 = 140000;
const PG17 = 170000;

// PostgreSQL 17 split blk_read_time into shared_blk_read_time and
// local_blk_read_time (same for writes); their sum matches the older column.
function blockTimeColumns(versionNum: number): { read: string; write: string } {
  if (versionNum >= PG17) {
    return {
      read: 's.shared_blk_read_time + s.local_blk_read_time',
      write: 's.shared_blk_write_time + s.local_blk_write_time',
    };
  }
  return { read: 's.blk_read_time', write: 's.blk_write_time' };
}

// From PostgreSQL 14 one queryid has a row per toplevel flag, so rows are
// summed per database, user and queryid. Times come from total_exec_time,
// named so since PostgreSQL 13.
function statementsSql(versionNum: number): (schema: string) => string {
  const blockTime = blockTimeColumns(versionNum);
  return (schema) => `
SELECT s.queryid::text AS "queryid",
       d.datname AS "datname",
       coalesce(r.rolname, s.userid::text) AS "username",
       sum(s.calls)::text AS "calls",
       sum(s.total_exec_time)::float8 AS "totalExecTimeMs",
       (sum(s.total_exec_time) / nullif(sum(s.calls), 0))::float8 AS "meanExecTimeMs",
       sum(s.rows)::text AS "rows",
       sum(s.shared_blks_hit)::text AS "sharedBlksHit",
       sum(s.shared_blks_read)::text AS "sharedBlksRead",
       sum(s.shared_blks_written)::text AS "sharedBlksWritten",
       sum(s.local_blks_hit)::text AS "localBlksHit",
       sum(s.local_blks_read)::text AS "localBlksRead",
       sum(s.local_blks_written)::text AS "localBlksWritten",
       sum(s.temp_blks_read)::text AS "tempBlksRead",
       sum(s.temp_blks_written)::text AS "tempBlksWritten",
       sum(${blockTime.read})::float8 AS "blkReadTimeMs",
       sum(${blockTime.write})::float8 AS "blkWriteTimeMs",
       CASE WHEN $2::boolean THEN left(min(s.query), 10000) END AS "query"
FROM ${quoteIdentifier(schema)}.pg_stat_statements AS s
JOIN pg_database AS d ON d.oid = s.dbid
LEFT JOIN pg_roles AS r ON r.oid = s.userid
WHERE s.queryid IS NOT NULL
GROUP BY s.queryid, d.datname, r.rolname, s.userid
ORDER BY sum(s.total_exec_time) DESC, s.queryid
LIMIT $1`;
}

const TABLES_SQL = `
SELECT current_database() AS "datname",
       t.schemaname AS "schemaname",
       t.relname AS "relname",
       coalesce(t.seq_scan, 0)::text AS "seqScan",
       coalesce(t.idx_scan, 0)::text AS "idxScan",
       t.n_tup_ins::text AS "nTupIns",
       t.n_tup_upd::text AS "nTupUpd",
       t.n_tup_del::text AS "nTupDel",
       t.n_tup_hot_upd::text AS "nTupHotUpd",
       t.n_live_tup::text AS "nLiveTup",
       t.n_dead_tup::text AS "nDeadTup",
       to_char(t.last_vacuum AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "lastVacuum",
       to_char(t.last_autovacuum AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "lastAutovacuum",
       to_char(t.last_analyze AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "lastAnalyze",
       to_char(t.last_autoanalyze AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "lastAutoanalyze",
       coalesce(io.heap_blks_read, 0)::text AS "heapBlksRead",
       coalesce(io.heap_blks_hit, 0)::text AS "heapBlksHit",
       coalesce(io.idx_blks_read, 0)::text AS "idxBlksRead",
       coalesce(io.idx_blks_hit, 0)::text AS "idxBlksHit",
       pg_total_relation_size(t.relid)::text AS "sizeBytes"
FROM pg_stat_user_tables AS t
JOIN pg_statio_user_tables AS io ON io.relid = t.relid
ORDER BY pg_total_relation_size(t.relid) DESC, t.schemaname, t.relname
LIMIT $1`;

const INDEXES_SQL = `
SELECT current_database() AS "datname",
       i.schemaname AS "schemaname",
       i.relname AS "relname",
       i.indexrelname AS "indexrelname",
       i.idx_scan::text AS "idxScan",
       i.idx_tup_read::text AS "idxTupRead",
       i.idx_tup_fetch::text AS "idxTupFetch",
       coalesce(io.idx_blks_read, 0)::text AS "idxBlksRead",
       coalesce(io.idx_blks_hit, 0)::text AS "idxBlksHit",
       pg_relation_size(i.indexrelid)::text AS "sizeBytes"
FROM pg_stat_user_indexes AS i
JOIN pg_statio_user_indexes AS io ON io.indexrelid = i.indexrelid
ORDER BY pg_relation_size(i.indexrelid) DESC, i.schemaname, i.indexrelname
LIMIT $1`;

function checkpointerSql(versionNum: number): string {
  const view = versionNum >= PG17
    ? { from: 'pg_stat_checkpointer', timed: 'num_timed', requested: 'num_requested', write: 'write_time', sync: 'sync_time', buffers: 'buffers_written' }
    : { from: 'pg_stat_bgwriter', timed: 'checkpoints_timed', requested: 'checkpoints_req', write: 'checkpoint_write_time', sync: 'checkpoint_sync_time', buffers: 'buffers_checkpoint' };
  return `
SELECT ${view.timed}::text AS "checkpointsTimed",
       ${view.requested}::text AS "checkpointsRequested",
       ${view.write}::float8 AS "writeTimeMs",
       ${view.sync}::float8 AS "syncTimeMs",
       ${view.buffers}::text AS "buffersWritten",
       to_char(stats_reset AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "statsReset"
FROM ${view.from}`;
}

// pg_stat_wal exists from PostgreSQL 14; on 13 only the position is sent.
function walSql(versionNum: number): string {
  const position = `$1::pg_lsn::text AS "lsn", pg_wal_lsn_diff($1::pg_lsn, '0/0')::bigint::text AS "lsnBytes"`;
  if (versionNum < PG14) {
    return `SELECT ${position}, NULL AS "records", NULL AS "fpi", NULL AS "bytes", NULL AS "buffersFull", NULL AS "statsReset"`;
  }
  return `
SELECT ${position},
       wal_records::text AS "records",
       wal_fpi::text AS "fpi",
       wal_bytes::text AS "bytes",
       wal_buffers_full::text AS "buffersFull",
       to_char(stats_reset AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "statsReset"
FROM pg_stat_wal`;
}

const REPLICATION_SLOTS_SQL = `
SELECT slot_name::text AS "slotName",
       slot_type AS "slotType",
       database::text AS "database",
       active AS "active",
       greatest(pg_wal_lsn_diff($1::pg_lsn, restart_lsn), 0)::bigint::text AS "retainedBytes",
       nullif(greatest(coalesce(age(xmin), 0), coalesce(age(catalog_xmin), 0)), 0)::text AS "xminAge"
FROM pg_replication_slots
ORDER BY slot_name
LIMIT 1000`;

/**
 * Chooses the family queries for a server_version_num of 130000 or later.
 * NOTE: only the PostgreSQL 15 variants have run against a server. The 13,
 * 14, 16 and 17 texts are checked by unit tests of their column names only.
 */
export function selectFamilySql(versionNum: number): FamilySql {
  return {
    statements: statementsSql(versionNum),
    tables: TABLES_SQL,
    indexes: INDEXES_SQL,
    checkpointer: checkpointerSql(versionNum),
    wal: walSql(versionNum),
    replicationSlots: REPLICATION_SLOTS_SQL,
  };
}

-- CreateTable
CREATE TABLE "statement_samples" (
    "server_id" UUID NOT NULL,
    "collected_at" TIMESTAMPTZ(3) NOT NULL,
    "datname" VARCHAR(63) NOT NULL,
    "username" VARCHAR(63) NOT NULL,
    "queryid" BIGINT NOT NULL,
    "snapshot_id" UUID NOT NULL,
    "calls" BIGINT NOT NULL,
    "total_exec_time_ms" DOUBLE PRECISION NOT NULL,
    "mean_exec_time_ms" DOUBLE PRECISION NOT NULL,
    "rows" BIGINT NOT NULL,
    "shared_blks_hit" BIGINT NOT NULL,
    "shared_blks_read" BIGINT NOT NULL,
    "shared_blks_written" BIGINT NOT NULL,
    "local_blks_hit" BIGINT NOT NULL,
    "local_blks_read" BIGINT NOT NULL,
    "local_blks_written" BIGINT NOT NULL,
    "temp_blks_read" BIGINT NOT NULL,
    "temp_blks_written" BIGINT NOT NULL,
    "blk_read_time_ms" DOUBLE PRECISION NOT NULL,
    "blk_write_time_ms" DOUBLE PRECISION NOT NULL,
    "query" TEXT,

    CONSTRAINT "statement_samples_pkey" PRIMARY KEY ("server_id","collected_at","datname","username","queryid")
);

-- CreateTable
CREATE TABLE "table_samples" (
    "server_id" UUID NOT NULL,
    "collected_at" TIMESTAMPTZ(3) NOT NULL,
    "datname" VARCHAR(63) NOT NULL,
    "schemaname" VARCHAR(63) NOT NULL,
    "relname" VARCHAR(63) NOT NULL,
    "snapshot_id" UUID NOT NULL,
    "seq_scan" BIGINT NOT NULL,
    "idx_scan" BIGINT NOT NULL,
    "n_tup_ins" BIGINT NOT NULL,
    "n_tup_upd" BIGINT NOT NULL,
    "n_tup_del" BIGINT NOT NULL,
    "n_tup_hot_upd" BIGINT NOT NULL,
    "n_live_tup" BIGINT NOT NULL,
    "n_dead_tup" BIGINT NOT NULL,
    "last_vacuum" TIMESTAMPTZ(3),
    "last_autovacuum" TIMESTAMPTZ(3),
    "last_analyze" TIMESTAMPTZ(3),
    "last_autoanalyze" TIMESTAMPTZ(3),
    "heap_blks_read" BIGINT NOT NULL,
    "heap_blks_hit" BIGINT NOT NULL,
    "idx_blks_read" BIGINT NOT NULL,
    "idx_blks_hit" BIGINT NOT NULL,
    "size_bytes" BIGINT NOT NULL,

    CONSTRAINT "table_samples_pkey" PRIMARY KEY ("server_id","collected_at","datname","schemaname","relname")
);

-- CreateTable
CREATE TABLE "index_samples" (
    "server_id" UUID NOT NULL,
    "collected_at" TIMESTAMPTZ(3) NOT NULL,
    "datname" VARCHAR(63) NOT NULL,
    "schemaname" VARCHAR(63) NOT NULL,
    "indexrelname" VARCHAR(63) NOT NULL,
    "snapshot_id" UUID NOT NULL,
    "relname" VARCHAR(63) NOT NULL,
    "idx_scan" BIGINT NOT NULL,
    "idx_tup_read" BIGINT NOT NULL,
    "idx_tup_fetch" BIGINT NOT NULL,
    "idx_blks_read" BIGINT NOT NULL,
    "idx_blks_hit" BIGINT NOT NULL,
    "size_bytes" BIGINT NOT NULL,

    CONSTRAINT "index_samples_pkey" PRIMARY KEY ("server_id","collected_at","datname","schemaname","indexrelname")
);

-- CreateTable
CREATE TABLE "checkpointer_samples" (
    "server_id" UUID NOT NULL,
    "collected_at" TIMESTAMPTZ(3) NOT NULL,
    "snapshot_id" UUID NOT NULL,
    "checkpoints_timed" BIGINT NOT NULL,
    "checkpoints_requested" BIGINT NOT NULL,
    "write_time_ms" DOUBLE PRECISION NOT NULL,
    "sync_time_ms" DOUBLE PRECISION NOT NULL,
    "buffers_written" BIGINT NOT NULL,
    "stats_reset" TIMESTAMPTZ(3),

    CONSTRAINT "checkpointer_samples_pkey" PRIMARY KEY ("server_id","collected_at")
);

-- CreateTable
CREATE TABLE "wal_samples" (
    "server_id" UUID NOT NULL,
    "collected_at" TIMESTAMPTZ(3) NOT NULL,
    "snapshot_id" UUID NOT NULL,
    "lsn" VARCHAR(32) NOT NULL,
    "lsn_bytes" BIGINT NOT NULL,
    "records" BIGINT,
    "fpi" BIGINT,
    "bytes" BIGINT,
    "buffers_full" BIGINT,
    "stats_reset" TIMESTAMPTZ(3),

    CONSTRAINT "wal_samples_pkey" PRIMARY KEY ("server_id","collected_at")
);

-- CreateTable
CREATE TABLE "replication_slot_samples" (
    "server_id" UUID NOT NULL,
    "collected_at" TIMESTAMPTZ(3) NOT NULL,
    "slot_name" VARCHAR(63) NOT NULL,
    "snapshot_id" UUID NOT NULL,
    "slot_type" VARCHAR(16) NOT NULL,
    "database" VARCHAR(63),
    "active" BOOLEAN NOT NULL,
    "retained_bytes" BIGINT,
    "xmin_age" BIGINT,

    CONSTRAINT "replication_slot_samples_pkey" PRIMARY KEY ("server_id","collected_at","slot_name")
);

-- CreateTable
CREATE TABLE "skipped_families" (
    "server_id" UUID NOT NULL,
    "collected_at" TIMESTAMPTZ(3) NOT NULL,
    "family" VARCHAR(32) NOT NULL,
    "snapshot_id" UUID NOT NULL,
    "reason" VARCHAR(1000) NOT NULL,

    CONSTRAINT "skipped_families_pkey" PRIMARY KEY ("server_id","collected_at","family")
);

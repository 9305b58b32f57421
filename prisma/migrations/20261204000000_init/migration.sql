-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'USER', 'VIEWER');

-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('WARNING', 'CRITICAL');

-- CreateEnum
CREATE TYPE "AlertState" AS ENUM ('FIRING', 'RESOLVED');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "username" VARCHAR(64) NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refresh_tokens" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "token_hash" CHAR(64) NOT NULL,
    "family_id" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "consumed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "refresh_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "collectors" (
    "id" UUID NOT NULL,
    "hostname" VARCHAR(255) NOT NULL,
    "description" VARCHAR(1000),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3),

    CONSTRAINT "collectors_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "monitored_servers" (
    "id" UUID NOT NULL,
    "collector_id" UUID NOT NULL,
    "identity" VARCHAR(300) NOT NULL,
    "host" VARCHAR(255) NOT NULL,
    "port" INTEGER NOT NULL,
    "version" VARCHAR(300) NOT NULL,
    "system_identifier" VARCHAR(32),
    "max_connections" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "monitored_servers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "server_configs" (
    "server_id" UUID NOT NULL,
    "interval_seconds" INTEGER NOT NULL,
    "families" TEXT[],
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_by" VARCHAR(64),

    CONSTRAINT "server_configs_pkey" PRIMARY KEY ("server_id")
);

-- CreateTable
CREATE TABLE "snapshots" (
    "id" UUID NOT NULL,
    "collector_id" UUID NOT NULL,
    "server_id" UUID NOT NULL,
    "collected_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activity_samples" (
    "server_id" UUID NOT NULL,
    "collected_at" TIMESTAMPTZ(3) NOT NULL,
    "snapshot_id" UUID NOT NULL,
    "max_connections" INTEGER NOT NULL,
    "total_connections" INTEGER NOT NULL,
    "active" INTEGER NOT NULL,
    "idle" INTEGER NOT NULL,
    "idle_in_transaction" INTEGER NOT NULL,
    "idle_in_transaction_aborted" INTEGER NOT NULL,
    "fastpath" INTEGER NOT NULL,
    "disabled" INTEGER NOT NULL,
    "waiting_on_locks" INTEGER NOT NULL,
    "longest_transaction_seconds" DOUBLE PRECISION NOT NULL,
    "longest_query_seconds" DOUBLE PRECISION NOT NULL,
    "longest_idle_in_transaction_seconds" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "activity_samples_pkey" PRIMARY KEY ("server_id","collected_at")
);

-- CreateTable
CREATE TABLE "database_samples" (
    "server_id" UUID NOT NULL,
    "collected_at" TIMESTAMPTZ(3) NOT NULL,
    "datname" VARCHAR(63) NOT NULL,
    "snapshot_id" UUID NOT NULL,
    "xact_commit" BIGINT NOT NULL,
    "xact_rollback" BIGINT NOT NULL,
    "blks_read" BIGINT NOT NULL,
    "blks_hit" BIGINT NOT NULL,
    "tup_returned" BIGINT NOT NULL,
    "tup_fetched" BIGINT NOT NULL,
    "tup_inserted" BIGINT NOT NULL,
    "tup_updated" BIGINT NOT NULL,
    "tup_deleted" BIGINT NOT NULL,
    "temp_files" BIGINT NOT NULL,
    "temp_bytes" BIGINT NOT NULL,
    "deadlocks" BIGINT NOT NULL,
    "conflicts" BIGINT NOT NULL,
    "stats_reset" TIMESTAMPTZ(3),
    "size_bytes" BIGINT NOT NULL,
    "frozen_xid_age" BIGINT NOT NULL,

    CONSTRAINT "database_samples_pkey" PRIMARY KEY ("server_id","collected_at","datname")
);

-- CreateTable
CREATE TABLE "lock_samples" (
    "server_id" UUID NOT NULL,
    "collected_at" TIMESTAMPTZ(3) NOT NULL,
    "mode" VARCHAR(63) NOT NULL,
    "granted" BOOLEAN NOT NULL,
    "snapshot_id" UUID NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "lock_samples_pkey" PRIMARY KEY ("server_id","collected_at","mode","granted")
);

-- CreateTable
CREATE TABLE "replication_samples" (
    "server_id" UUID NOT NULL,
    "collected_at" TIMESTAMPTZ(3) NOT NULL,
    "standby" VARCHAR(300) NOT NULL,
    "snapshot_id" UUID NOT NULL,
    "client_addr" VARCHAR(64),
    "state" VARCHAR(32) NOT NULL,
    "sync_state" VARCHAR(32) NOT NULL,
    "sent_lag_bytes" BIGINT NOT NULL,
    "write_lag_bytes" BIGINT NOT NULL,
    "flush_lag_bytes" BIGINT NOT NULL,
    "replay_lag_bytes" BIGINT NOT NULL,
    "write_lag_seconds" DOUBLE PRECISION,
    "flush_lag_seconds" DOUBLE PRECISION,
    "replay_lag_seconds" DOUBLE PRECISION,

    CONSTRAINT "replication_samples_pkey" PRIMARY KEY ("server_id","collected_at","standby")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" UUID NOT NULL,
    "server_id" UUID NOT NULL,
    "rule" VARCHAR(64) NOT NULL,
    "subject" VARCHAR(300) NOT NULL DEFAULT '',
    "severity" "AlertSeverity" NOT NULL,
    "state" "AlertState" NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "message" VARCHAR(1000) NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_username_key" ON "users"("username");

-- CreateIndex
CREATE UNIQUE INDEX "refresh_tokens_token_hash_key" ON "refresh_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "refresh_tokens_user_id_idx" ON "refresh_tokens"("user_id");

-- CreateIndex
CREATE INDEX "refresh_tokens_family_id_idx" ON "refresh_tokens"("family_id");

-- CreateIndex
CREATE UNIQUE INDEX "collectors_hostname_key" ON "collectors"("hostname");

-- CreateIndex
CREATE UNIQUE INDEX "monitored_servers_collector_id_identity_key" ON "monitored_servers"("collector_id", "identity");

-- CreateIndex
CREATE INDEX "snapshots_server_id_collected_at_idx" ON "snapshots"("server_id", "collected_at");

-- CreateIndex
CREATE INDEX "alerts_server_id_state_opened_at_idx" ON "alerts"("server_id", "state", "opened_at");

-- CreateIndex
CREATE INDEX "alerts_state_opened_at_idx" ON "alerts"("state", "opened_at");

-- AddForeignKey
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "monitored_servers" ADD CONSTRAINT "monitored_servers_collector_id_fkey" FOREIGN KEY ("collector_id") REFERENCES "collectors"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "server_configs" ADD CONSTRAINT "server_configs_server_id_fkey" FOREIGN KEY ("server_id") REFERENCES "monitored_servers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_collector_id_fkey" FOREIGN KEY ("collector_id") REFERENCES "collectors"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_server_id_fkey" FOREIGN KEY ("server_id") REFERENCES "monitored_servers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_server_id_fkey" FOREIGN KEY ("server_id") REFERENCES "monitored_servers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateIndex
-- Added by hand because schema.prisma cannot express a partial index: at most
-- one alert per server, rule and subject is FIRING at a time.
CREATE UNIQUE INDEX "alerts_open_key" ON "alerts"("server_id", "rule", "subject") WHERE "state" = 'FIRING';

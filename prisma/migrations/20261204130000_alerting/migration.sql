-- AlterEnum
-- The new value is not used in this migration: PostgreSQL rejects a value
-- added by ALTER TYPE in the transaction that added it.
ALTER TYPE "AlertState" ADD VALUE 'PENDING' BEFORE 'FIRING';

-- CreateEnum
CREATE TYPE "AlertComparison" AS ENUM ('ABOVE', 'BELOW');

-- CreateEnum
CREATE TYPE "AlertRuleScope" AS ENUM ('ALL_SERVERS', 'SERVER', 'LABEL');

-- CreateEnum
CREATE TYPE "NotificationChannelKind" AS ENUM ('WEBHOOK', 'SLACK');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('PENDING', 'DELIVERED', 'FAILED');

-- AlterTable
ALTER TABLE "monitored_servers" ADD COLUMN     "labels" TEXT[];

-- AlterTable
ALTER TABLE "server_configs" ALTER COLUMN "interval_seconds" DROP NOT NULL,
ADD COLUMN     "query_text" BOOLEAN,
ADD COLUMN     "statement_top_n" INTEGER,
ADD COLUMN     "table_cap" INTEGER,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "alerts" ADD COLUMN     "acknowledged_at" TIMESTAMPTZ(3),
ADD COLUMN     "acknowledged_by" VARCHAR(64),
ADD COLUMN     "fired_at" TIMESTAMPTZ(3),
ADD COLUMN     "rule_id" UUID;

-- CreateTable
CREATE TABLE "collector_defaults" (
    "id" INTEGER NOT NULL,
    "interval_seconds" INTEGER NOT NULL,
    "families" TEXT[],
    "statement_top_n" INTEGER NOT NULL,
    "query_text" BOOLEAN NOT NULL,
    "table_cap" INTEGER NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3),
    "updated_by" VARCHAR(64),

    CONSTRAINT "collector_defaults_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_rules" (
    "id" UUID NOT NULL,
    "key" VARCHAR(64) NOT NULL,
    "description" VARCHAR(1000) NOT NULL DEFAULT '',
    "metric" VARCHAR(64) NOT NULL,
    "comparison" "AlertComparison" NOT NULL,
    "warning_threshold" DOUBLE PRECISION,
    "critical_threshold" DOUBLE PRECISION,
    "for_seconds" INTEGER NOT NULL DEFAULT 0,
    "scope" "AlertRuleScope" NOT NULL,
    "server_id" UUID,
    "label" VARCHAR(63),
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" VARCHAR(64),

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_events" (
    "id" UUID NOT NULL,
    "alert_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "kind" VARCHAR(32) NOT NULL,
    "state" "AlertState" NOT NULL,
    "severity" "AlertSeverity" NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "actor" VARCHAR(64),

    CONSTRAINT "alert_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_silences" (
    "id" UUID NOT NULL,
    "rule" VARCHAR(64),
    "server_id" UUID,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "comment" VARCHAR(1000) NOT NULL DEFAULT '',
    "created_by" VARCHAR(64),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_silences_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_channels" (
    "id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "kind" "NotificationChannelKind" NOT NULL,
    "url" VARCHAR(2000) NOT NULL,
    "secret" VARCHAR(100) NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" VARCHAR(64),

    CONSTRAINT "notification_channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_deliveries" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "alert_id" UUID,
    "event" VARCHAR(32) NOT NULL,
    "payload" TEXT NOT NULL,
    "status" "DeliveryStatus" NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "notification_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "delivery_attempts" (
    "id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "attempted_at" TIMESTAMPTZ(3) NOT NULL,
    "status_code" INTEGER,
    "error" VARCHAR(1000),
    "duration_ms" INTEGER NOT NULL,

    CONSTRAINT "delivery_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "alert_rules_key_key" ON "alert_rules"("key");

-- CreateIndex
CREATE INDEX "alerts_rule_id_idx" ON "alerts"("rule_id");

-- CreateIndex
CREATE INDEX "alert_events_alert_id_at_idx" ON "alert_events"("alert_id", "at");

-- CreateIndex
CREATE INDEX "alert_silences_ends_at_idx" ON "alert_silences"("ends_at");

-- CreateIndex
CREATE UNIQUE INDEX "notification_channels_name_key" ON "notification_channels"("name");

-- CreateIndex
CREATE INDEX "notification_deliveries_status_next_attempt_at_idx" ON "notification_deliveries"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "notification_deliveries_channel_id_created_at_idx" ON "notification_deliveries"("channel_id", "created_at");

-- CreateIndex
CREATE INDEX "delivery_attempts_delivery_id_attempted_at_idx" ON "delivery_attempts"("delivery_id", "attempted_at");

-- AddForeignKey
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_server_id_fkey" FOREIGN KEY ("server_id") REFERENCES "monitored_servers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_silences" ADD CONSTRAINT "alert_silences_server_id_fkey" FOREIGN KEY ("server_id") REFERENCES "monitored_servers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "notification_channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "notification_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- DropIndex
-- Added by hand: an alert is open while PENDING or FIRING, and at most one
-- alert per server, rule and subject is open. The predicate names RESOLVED
-- because PENDING cannot be used in the transaction that added it.
DROP INDEX "alerts_open_key";

-- CreateIndex
CREATE UNIQUE INDEX "alerts_open_key" ON "alerts"("server_id", "rule", "subject") WHERE "state" <> 'RESOLVED';

-- Seed
-- Global collection settings that every server inherits until overridden.
INSERT INTO "collector_defaults" ("id", "interval_seconds", "families", "statement_top_n", "query_text", "table_cap", "version")
VALUES (1, 60, ARRAY['DATABASES', 'ACTIVITY', 'LOCKS', 'REPLICATION'], 50, true, 500, 1);

-- Seed
-- The default rules. Thresholds are in the metric's unit (see MetricName in
-- schema.graphql). Rules whose metric needs statistics that collectors do
-- not send yet (replication slots, table statistics, checkpointer) are
-- inserted disabled; an enabled rule with no value never fires.
INSERT INTO "alert_rules" ("id", "key", "description", "metric", "comparison", "warning_threshold", "critical_threshold", "for_seconds", "scope", "enabled") VALUES
    (gen_random_uuid(), 'connections_utilization', 'Client connections near max_connections.', 'CONNECTION_UTILIZATION', 'ABOVE', 0.8, 0.95, 0, 'ALL_SERVERS', true),
    (gen_random_uuid(), 'cache_hit_ratio', 'Share of block reads served from shared buffers since the previous snapshot.', 'CACHE_HIT_RATIO', 'BELOW', 0.9, NULL, 0, 'ALL_SERVERS', true),
    (gen_random_uuid(), 'replication_replay_lag', 'A standby replays WAL far behind the primary.', 'REPLICATION_REPLAY_LAG_BYTES', 'ABOVE', 104857600, 1073741824, 0, 'ALL_SERVERS', true),
    (gen_random_uuid(), 'inactive_replication_slot', 'A replication slot without a consumer retains WAL. Disabled until collectors send replication slots.', 'INACTIVE_REPLICATION_SLOT_SECONDS', 'ABOVE', 1800, NULL, 0, 'ALL_SERVERS', false),
    (gen_random_uuid(), 'long_transaction', 'A transaction has been open for a long time.', 'LONGEST_TRANSACTION_SECONDS', 'ABOVE', 1800, 3600, 0, 'ALL_SERVERS', true),
    (gen_random_uuid(), 'idle_in_transaction', 'A session has been idle in transaction for a long time.', 'IDLE_IN_TRANSACTION_SECONDS', 'ABOVE', 1800, 3600, 0, 'ALL_SERVERS', true),
    (gen_random_uuid(), 'sessions_blocked_on_locks', 'Sessions have been waiting on locks for 5 minutes.', 'SESSIONS_WAITING_ON_LOCKS', 'ABOVE', 0, NULL, 300, 'ALL_SERVERS', true),
    (gen_random_uuid(), 'deadlocks', 'Deadlocks per minute since the previous snapshot.', 'DEADLOCKS_PER_MINUTE', 'ABOVE', 5, NULL, 0, 'ALL_SERVERS', true),
    (gen_random_uuid(), 'transaction_id_age', 'age(datfrozenxid) of a database approaches wraparound at 2^31.', 'TRANSACTION_ID_AGE', 'ABOVE', 1073741824, 1717986918.4, 0, 'ALL_SERVERS', true),
    (gen_random_uuid(), 'requested_checkpoints', 'More than half of the checkpoints were requested rather than timed. Disabled until collectors send checkpointer statistics.', 'REQUESTED_CHECKPOINT_RATIO', 'ABOVE', 0.5, NULL, 0, 'ALL_SERVERS', false),
    (gen_random_uuid(), 'dead_tuple_ratio', 'Dead tuples above 20% of a table with more than 10,000 rows. Disabled until collectors send table statistics.', 'DEAD_TUPLE_RATIO', 'ABOVE', 0.2, NULL, 0, 'ALL_SERVERS', false),
    (gen_random_uuid(), 'rollback_ratio', 'Share of transactions rolled back since the previous snapshot.', 'ROLLBACK_RATIO', 'ABOVE', 0.1, NULL, 0, 'ALL_SERVERS', true);

-- Backfill
UPDATE "alerts" SET "rule_id" = "alert_rules"."id" FROM "alert_rules" WHERE "alert_rules"."key" = "alerts"."rule";

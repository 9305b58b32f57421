-- Snapshots now carry replication slot, checkpointer and table statistics,
-- so the default rules on them have values and are enabled, and their
-- descriptions lose the sentence saying why they were disabled.

-- Enable default rules
UPDATE "alert_rules" SET "enabled" = true, "updated_at" = CURRENT_TIMESTAMP
WHERE "key" IN ('inactive_replication_slot', 'requested_checkpoints', 'dead_tuple_ratio') AND NOT "enabled";

UPDATE "alert_rules" SET "description" = regexp_replace("description", ' Disabled until collectors send [a-z ]+\.$', '')
WHERE "key" IN ('inactive_replication_slot', 'requested_checkpoints', 'dead_tuple_ratio');

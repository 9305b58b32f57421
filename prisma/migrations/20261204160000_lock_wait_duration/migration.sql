-- Snapshots now carry the longest lock wait in seconds. Older collectors do
-- not send it, so the column stays NULL for their samples.

-- AlterTable
ALTER TABLE "activity_samples" ADD COLUMN "longest_lock_wait_seconds" DOUBLE PRECISION;

-- Update default rule
-- sessions_blocked_on_locks measured the number of waiting sessions, held for
-- 5 minutes, so it could have no critical level. It now measures the longest
-- wait itself: warning after 5 minutes, critical after 10. A row that differs
-- from the shipped one in any of the columns below was edited by a user and
-- keeps its values. The enabled flag is not compared and stays as it is, so a
-- user who only turned the rule off gets the new condition, still disabled.
UPDATE "alert_rules"
SET "metric" = 'LONGEST_LOCK_WAIT_SECONDS',
    "description" = 'A process has waited for a lock for a long time.',
    "warning_threshold" = 300,
    "critical_threshold" = 600,
    "for_seconds" = 0,
    "updated_at" = CURRENT_TIMESTAMP
WHERE "key" = 'sessions_blocked_on_locks'
  AND "metric" = 'SESSIONS_WAITING_ON_LOCKS'
  AND "description" = 'Sessions have been waiting on locks for 5 minutes.'
  AND "comparison" = 'ABOVE'
  AND "warning_threshold" = 0
  AND "critical_threshold" IS NULL
  AND "for_seconds" = 300
  AND "scope" = 'ALL_SERVERS'
  AND "server_id" IS NULL
  AND "label" IS NULL;

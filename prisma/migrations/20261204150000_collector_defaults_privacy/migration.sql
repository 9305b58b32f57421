-- Align the global collection defaults with the collector's own defaults:
-- query texts stay off unless a user turns them on, because normalized
-- statements can still reveal table names and literals in comments.
-- A row that a user already changed keeps its values.
UPDATE "collector_defaults"
SET "statement_top_n" = 100, "query_text" = false, "table_cap" = 200, "version" = "version" + 1
WHERE "id" = 1 AND "updated_by" IS NULL;

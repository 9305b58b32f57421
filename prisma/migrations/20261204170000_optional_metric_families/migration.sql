-- The optional families (statements, tables, indexes, checkpointer, WAL and
-- replication slots) become switchable. Collectors read them all until now,
-- so every stored list gains them, and ACTIVITY, which was always read and
-- is now required, too. Lists keep the enum's order. The version goes up so
-- that running collectors fetch the lists again.
UPDATE "collector_defaults"
SET "version" = "version" + 1,
    "families" = ARRAY(
        SELECT listed.family
        FROM unnest(ARRAY['DATABASES', 'ACTIVITY', 'LOCKS', 'REPLICATION', 'STATEMENTS', 'TABLES', 'INDEXES', 'CHECKPOINTER', 'WAL', 'REPLICATION_SLOTS'])
             WITH ORDINALITY AS listed(family, position)
        WHERE listed.family = ANY("families") OR listed.position = 2 OR listed.position > 4
        ORDER BY listed.position);

-- An empty list means the server uses the defaults, so it stays empty.
UPDATE "server_configs"
SET "families" = ARRAY(
        SELECT listed.family
        FROM unnest(ARRAY['DATABASES', 'ACTIVITY', 'LOCKS', 'REPLICATION', 'STATEMENTS', 'TABLES', 'INDEXES', 'CHECKPOINTER', 'WAL', 'REPLICATION_SLOTS'])
             WITH ORDINALITY AS listed(family, position)
        WHERE listed.family = ANY("families") OR listed.position = 2 OR listed.position > 4
        ORDER BY listed.position)
WHERE cardinality("families") > 0;

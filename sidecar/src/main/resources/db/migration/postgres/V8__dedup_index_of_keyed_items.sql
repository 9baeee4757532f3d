-- Dedup keys are unique per queue; an item without one (NULL, never equal to another) needs no entry, so the unique
-- index holds keyed items alone and the enqueue of an item without a key does not write it. The enqueue's
-- ON CONFLICT DO NOTHING names no constraint, so it honours this index as it did V1's over every row.
-- Built before the old one goes, as in V7: the build holds the table's writes while it reads the table.
CREATE UNIQUE INDEX workqueue_items_dedup_keyed ON workqueue_items (queue, dedup_key) WHERE dedup_key IS NOT NULL;
DROP INDEX workqueue_items_dedup;

-- The purge's index holds acked rows only, so an enqueue and a claim do not write it: V5's (state, purge_at) and
-- V1's (state, acked_at) held every row, two index entries more per enqueue and per claim (an UPDATE of state is never
-- a heap-only update), and one more per ack. Rows acked before items carried their own dedup window (purge_at NULL)
-- are found in it too, as its NULL entries.
-- The new index is built before the old ones go: a plain CREATE INDEX, as V2 and V5, reads the whole table and holds
-- its writes (not its reads) while it does; the DROPs then lock the table only for the moment until the commit.
CREATE INDEX workqueue_items_purge_acked ON workqueue_items (purge_at) WHERE state = 'acked';
DROP INDEX workqueue_items_purge;
DROP INDEX workqueue_items_acked;

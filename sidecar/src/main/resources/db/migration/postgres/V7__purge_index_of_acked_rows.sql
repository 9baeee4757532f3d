-- The purge's index holds acked rows only, so an enqueue and a claim do not write it: V5's (state, purge_at) and
-- V1's (state, acked_at) held every row, two index entries more per enqueue and per claim (an UPDATE of state is never
-- a heap-only update), and one more per ack. Rows acked before items carried their own dedup window (purge_at NULL)
-- are found in it too, as its NULL entries. A plain CREATE INDEX, as V2 and V5: it holds the table's writes while it
-- reads the acked rows, which the purge keeps to one dedup window's worth.
DROP INDEX workqueue_items_purge;
DROP INDEX workqueue_items_acked;
CREATE INDEX workqueue_items_purge_acked ON workqueue_items (purge_at) WHERE state = 'acked';

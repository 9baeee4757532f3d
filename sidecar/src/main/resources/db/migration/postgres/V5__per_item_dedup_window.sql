-- Each item keeps the deduplication window of the sidecar that enqueued it, and its acked row carries the moment
-- it may be purged, so that on a shared database a sidecar with a shorter --dedup-window does not purge another
-- sidecar's items early. Rows from before stay NULL and are purged by the purging sidecar's window, as before.
ALTER TABLE workqueue_items ADD COLUMN dedup_window_ms bigint, ADD COLUMN purge_at bigint;
CREATE INDEX workqueue_items_purge ON workqueue_items (state, purge_at);

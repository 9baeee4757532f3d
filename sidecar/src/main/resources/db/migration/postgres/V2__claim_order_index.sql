-- Claims walk this index in claim order (priority, then oldest) and stop after LIMIT rows,
-- instead of sorting every claimable item of the queue on each claim.
CREATE INDEX workqueue_items_claim_order ON workqueue_items (queue, priority DESC, id)
    WHERE state IN ('ready', 'inflight');

-- Delayed items get a state of their own, and the claim-order index holds ready rows only. Until now it held the
-- in-flight rows too, and delayed items were ready rows with a visibility in the future, so a claim walked past
-- every claimed and every delayed item ahead of the first claimable one: 10 to 13 ms per claim with 10,000 in
-- flight ahead, 57 to 98 ms with 100,000 (docs/benchmarks.md, section 13). Now the claim walks ready rows only, and
-- finds the in-flight items whose visibility timeout has lapsed and the delayed items whose delay has ended through
-- workqueue_items_claim (queue, state, visible_at); the sidecars' housekeeping makes the latter ready now and then,
-- so that a burst of them is not sorted by every claim. The index that replaces another is made before the other
-- goes. Rows a sidecar before this version writes as ready with a future visibility are still judged by their
-- visibility.
--
-- The function is PL/pgSQL, whose statements' plans each session keeps (a SQL function's are made again on every
-- call), with a path of its own for the usual claim, when nothing has lapsed or come due: 250 against 450 us for a
-- claim of one item. It runs without JIT: the other path sorts the lapsed and due items (a handful) and the merge,
-- which enable_sort off prices so high that JIT compiled every such claim (300 ms).
CREATE INDEX workqueue_items_claim_ready ON workqueue_items (queue, priority DESC, id) WHERE state = 'ready';
DROP INDEX workqueue_items_claim_order;
UPDATE workqueue_items SET state = 'delayed' WHERE state = 'ready' AND visible_at > pk_now_ms();

CREATE OR REPLACE FUNCTION workqueue_claim(visibility_ms bigint, claim_queue text, max_items integer)
    RETURNS SETOF workqueue_items
    LANGUAGE plpgsql
    SET enable_sort = off
    SET jit = off
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM workqueue_items w WHERE w.queue = claim_queue AND w.state IN ('inflight', 'delayed')
            AND w.visible_at <= pk_now_ms() AND w.attempt < w.max_attempts) THEN
        RETURN QUERY WITH picked AS MATERIALIZED (
            SELECT w.id FROM workqueue_items w WHERE w.queue = claim_queue AND w.state = 'ready'
                AND w.visible_at <= pk_now_ms() ORDER BY w.priority DESC, w.id LIMIT max_items FOR UPDATE SKIP LOCKED),
        claimed AS (
            UPDATE workqueue_items w SET state = 'inflight', attempt = w.attempt + 1, epoch = w.epoch + 1,
                visible_at = pk_now_ms() + visibility_ms
            WHERE w.id IN (SELECT p.id FROM picked p) RETURNING w.*)
        SELECT * FROM claimed;
        RETURN;
    END IF;
    RETURN QUERY WITH ready AS MATERIALIZED (
        SELECT w.id, w.priority FROM workqueue_items w WHERE w.queue = claim_queue AND w.state = 'ready'
            AND w.visible_at <= pk_now_ms() ORDER BY w.priority DESC, w.id LIMIT max_items FOR UPDATE SKIP LOCKED),
    due AS MATERIALIZED (
        SELECT w.id, w.priority FROM workqueue_items w WHERE w.queue = claim_queue AND w.state IN ('inflight', 'delayed')
            AND w.visible_at <= pk_now_ms() AND w.attempt < w.max_attempts ORDER BY w.priority DESC, w.id
            LIMIT max_items FOR UPDATE SKIP LOCKED),
    picked AS MATERIALIZED (
        SELECT c.id FROM (SELECT r.id, r.priority FROM ready r UNION ALL SELECT d.id, d.priority FROM due d) c
            ORDER BY c.priority DESC, c.id LIMIT max_items),
    claimed AS (
        UPDATE workqueue_items w SET state = 'inflight', attempt = w.attempt + 1, epoch = w.epoch + 1,
            visible_at = pk_now_ms() + visibility_ms
        WHERE w.id IN (SELECT p.id FROM picked p) RETURNING w.*)
    SELECT * FROM claimed;
END $$;

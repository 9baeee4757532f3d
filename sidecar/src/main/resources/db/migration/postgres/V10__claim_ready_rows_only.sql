-- Delayed items get a state of their own, and the claim-order index holds ready rows only. Until now it held the
-- in-flight rows too, and delayed items were ready rows with a visibility in the future, so a claim walked past
-- every claimed and every delayed item ahead of the first claimable one: 4 to 12 ms per claim with 10,000 held
-- ahead, 40 to 118 ms with 100,000 (docs/benchmarks.md, section 13). Now the claim walks ready rows only, and finds
-- the in-flight items whose visibility timeout has lapsed and the delayed items whose delay has ended through
-- workqueue_items_claim (queue, state, visible_at): of each kind the 100 (or the most asked for, if more) that
-- lapsed or came due first, so that a burst of them (a fleet of consumers gone with their claims) costs each claim a
-- bounded read and sort. The sidecars' housekeeping makes ended delays ready now and then. The index that replaces
-- another is made before the other goes. Rows a sidecar before this version writes as ready with a future visibility
-- are still judged by their visibility.
--
-- The function is PL/pgSQL, whose statements' plans each session keeps (a SQL function's are made again on every
-- call), with a path of its own for the usual claim, when nothing has lapsed or come due: 160 to 270 against 330 to
-- 470 us for a claim of one item. It runs without JIT: the other path sorts the lapsed and due items it considers and
-- the merge, which enable_sort off prices so high that JIT compiled every such claim (300 ms). The due items are
-- locked once picked, and their state tested again then, as another claim may have taken them in between.
--
-- The trigger that wakes parked claims fires for delayed writes too: a parked claim sleeps until the next item's
-- visibility, and a delayed enqueue or nack may be sooner than the one it waits for.
CREATE INDEX workqueue_items_claim_ready ON workqueue_items (queue, priority DESC, id) WHERE state = 'ready';
DROP INDEX workqueue_items_claim_order;
UPDATE workqueue_items SET state = 'delayed' WHERE state = 'ready' AND visible_at > pk_now_ms();

DROP TRIGGER workqueue_items_ready ON workqueue_items;
CREATE TRIGGER workqueue_items_ready AFTER INSERT OR UPDATE ON workqueue_items
    FOR EACH ROW WHEN (NEW.state IN ('ready', 'delayed')) EXECUTE FUNCTION workqueue_notify();

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
        SELECT d.id FROM (
            (SELECT w.id, w.priority FROM workqueue_items w WHERE w.queue = claim_queue AND w.state = 'inflight'
                AND w.visible_at <= pk_now_ms() AND w.attempt < w.max_attempts ORDER BY w.visible_at LIMIT GREATEST(max_items, 100))
            UNION ALL
            (SELECT w.id, w.priority FROM workqueue_items w WHERE w.queue = claim_queue AND w.state = 'delayed'
                AND w.visible_at <= pk_now_ms() AND w.attempt < w.max_attempts ORDER BY w.visible_at LIMIT GREATEST(max_items, 100))) d
        ORDER BY d.priority DESC, d.id LIMIT max_items),
    due_locked AS MATERIALIZED (
        SELECT w.id, w.priority FROM workqueue_items w WHERE w.id = ANY (ARRAY(SELECT due.id FROM due))
            AND w.state IN ('inflight', 'delayed') AND w.visible_at <= pk_now_ms() AND w.attempt < w.max_attempts
            FOR UPDATE SKIP LOCKED),
    picked AS MATERIALIZED (
        SELECT c.id FROM (SELECT r.id, r.priority FROM ready r UNION ALL SELECT d.id, d.priority FROM due_locked d) c
            ORDER BY c.priority DESC, c.id LIMIT max_items),
    claimed AS (
        UPDATE workqueue_items w SET state = 'inflight', attempt = w.attempt + 1, epoch = w.epoch + 1,
            visible_at = pk_now_ms() + visibility_ms
        WHERE w.id IN (SELECT p.id FROM picked p) RETURNING w.*)
    SELECT * FROM claimed;
END $$;

-- The claim picks its items once. V6's UPDATE ... WHERE id IN (SELECT ... LIMIT max_items FOR UPDATE SKIP LOCKED)
-- leaves PostgreSQL free to run the sub-select more than once in a plan that rescans it, and each run after the
-- first skips the rows the statement has just updated and returns the next ones: a claim of one item returned two
-- in a CI run of PostgresQueueEngineTest. A MATERIALIZED common table expression is evaluated exactly once, so the
-- LIMIT holds. Otherwise as V6: the same order, planned with enable_sort off.
CREATE OR REPLACE FUNCTION workqueue_claim(visibility_ms bigint, claim_queue text, max_items integer)
    RETURNS SETOF workqueue_items
    LANGUAGE sql
    SET enable_sort = off
AS $$
    WITH picked AS MATERIALIZED (
        SELECT id FROM workqueue_items WHERE queue = claim_queue AND state IN ('ready', 'inflight')
            AND visible_at <= pk_now_ms() AND attempt < max_attempts ORDER BY priority DESC, id LIMIT max_items
            FOR UPDATE SKIP LOCKED)
    UPDATE workqueue_items SET state = 'inflight', attempt = attempt + 1, epoch = epoch + 1,
        visible_at = pk_now_ms() + visibility_ms
    WHERE id IN (SELECT id FROM picked)
    RETURNING *
$$;

-- The engine's notion of now, in epoch milliseconds, on the database server's clock.
-- STABLE: one value per statement (autocommit), so index conditions can use it.
CREATE FUNCTION pk_now_ms() RETURNS bigint LANGUAGE sql STABLE
AS $$ SELECT (extract(epoch FROM now()) * 1000)::bigint $$;

CREATE TABLE workqueue_items (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue        text    NOT NULL,
    state        text    NOT NULL,
    payload      text,
    file_ref     text,
    dedup_key    text,
    priority     integer NOT NULL,
    max_attempts integer NOT NULL,
    attempt      integer NOT NULL,
    epoch        bigint  NOT NULL,
    enqueued_at  bigint  NOT NULL,
    visible_at   bigint  NOT NULL,
    reason       text,
    dead_at      bigint,
    acked_at     bigint
);

CREATE UNIQUE INDEX workqueue_items_dedup ON workqueue_items (queue, dedup_key);
CREATE INDEX workqueue_items_claim ON workqueue_items (queue, state, visible_at);
CREATE INDEX workqueue_items_acked ON workqueue_items (state, acked_at);

-- Wakes long-polls in every sidecar: one NOTIFY per queue per transaction (Postgres folds duplicates).
CREATE FUNCTION workqueue_notify() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN PERFORM pg_notify('patternkit_workqueue', NEW.queue); RETURN NULL; END $$;

CREATE TRIGGER workqueue_items_ready AFTER INSERT OR UPDATE ON workqueue_items
    FOR EACH ROW WHEN (NEW.state = 'ready') EXECUTE FUNCTION workqueue_notify();

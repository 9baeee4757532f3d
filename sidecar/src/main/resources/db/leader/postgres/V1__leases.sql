-- Leader-election leases, in their own schema (patternkit_leader) with their own Flyway history,
-- so they migrate independently of the work queue's tables in the same database.

-- The database's now in epoch milliseconds. STABLE: one value per statement (autocommit).
CREATE FUNCTION now_ms() RETURNS bigint LANGUAGE sql STABLE
AS $$ SELECT (extract(epoch FROM now()) * 1000)::bigint $$;

-- One row per election, never deleted, so terms (the fencing tokens) never go back.
CREATE TABLE leases (
    election    text   PRIMARY KEY,
    holder      text   NOT NULL,
    term        bigint NOT NULL,
    acquired_at bigint NOT NULL,
    renewed_at  bigint NOT NULL,
    expires_at  bigint NOT NULL
);

-- Wakes waiting campaigns and watches in every sidecar when a term begins or a lease is released
-- (a release moves expires_at back to now); plain renews notify nobody.
CREATE FUNCTION leases_notify() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN PERFORM pg_notify('patternkit_leader', NEW.election); RETURN NULL; END $$;

CREATE TRIGGER leases_inserted AFTER INSERT ON leases FOR EACH ROW EXECUTE FUNCTION leases_notify();
CREATE TRIGGER leases_changed AFTER UPDATE ON leases FOR EACH ROW
    WHEN (OLD.term IS DISTINCT FROM NEW.term OR OLD.holder IS DISTINCT FROM NEW.holder
          OR NEW.expires_at < OLD.expires_at)
    EXECUTE FUNCTION leases_notify();

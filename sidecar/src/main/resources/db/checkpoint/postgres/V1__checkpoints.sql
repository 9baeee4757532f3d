-- Checkpoints (the lifecycle's state handed from one holder to the next), in their own schema
-- (patternkit_checkpoint) with their own Flyway history.

-- The database's now in epoch milliseconds. STABLE: one value per statement (autocommit).
CREATE FUNCTION now_ms() RETURNS bigint LANGUAGE sql STABLE
AS $$ SELECT (extract(epoch FROM now()) * 1000)::bigint $$;

-- One row per checkpoint, never deleted, so versions and fences never go back.
CREATE TABLE checkpoints (
    name       text   PRIMARY KEY,
    version    bigint NOT NULL,
    fence      bigint NOT NULL,
    state      text,
    updated_at bigint NOT NULL
);

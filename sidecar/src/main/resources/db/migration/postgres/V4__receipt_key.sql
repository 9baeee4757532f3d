-- The key receipts are signed with (HMAC-SHA256), shared by every sidecar on this database so that any
-- of them accepts a receipt another one issued; written once, by whichever sidecar starts first.
CREATE TABLE workqueue_keys (
    name  text PRIMARY KEY,
    value bytea NOT NULL
);

#!/usr/bin/env bash
# Stops the PostgreSQL server started by scripts/pg-start.sh (its data stays in $PATTERNKIT_PG_DIR).
# --immediate stops it as a crash would: backends killed at once, no checkpoint (the fault tests use it).
set -euo pipefail
DIR="${PATTERNKIT_PG_DIR:-/tmp/patternkit-pg}"
MODE=fast
[ "${1:-}" = "--immediate" ] && MODE=immediate
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR/data" -m "$MODE" stop; else "$BIN/pg_ctl" -D "$DIR/data" -m "$MODE" stop; fi

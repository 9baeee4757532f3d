#!/usr/bin/env bash
# Stops the PostgreSQL server started by scripts/pg-start.sh (its data stays in $PATTERNKIT_PG_DIR).
set -euo pipefail
DIR="${PATTERNKIT_PG_DIR:-/tmp/patternkit-pg}"
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR/data" -m fast stop; else "$BIN/pg_ctl" -D "$DIR/data" -m fast stop; fi

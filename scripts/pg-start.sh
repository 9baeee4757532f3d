#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 for the tests, as the `postgres` user
# (PostgreSQL refuses to run as root). Installs Debian's PostgreSQL when it is missing.
# Prints `export` lines for PATTERNKIT_TEST_JDBC_URL; eval them:  eval "$(scripts/pg-start.sh)"
# Idempotent: a server already running on the port is reused. With --fresh the test database is
# dropped and created anew, so that no run sees rows an earlier run left behind.
set -euo pipefail
PORT="${PATTERNKIT_PG_PORT:-55432}"
DIR="${PATTERNKIT_PG_DIR:-/tmp/patternkit-pg}"

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

if [ -z "$(pg_bin)" ]; then
  echo "installing PostgreSQL from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
BIN="$(pg_bin)"

run_as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if ! "$BIN/pg_isready" -h 127.0.0.1 -p "$PORT" -q; then
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    run_as_postgres "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  run_as_postgres "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >&2
fi
if [ "${1:-}" = "--fresh" ]; then
  run_as_postgres "$BIN/dropdb" -h 127.0.0.1 -p "$PORT" -U postgres --if-exists --force patternkit >&2
fi
exists=$(run_as_postgres "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname='patternkit'")
[ "$exists" = 1 ] || run_as_postgres "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres patternkit
echo "export PATTERNKIT_TEST_JDBC_URL='jdbc:postgresql://127.0.0.1:$PORT/patternkit?user=postgres'"

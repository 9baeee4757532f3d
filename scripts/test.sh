#!/usr/bin/env bash
# The whole test suite: unit, protocol (WireMock + contract), sidecar HTTP, integration through
# real sidecar processes on SQLite and PostgreSQL, and the main job on a slice of the JDK corpus.
# Starts the PostgreSQL server the tests need (scripts/pg-start.sh installs it when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/pg-start.sh --fresh)"
export PATTERNKIT_TEST_JDBC_URL
exec mvn -B -ntp verify "$@"

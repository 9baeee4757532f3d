#!/usr/bin/env bash
# The whole test suite: unit, protocol (WireMock + contract), sidecar HTTP, integration through
# real sidecar processes on SQLite and PostgreSQL, the main job on a slice of the JDK corpus, and
# the Spring Boot starter's tests once more on Spring Boot 3.5 (profile spring-boot-3).
# Starts the PostgreSQL server the tests need (scripts/pg-start.sh installs it when missing), and installs
# the two Debian packages some tests need when they are missing: openssl (the TLS tests make throwaway
# certificates with it) and faketime (ClockJumpIT gives one sidecar process a wall clock of its own).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v openssl > /dev/null || missing+=(openssl)
ls /usr/lib/*/faketime/libfaketime.so.1 > /dev/null 2>&1 || missing+=(faketime)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${missing[@]}"
fi
eval "$(scripts/pg-start.sh --fresh)"
export PATTERNKIT_TEST_JDBC_URL
mvn -B -ntp verify "$@"
# The compatibility run: the starter and the modules it needs, rebuilt in one reactor on Boot 3.5, running
# only the starter's tests (unit and the real-sidecar ITs).
mvn -B -ntp -Pspring-boot-3 verify -pl sdk-spring-boot -am \
    -Dtest='io/patternkit/spring/**/*Test' -Dit.test='io/patternkit/spring/**/*IT' \
    -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false "$@"

#!/usr/bin/env bash
# Chooses the JVM the sidecars run on, for the scripts that start them (scripts/run-samples.sh, bench/run.sh,
# bench/leader-busy.sh): JDK 25 with an AOT cache trained for the jar by scripts/sidecar-aot.sh, when this machine
# has that JDK (docs/operations.md); else the default `java`, and nothing is printed. Prints `export` lines for
# PATTERNKIT_SIDECAR_JAVA and PATTERNKIT_SIDECAR_AOT_CACHE, which SidecarProcess (sdk-testing) reads; eval them:
#
#   exports="$(scripts/sidecar-jvm.sh [JAR])"; eval "$exports"
#                            JAR: the sidecar jar (default sidecar/target/patternkit-sidecar.jar); the assignment
#                            first, so that a failed training stops a `set -e` caller (eval of a failed $(...) would not)
set -euo pipefail
cd "$(dirname "$0")/.."
JDK25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
[ -x "$JDK25" ] || exit 0
CACHE="$(scripts/sidecar-aot.sh "$JDK25" "${1:-sidecar/target/patternkit-sidecar.jar}")"
printf 'export PATTERNKIT_SIDECAR_JAVA=%q PATTERNKIT_SIDECAR_AOT_CACHE=%q\n' "$JDK25" "$CACHE"

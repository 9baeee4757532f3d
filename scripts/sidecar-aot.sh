#!/usr/bin/env bash
# Trains the sidecar's AOT cache (JDK 25 and later; JEPs 483 and 514: classes loaded and linked ahead of
# time) for sidecar/target/patternkit-sidecar.jar, and writes it beside the jar as
# sidecar/target/patternkit-sidecar.aot. The training run is one `run` sidecar on a throwaway SQLite
# directory, sent the calls a sidecar serves most (enqueue, claim and ack, a leader campaign, health
# probes, a scrape, and a leader handover: a second candidate's campaign parked while the first renews,
# watches, saves a checkpoint and resigns, then the second restores it) and stopped with SIGTERM, which
# writes the cache. The handover's paths run once per failover in a real sidecar, so without the cache
# they are always cold (docs/benchmarks.md, section 4). A cache is valid only for the JDK build and the
# jar, at the same path, it was made with: run this again after every build of the jar.
# SidecarProcess (sdk-testing) starts sidecars with it when PATTERNKIT_SIDECAR_JAVA names this JDK and
# PATTERNKIT_SIDECAR_AOT_CACHE the cache (scripts/run-samples.sh sets both); docs/operations.md says more.
#
#   scripts/sidecar-aot.sh [JAVA [JAR]]   JAVA: a JDK 25+ java (default the Temurin 25 of this machine kind);
#                                         JAR: the sidecar jar (default sidecar/target/patternkit-sidecar.jar),
#                                         the cache is written beside it with the extension .aot
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${1:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
JAR="$(realpath "${2:-sidecar/target/patternkit-sidecar.jar}")"
CACHE="${JAR%.jar}.aot"
[ -f "$JAR" ] || { echo "no $JAR: build the sidecar first" >&2; exit 2; }
WORK="$(mktemp -d /tmp/patternkit-aot.XXXXXX)"
PID=""
# On any exit, a failed call included: no training sidecar is left running, no scratch directory left behind.
trap '[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
rm -f "$CACHE"
# The same collector and compiler as the sidecars that use the cache (SidecarProcess's defaults). Without the
# method profiles JEP 515 adds to a cache: only C2 reads them, and these sidecars run C1 alone; they took 2.2 MB
# of the cache and 2.9 MB of an idle sidecar's RSS, and leaving them out changed neither its start nor a leader
# handover (docs/benchmarks.md, section 6). -XX:-AOTRecordTraining is a diagnostic option of JDK 25.
"$JAVA" -XX:AOTCacheOutput="$CACHE" -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining \
  -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$JAR" run --port 0 \
  --data "$WORK/data" > "$WORK/sidecar.log" 2>&1 &
PID=$!
URL=""
for _ in $(seq 1 300); do
  URL="$(grep -o 'listening on http://[^ ]*' "$WORK/sidecar.log" | head -n1 | cut -d' ' -f3 || true)"
  [ -n "$URL" ] && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/sidecar.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$URL" ] || { echo "the training sidecar did not start; its log:" >&2; cat "$WORK/sidecar.log" >&2; exit 1; }
post() { curl -sf -X POST -H 'Content-Type: application/json' "$URL$1" -d "$2"; }
for i in $(seq 1 200); do
  post /v1/queues/training/items "{\"payload\":{\"n\":$i}}" > /dev/null
  receipt="$(post /v1/queues/training/claim '{"max":1}' | grep -o '"receipt":"[^"]*"' | cut -d'"' -f4)"
  post /v1/queues/training/ack "{\"receipt\":\"$receipt\"}" > /dev/null
  post /v1/queues/training/items/batch '{"items":[{"payload":1},{"fileRef":"/data/a"}]}' > /dev/null
  curl -sf "$URL/healthz/ready" > /dev/null
done
term_of() { grep -o '"term":[0-9]*' | head -n1 | cut -d: -f2; }
for i in $(seq 1 50); do
  term="$(post /v1/elections/training/campaign '{"candidateId":"first","waitMs":1}' | term_of)"
  post /v1/elections/training/campaign '{"candidateId":"second","waitMs":5000}' > "$WORK/second.json" &
  second=$!
  post /v1/elections/training/renew "{\"candidateId\":\"first\",\"term\":$term}" > /dev/null
  curl -sf "$URL/v1/elections/training/watch?term=$term&leaderId=first&waitMs=1" > /dev/null
  curl -sf "$URL/v1/elections/training" > /dev/null
  curl -sf -X PUT -H 'Content-Type: application/json' "$URL/v1/checkpoints/training" \
    -d "{\"state\":{\"n\":$i},\"fencingToken\":$term}" > /dev/null
  post /v1/elections/training/resign "{\"candidateId\":\"first\",\"term\":$term}" > /dev/null
  wait "$second"
  term="$(term_of < "$WORK/second.json")"
  post /v1/checkpoints/training/restore "{\"fencingToken\":$term}" > /dev/null
  post /v1/elections/training/resign "{\"candidateId\":\"second\",\"term\":$term}" > /dev/null
done
curl -sf "$URL/metrics" > /dev/null
kill -TERM "$PID"
wait "$PID" || true
PID=""
[ -s "$CACHE" ] || { echo "the training run wrote no cache; its log:" >&2; cat "$WORK/sidecar.log" >&2; exit 1; }
echo "$CACHE"

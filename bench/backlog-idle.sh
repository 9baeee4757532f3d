#!/usr/bin/env bash
# What a sidecar costs while a large backlog waits and nobody claims: one `run` sidecar (SQLite) per jar on one data
# directory that holds N ready items, its CPU over SECONDS after a 10 s settle, the jars alternating round by round.
# The queue's housekeeping (dead-lettering lapsed attempts, the depth gauges' statistics) is all it does then.
#
#   bench/backlog-idle.sh before.jar after.jar
#
# Env: N (default 1000000 ready items, enqueued once through the first jar's sidecar, 1,000 per batch), ROUNDS
# (default 2), SECONDS_PER_RUN (default 60), JAVA (default: JDK 25 if present, else java), JVM_OPTS (default the
# main job's: -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m), PORT (default 23456).
# Prints one line per run (CPU ticks and percent of one core) and the median per jar.
set -euo pipefail
(( $# )) || { sed -n '2,/^set -eu/{/^#/p}' "$0" >&2; exit 2; }
JARS=("$@")
N=${N:-1000000} ROUNDS=${ROUNDS:-2} SECS=${SECONDS_PER_RUN:-60} PORT=${PORT:-23456}
JDK25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
JAVA=${JAVA:-$([ -x "$JDK25" ] && echo "$JDK25" || echo java)}
read -ra FLAGS <<<"${JVM_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m}"
TMP=$(mktemp -d /tmp/pk-backlog.XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
HZ=$(getconf CLK_TCK)
BASE=http://127.0.0.1:$PORT/v1/queues/backlog

start() { # jar
  "$JAVA" "${FLAGS[@]}" -jar "$1" run --port "$PORT" --data "$TMP/data" >"$TMP/sidecar.log" 2>&1 &
  PID=$!
  for _ in $(seq 600); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz/ready" && return
    kill -0 "$PID" 2>/dev/null || break
    read -r -t 0.1 <> <(:) || true
  done
  echo "the sidecar of $1 did not get ready; its log:" >&2; tail -20 "$TMP/sidecar.log" >&2; exit 1
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=; }
ticks() { local s; s=$(<"/proc/$PID/stat"); s=${s##*) }; set -- $s; echo $(( ${12} + ${13} )); }

mkdir "$TMP/data"
start "${JARS[0]}"
for ((i = 0; i < N; i += 1000)); do
  k=$(( N - i < 1000 ? N - i : 1000 ))
  awk -v from="$i" -v k="$k" 'BEGIN { printf "{\"items\":["; for (j = 0; j < k; j++) printf "%s{\"payload\":{\"n\":%d}}", (j ? "," : ""), from + j; print "]}" }' >"$TMP/batch.json"
  curl -sf -o /dev/null -H 'Content-Type: application/json' --data-binary @"$TMP/batch.json" "$BASE/items/batch"
done
stop
echo "# $(date -u +%FT%TZ) $N ready items; $("$JAVA" -version 2>&1 | sed -n 2p); ${FLAGS[*]}; load: $(uptime)"
declare -A RESULTS
for ((r = 1; r <= ROUNDS; r++)); do
  for ((j = 0; j < ${#JARS[@]}; j++)); do
    k=$(( r % 2 ? j : ${#JARS[@]} - 1 - j ))   # the other order every second round
    jar=${JARS[k]}
    start "$jar"
    curl -sf -o /dev/null "$BASE/stats"   # the sidecar's housekeeping covers the queues it has served
    read -r -t 10 <> <(:) || true
    a=$(ticks); read -r -t "$SECS" <> <(:) || true; b=$(ticks)
    stop
    pct=$(awk -v t=$((b - a)) -v s="$SECS" -v hz="$HZ" 'BEGIN { printf "%.1f", 100 * t / hz / s }')
    echo "round $r jar$((k + 1)) $jar: $((b - a)) ticks in $SECS s = $pct% of a core"
    RESULTS[$k]+="$pct "
  done
done
for ((j = 0; j < ${#JARS[@]}; j++)); do
  echo "jar$((j + 1)) ${JARS[j]}: median $(tr ' ' '\n' <<<"${RESULTS[$j]}" | sed '/^$/d' | sort -n | awk '{v[NR]=$1} END {print (NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}')% of a core"
done

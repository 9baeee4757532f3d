#!/usr/bin/env bash
# The leader benchmark on a busy machine (issue 13, target 5: the graceful handover may take at most twice its
# target there). Runs io.patternkit.bench.leader.LeaderBench once per count of shell busy loops kept running
# beside it: 1 and 2 by default, one core and then both on the 2-core machine kind. The sidecars run as
# bench/run.sh runs them (JDK 25 with an AOT cache when the machine has that JDK). Prints one line per count:
# the load average before and after, then the handover row of the report. Everything else is written under
# bench/target/leader-busy/. docs/benchmarks.md, section 4, quotes it.
#
#   bench/leader-busy.sh [LOOPS...]          e.g. bench/leader-busy.sh 1 2 (the default)
#   BENCH_LEADER_ARGS='--contenders curator,patternkit-sqlite --long-rounds 0 --call-rounds 0'   (the default)
#   BENCH_SKIP_BUILD=1                       reuse the jars already built
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- 1 2
OUT="$PWD/bench/target/leader-busy"
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  mvn -B -q -ntp -DskipTests -Pbench -pl bench -am package
fi
rm -rf "$OUT" && mkdir -p "$OUT"
# Copies, so that a rebuild while this runs cannot swap classes under the running processes.
cp sidecar/target/patternkit-sidecar.jar bench/target/patternkit-bench.jar "$OUT/"
SIDECAR_JVM="$(scripts/sidecar-jvm.sh "$OUT/patternkit-sidecar.jar")"
eval "$SIDECAR_JVM"
LOOPS=()
trap '[ ${#LOOPS[@]} -eq 0 ] || kill "${LOOPS[@]}" 2>/dev/null || true' EXIT
for n in "$@"; do
  LOOPS=()
  for _ in $(seq 1 "$n"); do
    (while :; do :; done) &
    LOOPS+=($!)
  done
  before="$(cut -d' ' -f1-3 /proc/loadavg)"
  # shellcheck disable=SC2086
  java -cp "$OUT/patternkit-bench.jar" io.patternkit.bench.leader.LeaderBench \
    --sidecar-jar "$OUT/patternkit-sidecar.jar" --out "$OUT/loops-$n" \
    ${BENCH_LEADER_ARGS:---contenders curator,patternkit-sqlite --long-rounds 0 --call-rounds 0} \
    > "$OUT/loops-$n.log" 2>&1
  after="$(cut -d' ' -f1-3 /proc/loadavg)"
  kill "${LOOPS[@]}"
  wait "${LOOPS[@]}" 2>/dev/null || true
  LOOPS=()
  echo "busy loops $n, load average $before / $after: $(grep 'graceful handover: the leader' "$OUT/loops-$n/leader.md" | head -n1)"
done

#!/usr/bin/env bash
# An A/B of scatter/gather's tail (issue 13, target 6): the tail part of io.patternkit.bench.scatter.ScatterBench
# run once per sidecar jar, alternating A B B A (ROUNDS times), with one bench jar and the same options, so that a
# change to the root's hedging is measured against the code before it in the same hour. Prints one line per tail
# run (one per bench run unless --tail-runs says more): the jar's label, then the row of the tail table (load, p99
# and p99.9 with their ratios, extra load, hedges denied and deferred, stragglers waited for); each run's whole
# report is under bench/target/scatter-ab/. docs/benchmarks.md, section 5, quotes it.
#
#   bench/scatter-ab.sh A.jar B.jar          the two root sidecar jars (e.g. one built in a git worktree of the
#                                            commit before, and sidecar/target/patternkit-sidecar.jar)
#   ROUNDS=2                                 how many times to run A B B A (default 1; about 3 minutes a run)
#   BENCH_SCATTER_ARGS='--max-extra-load 2.5'  extra options of ScatterBench (defaults: the root's hedging)
#   BENCH_SKIP_BUILD=1                       reuse bench/target/patternkit-bench.jar
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bench/scatter-ab.sh A.jar B.jar" >&2; exit 2; }
A="$(realpath "$1")"
B="$(realpath "$2")"
cd "$(dirname "$0")/.."
OUT="$PWD/bench/target/scatter-ab"
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  mvn -B -q -ntp -DskipTests -Pbench -pl bench -am package
fi
# Copies, so that a rebuild while this runs cannot swap classes under the running processes; made before the
# output of an earlier run is removed, in case A or B is one of its copies.
JARS="$(mktemp -d)"
trap 'rm -rf "$JARS"' EXIT
cp "$A" "$JARS/a.jar"
cp "$B" "$JARS/b.jar"
rm -rf "$OUT" && mkdir -p "$OUT"
cp bench/target/patternkit-bench.jar "$OUT/bench.jar"
mv "$JARS/a.jar" "$JARS/b.jar" "$OUT/"
order=()
for _ in $(seq 1 "${ROUNDS:-1}"); do order+=(a b b a); done
i=0
for label in "${order[@]}"; do
  i=$((i + 1))
  dir="$OUT/$i-$label"
  # shellcheck disable=SC2086
  java -cp "$OUT/bench.jar" io.patternkit.bench.scatter.ScatterBench --out "$dir" --sidecar-jar "$OUT/$label.jar" \
    --leaf-counts 4 --fan-iterations 20 --tail-runs 1 ${BENCH_SCATTER_ARGS:-} > "$dir.log" 2>&1
  # The tail table's rows: the run, then its load average (three figures).
  grep -E '^\| [0-9]+ \| [0-9.]+ [0-9.]+ [0-9.]+ \|' "$dir/scatter.md" | sed "s/^/$label ($i): /"
done

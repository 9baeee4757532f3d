#!/usr/bin/env bash
# Builds and runs every benchmark, then writes docs/benchmarks.md (about 20 minutes on the 2-core
# machine: 12 to 14 for the work queue, about 7 for scatter/gather). Not part of the test suite:
# `mvn verify` only compiles bench/.
#
#   bench/run.sh                 the full run; PostgreSQL too (started by scripts/pg-start.sh unless
#                                PATTERNKIT_TEST_JDBC_URL is already set; BENCH_NO_POSTGRES=1 skips it)
#   BENCH_ONLY=scatter           only the named parts (a comma-separated list; so far: scatter): each
#                                rewrites its own section of the doc (between its markers), the rest is kept
#   BENCH_QUICK=1 bench/run.sh   a smoke run with tiny sizes (numbers meaningless; writes the doc to
#                                bench/target/run/benchmarks.md instead of docs/)
#   BENCH_SKIP_BUILD=1           reuse the jars already built
#   BENCH_COMMIT=abc1234         the source revision to name in the doc (default: git rev-parse HEAD)
#   BENCH_REPORT_ONLY=1          rewrite the doc from the last run's results (after editing bench/notes.md
#                                or bench/notes-scatter.md); with BENCH_ONLY, the named sections only
#
# The jars are copied to bench/target/run/ first, so a rebuild of sidecar/ or samples/ while the
# benchmarks run cannot swap classes under the running processes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
RUN="$ROOT/bench/target/run"
OUT="$RUN/results"
# BENCH_ONLY: the parts to run alone, comma-separated; empty runs everything.
ONLY="${BENCH_ONLY:-}"
only_has() { [[ ",$ONLY," == *",$1,"* ]]; }
for part in ${ONLY//,/ }; do
  case "$part" in
    scatter) ;;
    *) echo "BENCH_ONLY is a comma-separated list of: scatter; not: $part" >&2; exit 2 ;;
  esac
done

if [ -n "${BENCH_QUICK:-}" ]; then
  THROUGHPUT_ARGS=(--rounds 1 --items 100,500,1000 --backlogs 500,2000)
  LATENCY_ARGS=(--rounds 2 --iterations 300 --warmup 300)
  CORPUS_ARGS=(--runs 1 --limit 600)
  SCATTER_ARGS=(--rounds 2 --warmup 30 --fan-iterations 60 --tail-iterations 150)
  DOC="$RUN/benchmarks.md"
else
  THROUGHPUT_ARGS=()
  LATENCY_ARGS=()
  CORPUS_ARGS=()
  SCATTER_ARGS=()
  DOC="$ROOT/docs/benchmarks.md"
fi
COMMIT="${BENCH_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}"
DIRTY="$( [ -z "${BENCH_COMMIT:-}" ] && git status --porcelain 2>/dev/null | grep -q . && echo ' plus uncommitted changes' || true)"

if [ -z "${BENCH_REPORT_ONLY:-}" ]; then
  if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
    mvn -B -q -ntp -DskipTests -Pbench -pl bench -am package
  fi
  if [ -z "$ONLY" ]; then
    rm -rf "$RUN"
  fi
  if only_has scatter; then rm -f "$OUT"/scatter*; fi
  mkdir -p "$OUT"
  cp sidecar/target/patternkit-sidecar.jar samples/target/patternkit-samples.jar bench/target/patternkit-bench.jar "$RUN/"
  BENCH_JAR="$RUN/patternkit-bench.jar"
  SIDECAR_JAR="$RUN/patternkit-sidecar.jar"

  if [ -z "${BENCH_NO_POSTGRES:-}" ] && [ -z "${PATTERNKIT_TEST_JDBC_URL:-}" ]; then
    if exports="$(scripts/pg-start.sh)"; then eval "$exports"; else echo "PostgreSQL unavailable: SQLite only" >&2; fi
  fi
  if [ -n "${BENCH_NO_POSTGRES:-}" ]; then unset PATTERNKIT_TEST_JDBC_URL; fi
  export PATTERNKIT_TEST_JDBC_URL="${PATTERNKIT_TEST_JDBC_URL:-}"

  if [ -z "$ONLY" ]; then
    LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
    STARTED="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    T0=$(date +%s)
    echo "== queue throughput" >&2
    java -cp "$BENCH_JAR" io.patternkit.bench.QueueThroughput --out "$OUT" --sidecar-jar "$SIDECAR_JAR" "${THROUGHPUT_ARGS[@]}" >/dev/null
    T1=$(date +%s)
    echo "== call latency" >&2
    java -cp "$BENCH_JAR" io.patternkit.bench.CallLatency --out "$OUT" --sidecar-jar "$SIDECAR_JAR" "${LATENCY_ARGS[@]}" >/dev/null
    T2=$(date +%s)
    echo "== main job on the JDK corpus" >&2
    java -cp "$BENCH_JAR" io.patternkit.bench.CorpusJob --out "$OUT" --work "$RUN/corpus" \
      --samples-jar "$RUN/patternkit-samples.jar" --sidecar-jar "$SIDECAR_JAR" "${CORPUS_ARGS[@]}" >/dev/null
    T3=$(date +%s)
    LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
    PG_VERSION="$( [ -n "$PATTERNKIT_TEST_JDBC_URL" ] && ls -d /usr/lib/postgresql/*/ 2>/dev/null | sort -V | tail -n1 | xargs basename || true)"
    # What the report needs about this run, so that BENCH_REPORT_ONLY=1 can rewrite the doc later.
    declare -p STARTED LOAD_BEFORE LOAD_AFTER T0 T1 T2 T3 PG_VERSION COMMIT DIRTY > "$OUT/run.env"
  fi

  # --- scatter/gather (BENCH_ONLY=scatter): about 7 minutes; writes results/scatter.{json,md} ---
  if [ -z "$ONLY" ] || only_has scatter; then
    echo "== scatter/gather" >&2
    java -cp "$BENCH_JAR" io.patternkit.bench.scatter.ScatterBench --out "$OUT" --sidecar-jar "$SIDECAR_JAR" \
      --commit "$COMMIT$DIRTY" "${SCATTER_ARGS[@]}" >/dev/null
  fi
  # --- end scatter/gather ---
else
  if [ -z "$ONLY" ]; then
    # shellcheck disable=SC1091
    source "$OUT/run.env"
  fi
  # --- scatter/gather: the section again from results/scatter.json (picks up changes to ScatterReport) ---
  if [ -z "$ONLY" ] || only_has scatter; then
    java -cp bench/target/patternkit-bench.jar io.patternkit.bench.scatter.ScatterBench --out "$OUT" --report-only true
  fi
  # --- end scatter/gather ---
fi

CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
MEM="$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
JDK="$(java -version 2>&1 | sed -n 2p)"

# --- scatter/gather section: between markers, so that BENCH_ONLY=scatter can replace it alone ---
scatter_section() {
  echo '<!-- scatter:begin -->'
  cat "$OUT/scatter.md"
  if [ -f bench/notes-scatter.md ]; then cat bench/notes-scatter.md; echo; fi
  echo '<!-- scatter:end -->'
}

# splice_section NAME DOC FILE: replaces the section between <!-- NAME:begin --> and <!-- NAME:end -->
# of DOC with FILE, or inserts FILE before the hand-written notes when DOC has no such section yet.
splice_section() {
  local name="$1" doc="$2" section="$3"
  if grep -q "^<!-- $name:begin -->" "$doc"; then
    awk -v f="$section" -v b="<!-- $name:begin -->" -v e="<!-- $name:end -->" '
      $0 == b { while ((getline line < f) > 0) print line; skip = 1; next }
      $0 == e { skip = 0; next }
      !skip { print }' "$doc" > "$doc.tmp"
  else
    awk -v f="$section" '
      /^## Notes/ && !done { while ((getline line < f) > 0) print line; print ""; done = 1 }
      { print }
      END { if (!done) { print ""; while ((getline line < f) > 0) print line } }' "$doc" > "$doc.tmp"
  fi
  mv "$doc.tmp" "$doc"
}

if [ -n "$ONLY" ]; then
  if [ ! -f "$DOC" ]; then cp "$ROOT/docs/benchmarks.md" "$DOC"; fi
  if only_has scatter; then
    scatter_section > "$OUT/scatter-section.md"
    splice_section scatter "$DOC" "$OUT/scatter-section.md"
  fi
  echo "wrote the $ONLY section(s) of $DOC" >&2
  exit 0
fi
# --- end scatter/gather section ---

{
cat <<EOF
# Benchmarks

Generated by \`bench/run.sh\` on $STARTED from commit $COMMIT$DIRTY. The tables are rewritten by
every run; the notes at the end are written by hand in \`bench/notes.md\`.

## Targets

| target (from the issue) | measured (medians) | met |
|---|---|---|
EOF
cat "$OUT/targets-throughput.md" "$OUT/targets-latency.md" "$OUT/targets-corpus.md"
cat <<EOF

## Machine

| | |
|---|---|
| cores (\`nproc\`) | $(nproc) |
| CPU (\`/proc/cpuinfo\`) | $CPU |
| memory | $MEM |
| JDK | $JDK |
| kernel | $(uname -sr) |
| PostgreSQL | $( [ -n "$PG_VERSION" ] && echo "$PG_VERSION, local server from scripts/pg-start.sh (fsync off, synchronous_commit off), shared with whatever else uses it" || echo 'not measured') |
| SQLite | sqlite-jdbc $(sed -n 's:.*<sqlite.version>\(.*\)</sqlite.version>.*:\1:p' pom.xml), WAL, synchronous=NORMAL (the engine's settings) |
| load average (1, 5, 15 min) before / after | $LOAD_BEFORE / $LOAD_AFTER |
| wall time of the three parts | $((T1-T0)) s / $((T2-T1)) s / $((T3-T2)) s |

The machine is shared and noisy (other builds and test runs may be running on its 2 cores):
compare the ratios, each measured within one run with the two sides interleaved, more than the
absolute numbers.

## Method

- Every process is a fresh JVM with default flags (\`java -jar patternkit-sidecar.jar workqueue\`
  for the sidecars, as a user starts them), except where noted. The jars are copied aside before
  the run so that a rebuild cannot swap classes under a running process.
- **Queue throughput** (\`io.patternkit.bench.QueueThroughput\`): one thread drives each side.
  *SDK + sidecar*: a \`WorkQueueClient\` against a real sidecar process; enqueue one item per call
  at batch 1 (\`enqueue\`) and one batch per call otherwise (\`enqueueAll\`), claim \`batch\` at a
  time with \`waitMs\` 0, ack with \`ack\` at batch 1 and \`ackAll\` otherwise; no-op handler; every
  run checks afterwards that all N items are acked. *Direct*: the same engine class
  (\`SqliteQueueEngine\` on its own file, \`PostgresQueueEngine\` on the same database) opened
  in-process and driven through the \`QueueEngine\` SPI with the calls the sidecar's service
  makes per request: \`enqueue(list)\`, \`claim\`, and \`ackAll(list)\` for an ack of one or
  many receipts. Each round runs both sides for every batch size, SDK first in even
  rounds and direct first in odd ones, on fresh queue names; one unrecorded warm-up round at half
  size comes first. Two shapes: *backlog* (the issue's: enqueue all N, then claim and ack until
  done) and *pipelined* (enqueue a batch, claim it, ack it, repeat: the queue never holds more
  than one batch). Reported: median items/s over the rounds and the median of the per-round
  SDK/direct ratios.
- **Claim cost against the backlog**: the engine in-process, one claim of one item with N ready
  items behind it, to show whether the claim's cost grows with the backlog.
- **Call latency** (\`io.patternkit.bench.CallLatency\`): a hand-rolled loop, not JMH, because the
  comparison must be interleaved call by call (JMH runs benchmarks one after another, so noise
  on this shared machine would land on one side only). \`System.nanoTime()\` around each call,
  nearest-rank percentiles from sorted arrays, several rounds after a warm-up; median of the
  rounds' p50 and p99.
- **Main job** (\`io.patternkit.bench.CorpusJob\`): \`java -jar patternkit-samples.jar\` with its
  defaults (2 worker processes x 2 handler threads, batch 16, one sidecar per process, SQLite;
  the sample chooses its processes' JVM flags)
  on the whole JDK \`src.zip\`; its rate is the job's own (items settled / seconds from the first
  enqueue to the last settle, read from \`summary.json\`). Then \`CorpusDirect\` runs the same
  handler (\`WorkHandler.fileStage\` over the sample's \`TermStatsStage\`, plus the worker's ledger
  line) over the same extracted files in one fresh JVM with 4 threads (the job's total handler
  concurrency) and no queue. *The queue's share of the time* = 1 - direct seconds / job seconds:
  the part of the job's wall time that the same handler work did not need without the queue.
  The job's processes' CPU time is sampled from \`/proc\` as a second view.

## 1. End-to-end queue throughput

EOF
cat "$OUT/throughput.md"
cat <<EOF

## 2. Cost of one SDK call over loopback

EOF
cat "$OUT/latency.md"
cat <<EOF

## 3. The main job on the JDK corpus

EOF
cat "$OUT/corpus.md"
echo
scatter_section
echo
if [ -f bench/notes.md ]; then cat bench/notes.md; fi
cat <<EOF

## Rerunning

\`bench/run.sh\` (about 20 minutes; \`BENCH_QUICK=1\` for a smoke run; \`BENCH_ONLY=scatter\` for the
scatter/gather section alone, about 7 minutes). Raw fragments and logs stay in \`bench/target/run/\`
(the scatter benchmark's numbers in \`results/scatter.json\`, its processes' logs in
\`results/scatter-*.log\`). Each part can also run alone, for example
\`java -cp bench/target/patternkit-bench.jar io.patternkit.bench.CallLatency --rounds 5\`.
EOF
} > "$DOC"
echo "wrote $DOC" >&2

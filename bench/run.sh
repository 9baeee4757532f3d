#!/usr/bin/env bash
# Builds and runs every benchmark, then writes docs/benchmarks.md (about 22 minutes on the 2-core
# machine: 12 to 14 for the work queue, about 10 for leader election, about 7 for scatter/gather). Not part of the test suite:
# `mvn verify` only compiles bench/ and runs the unit tests of its report logic.
#
#   bench/run.sh                 the full run; PostgreSQL too (started by scripts/pg-start.sh unless
#                                PATTERNKIT_TEST_JDBC_URL is already set; BENCH_NO_POSTGRES=1 skips it)
#   BENCH_ONLY=leader            one part alone (leader, scatter or footprint): its section of the doc
#   BENCH_ONLY=scatter           (between its markers) is rewritten, the rest of the doc is kept
#   BENCH_ONLY=footprint         (footprint: the sidecar's cold start and memory, the SDK's closure; ~10 min)
#   BENCH_ONLY=drain             (drain: SIGTERM to a worker and its sidecar, with and without the drain; ~4 min)
#   BENCH_ONLY=upward            (upward: what a thread dump and a 5 s JFR profile cost a loaded app; ~3 min)
#   BENCH_ONLY=growth            (growth: claim, drain and storage with 10k, 100k and 1M items, in-process, the
#                                 claim with up to 100k items held ahead, an item's cost with 1, 8 and 32 claims
#                                 parked on one sidecar, then renew and observe with 10, 100 and 1,000 elections
#                                 on one sidecar; ~17 min)
#   BENCH_ONLY=spring            (spring: the Boot starter's start-up and heap cost, @WorkQueueListener against
#                                the plain consumer; ~4 min)
#   BENCH_ONLY=ambassador        (ambassador: overhead per request and throughput against direct calls, the
#                                tail with stragglers with and without hedging; ~5 min)
#   BENCH_ONLY=adapter           (adapter: statsd lines absorbed per second, the cost of a scrape as series grow; ~2 min)
#   BENCH_ONLY=cpu               (cpu: where the sidecars' CPU goes in the main job, by thread group, under the
#                                sidecar JVM settings compared, JDK 25 with an AOT cache among them; ~6 min)
#   BENCH_LEADER_ARGS='--rounds 9'  extra options of the leader benchmark (io.patternkit.bench.leader.LeaderBench;
#                                defaults: 5 rounds after 1 warm-up round, 2 rounds of the 15 s lease)
#   BENCH_QUICK=1 bench/run.sh   a smoke run with tiny sizes (numbers meaningless; writes the doc to
#                                bench/target/run/benchmarks.md instead of docs/)
#   BENCH_SKIP_BUILD=1           reuse the jars already built
#   BENCH_COMMIT=abc1234         the source revision to name in the doc (default: git rev-parse HEAD)
#   BENCH_REPORT_ONLY=1          rewrite the doc from the last run's results (after editing bench/notes*.md);
#                                with BENCH_ONLY=leader, the leader section only
#
# The jars are copied to bench/target/run/ first, so a rebuild of sidecar/ or samples/ while the
# benchmarks run cannot swap classes under the running processes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
RUN="$ROOT/bench/target/run"
OUT="$RUN/results"
ONLY="${BENCH_ONLY:-}"
case "$ONLY" in
  ""|leader|scatter|footprint|drain|upward|spring|ambassador|adapter|cpu|growth) ;;
  *) echo "BENCH_ONLY must be empty (everything), leader, scatter, footprint, drain, upward, spring, ambassador, adapter, cpu or growth, not: $ONLY" >&2; exit 2 ;;
esac
runs() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }

# run_part NAME PREFIX COMMAND...: runs one part's benchmark and records what its section says about
# the run (PREFIX_STARTED, PREFIX_LOAD_BEFORE, PREFIX_LOAD_AFTER, PREFIX_JDK, PREFIX_COMMIT) in
# $OUT/run-NAME.env, which BENCH_REPORT_ONLY=1 reads back.
# The growth part: the queue's costs with a growing backlog, then one sidecar's with more elections, in one fragment.
growth_part() {
  # shellcheck disable=SC2086
  java -cp "$BENCH_JAR" io.patternkit.bench.QueueGrowth --out "$OUT" ${BENCH_QUICK:+--sizes 1000,4000} > /dev/null
  # shellcheck disable=SC2086
  java -cp "$BENCH_JAR" io.patternkit.bench.ClaimPastHeld --out "$OUT" ${BENCH_QUICK:+--sizes 0,1000} > /dev/null
  cat >> "$OUT/growth.md" <<'EOF'

### The claim with held items ahead: in flight, or delayed

Measured by `io.patternkit.bench.ClaimPastHeld` in the same run. **Method.** For each engine and count N, the engine
in-process on a fresh queue (SQLite: a fresh file) whose oldest N items are held, in flight (claimed with a
visibility timeout of 5 minutes), delayed (enqueued with a delay of 5 minutes) or lapsed (claimed with a visibility
timeout of 1 ms, which has passed: the claims measured take these first), and behind them 350 ready items: the claim
of one item and its ack, 300 times after 50 unrecorded ones. Growth factors are against N = 0: a claim that does not
walk the held items stays near 1.00x.

EOF
  cat "$OUT/claim-past-held.md" >> "$OUT/growth.md"
  # shellcheck disable=SC2086
  java -cp "$BENCH_JAR" io.patternkit.bench.ParkedHerd --out "$OUT" --jar "$SIDECAR_JAR" \
    ${BENCH_QUICK:+--consumers 1,4 --items 100 --warm 50} > /dev/null
  cat >> "$OUT/growth.md" <<'EOF'

### More claims parked on one sidecar

Measured by `io.patternkit.bench.ParkedHerd` in the same run. **Method.** For each engine and count C, a work-queue
sidecar (SQLite: a fresh data directory; PostgreSQL: a fresh queue) and C consumer threads of one SDK client, each looping on a claim of one item with a wait of 20 s and an
ack; a producer enqueues one item at a time and waits until it has been claimed before the next, so that every
enqueue finds the other claims parked. The sidecar's CPU (user plus system) over 2,000 items after 500 unrecorded
ones, per item, and the time from the enqueue's start to the claim's return. A cost per item that grows with C is a
thundering herd: each enqueue waking every parked claim.

EOF
  cat "$OUT/parked-herd.md" >> "$OUT/growth.md"
  # shellcheck disable=SC2086
  java -cp "$BENCH_JAR" io.patternkit.bench.LeaderGrowth --out "$OUT" --sidecar-jar "$SIDECAR_JAR" \
    ${BENCH_QUICK:+--elections 10,50 --probes 200} > /dev/null
  cat >> "$OUT/growth.md" <<'EOF'

### Leader election: more elections on one sidecar

Measured by `io.patternkit.bench.LeaderGrowth` in the same run. **Method.** For each count N, a fresh leader sidecar
on SQLite (lease 15 s, renew deadline 10 s), N elections each won by a holder of its own, every lease renewed every
3 s through the SDK's async client (at most 16 in flight), and meanwhile, on one more election, 2,000 timed
`renewLeadership` and `currentLeader` calls in alternation, back to back, after 1,000 unrecorded ones. The sidecar's CPU
is its process total over the timed calls, divided by every call it answered then (the background renewals and the
timed calls). Growth factors are against the fewest elections: a latency at 1.00x does not grow with the elections; a
CPU per call at 1.00x grows with the work.

EOF
  cat "$OUT/leader-growth.md" >> "$OUT/growth.md"
}

# Sets SIDECAR_JVM_EXPORTS to scripts/sidecar-jvm.sh's export lines for $SIDECAR_JAR (JDK 25 and a freshly trained
# AOT cache, or nothing), training the cache once per run for the parts that use it (queue throughput, leader,
# footprint).
unset SIDECAR_JVM_EXPORTS
sidecar_jvm_exports() {
  [ -n "${SIDECAR_JVM_EXPORTS+set}" ] || SIDECAR_JVM_EXPORTS="$(scripts/sidecar-jvm.sh "$SIDECAR_JAR")"
}

# The JVM options of footprint.sh's second pass (beside JDK 25 and the AOT cache): SidecarProcess's, and the heap
# sized for deploy/kubernetes' 320 MiB limit.
FOOTPRINT_AOT_OPTS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -XX:TrimNativeHeapInterval=1000 -XX:MaxRAM=320m"

run_part() {
  local name="$1" prefix="$2" started before after
  shift 2
  echo "== $name" >&2
  started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  before="$(cut -d' ' -f1-3 /proc/loadavg)"
  "$@"
  after="$(cut -d' ' -f1-3 /proc/loadavg)"
  {
    printf '%s_STARTED=%q\n' "$prefix" "$started"
    printf '%s_LOAD_BEFORE=%q\n' "$prefix" "$before"
    printf '%s_LOAD_AFTER=%q\n' "$prefix" "$after"
    printf '%s_JDK=%q\n' "$prefix" "$(java -version 2>&1 | sed -n 2p)"
    printf '%s_COMMIT=%q\n' "$prefix" "$COMMIT$DIRTY"
  } > "$OUT/run-$name.env"
  # shellcheck disable=SC1090
  source "$OUT/run-$name.env"
}

if [ -n "${BENCH_QUICK:-}" ]; then
  THROUGHPUT_ARGS=(--rounds 1 --items 100,500,1000 --backlogs 500,2000)
  LATENCY_ARGS=(--rounds 2 --iterations 300 --warmup 300)
  CORPUS_ARGS=(--runs 1 --limit 600)
  LEADER_ARGS=(--rounds 2 --warmup-rounds 0 --long-rounds 1 --call-rounds 1 --call-iterations 200 --call-warmup 200)
  SCATTER_ARGS=(--rounds 2 --warmup 30 --fan-iterations 60 --tail-iterations 150)
  DOC="$RUN/benchmarks.md"
else
  THROUGHPUT_ARGS=()
  LATENCY_ARGS=()
  CORPUS_ARGS=()
  LEADER_ARGS=()
  SCATTER_ARGS=()
  DOC="$ROOT/docs/benchmarks.md"
fi
COMMIT="${BENCH_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}"
DIRTY="$( [ -z "${BENCH_COMMIT:-}" ] && git status --porcelain 2>/dev/null | grep -q . && echo ' plus uncommitted changes' || true)"

if [ -z "${BENCH_REPORT_ONLY:-}" ]; then
  if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
    mvn -B -q -ntp -DskipTests -Pbench -pl bench,bench/spring,bench/elasticmq -am package
  fi
  if [ -z "$ONLY" ]; then
    rm -rf "$RUN"
  elif [ "$ONLY" = leader ]; then
    rm -rf "$OUT/leader-logs" "$OUT"/leader.* "$OUT"/targets-leader.md "$OUT"/run-leader.env
  elif [ "$ONLY" = footprint ]; then
    rm -f "$OUT"/footprint.* "$OUT"/sdk-closure.md "$OUT"/run-footprint.env
  elif [ "$ONLY" = drain ]; then
    rm -f "$OUT"/drain.md "$OUT"/run-drain.env
  elif [ "$ONLY" = upward ]; then
    rm -f "$OUT"/upward.md "$OUT"/run-upward.env
  elif [ "$ONLY" = spring ]; then
    rm -f "$OUT"/spring.md "$OUT"/run-spring.env
  elif [ "$ONLY" = ambassador ]; then
    rm -f "$OUT"/ambassador.md "$OUT"/run-ambassador.env
  elif [ "$ONLY" = adapter ]; then
    rm -f "$OUT"/adapter.md "$OUT"/run-adapter.env
  elif [ "$ONLY" = cpu ]; then
    rm -f "$OUT"/cpu.md "$OUT"/run-cpu.env
  elif [ "$ONLY" = growth ]; then
    rm -f "$OUT"/growth.md "$OUT"/leader-growth.md "$OUT"/run-growth.env
  else
    rm -f "$OUT"/scatter*
  fi
  mkdir -p "$OUT"
  cp sidecar/target/patternkit-sidecar.jar samples/target/patternkit-samples.jar bench/target/patternkit-bench.jar \
    bench/spring/target/patternkit-bench-spring.jar "$RUN/"
  BENCH_JAR="$RUN/patternkit-bench.jar"
  SIDECAR_JAR="$RUN/patternkit-sidecar.jar"

  if [ -z "${BENCH_NO_POSTGRES:-}" ] && [ -z "${PATTERNKIT_TEST_JDBC_URL:-}" ]; then
    if exports="$(scripts/pg-start.sh)"; then eval "$exports"; else echo "PostgreSQL unavailable: SQLite only" >&2; fi
  fi
  if [ -n "${BENCH_NO_POSTGRES:-}" ]; then unset PATTERNKIT_TEST_JDBC_URL; fi
  export PATTERNKIT_TEST_JDBC_URL="${PATTERNKIT_TEST_JDBC_URL:-}"

  if [ -z "$ONLY" ]; then
    # The throughput part's sidecar runs as the main job runs it (JDK 25, its AOT cache, C1, the serial collector;
    # issue 13's throughput and memory targets are read that way), its heap sized for deploy/kubernetes' 320 MiB
    # limit and, on JDK 25, its C heap trimmed as SidecarProcess does; the default `java` where this machine has no
    # JDK 25. The cache is trained here, before the part's clock starts.
    sidecar_jvm_exports
    LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
    STARTED="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    T0=$(date +%s)
    echo "== queue throughput" >&2
    (
      # In a subshell, as for the leader part, so that call latency's sidecars keep their own JVM settings (it
      # compares the default flags with SidecarProcess's C1).
      eval "$SIDECAR_JVM_EXPORTS"
      java -cp "$BENCH_JAR" io.patternkit.bench.QueueThroughput --out "$OUT" --sidecar-jar "$SIDECAR_JAR" \
        --sidecar-jvm-args "-XX:MaxRAM=320m${SIDECAR_JVM_EXPORTS:+ -XX:TrimNativeHeapInterval=1000}" \
        --elasticmq-lib "$ROOT/bench/elasticmq/target/lib" "${THROUGHPUT_ARGS[@]}" >/dev/null
    )
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

  if runs leader; then
  LEADER_LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
  LEADER_STARTED="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  L0=$(date +%s)
  echo "== leader election" >&2
  # The sidecars run as the main job runs them (scripts/run-samples.sh): on JDK 25 with an AOT cache trained on
  # handovers among other calls, when this machine has that JDK; the candidates' apps stay on the SDK's Java 17.
  sidecar_jvm_exports
  LEADER_SIDECAR_JVM="$(eval "$SIDECAR_JVM_EXPORTS"
    if [ -n "${PATTERNKIT_SIDECAR_JAVA:-}" ]; then
      echo "on $("$PATTERNKIT_SIDECAR_JAVA" -version 2>&1 | sed -n 2p) with C1 only, the serial collector and an AOT cache trained by \`scripts/sidecar-aot.sh\`, as the main job runs them"
    else
      echo "default JVM flags on the default \`java\`"
    fi)"
  (
    eval "$SIDECAR_JVM_EXPORTS"  # in a subshell: the other parts keep the JVM they choose themselves
    # shellcheck disable=SC2086
    java -cp "$BENCH_JAR" io.patternkit.bench.leader.LeaderBench --out "$OUT" --sidecar-jar "$SIDECAR_JAR" \
      "${LEADER_ARGS[@]}" ${BENCH_LEADER_ARGS:-} >/dev/null
  )
  L1=$(date +%s)
  LEADER_LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
  LEADER_PG="$( [ -n "$PATTERNKIT_TEST_JDBC_URL" ] && ls -d /usr/lib/postgresql/*/ 2>/dev/null | sort -V | tail -n1 | xargs basename || true)"
  LEADER_COMMIT="$COMMIT"
  LEADER_DIRTY="$DIRTY"
  declare -p LEADER_STARTED LEADER_LOAD_BEFORE LEADER_LOAD_AFTER L0 L1 LEADER_PG LEADER_COMMIT LEADER_DIRTY \
    LEADER_SIDECAR_JVM > "$OUT/run-leader.env"
  fi

  if runs scatter; then
    echo "== scatter/gather" >&2
    java -cp "$BENCH_JAR" io.patternkit.bench.scatter.ScatterBench --out "$OUT" --sidecar-jar "$SIDECAR_JAR" \
      --commit "$COMMIT$DIRTY" "${SCATTER_ARGS[@]}" >/dev/null
  fi

  footprint() {
    ROUNDS="${BENCH_FOOTPRINT_ROUNDS:-7}" bench/footprint.sh "$SIDECAR_JAR" > "$OUT/footprint.txt"
    # Then as the main job and the deploy manifest run a sidecar: JDK 25 with the AOT cache, C1 and the serial
    # collector, and the JVM sizing its heap for deploy/kubernetes' 320 MiB memory limit (-XX:MaxRAM, which a
    # container's limit sets by itself). Skipped on a machine without JDK 25.
    rm -f "$OUT/footprint-aot.txt"
    sidecar_jvm_exports
    if [ -n "$SIDECAR_JVM_EXPORTS" ]; then
      (
        eval "$SIDECAR_JVM_EXPORTS"
        JAVA="$PATTERNKIT_SIDECAR_JAVA" AOT=1 JVM_OPTS="$FOOTPRINT_AOT_OPTS" CASES="run all3 workqueue leader scatter" \
          ROUNDS="${BENCH_FOOTPRINT_ROUNDS:-7}" bench/footprint.sh "$SIDECAR_JAR" > "$OUT/footprint-aot.txt"
      )
    fi
    bench/sdk-closure.sh > "$OUT/sdk-closure.md"
  }
  if runs footprint; then run_part footprint FOOT footprint; fi
  if runs drain; then
    # shellcheck disable=SC2086
    run_part drain DRAIN java -cp "$BENCH_JAR" io.patternkit.bench.drain.DrainBench --out "$OUT" --sidecar-jar "$SIDECAR_JAR" \
      ${BENCH_QUICK:+--rounds 1 --items 100}
  fi
  if runs upward; then
    # shellcheck disable=SC2086
    run_part upward UPWARD java -cp "$BENCH_JAR" io.patternkit.bench.upward.UpwardApiCost --out "$OUT" \
      ${BENCH_QUICK:+--rounds 2 --warmup-s 3 --files 300} > /dev/null
  fi
  if runs growth; then
    run_part growth GROWTH growth_part
  fi
  if runs spring; then
    # shellcheck disable=SC2086
    run_part spring SPRING java -jar "$RUN/patternkit-bench-spring.jar" --out "$OUT" --sidecar-jar "$SIDECAR_JAR" \
      ${BENCH_QUICK:+--rounds 1 --items 300 --startup-rounds 1} > /dev/null
  fi
  if runs ambassador; then
    # shellcheck disable=SC2086
    run_part ambassador AMB java -cp "$BENCH_JAR" io.patternkit.bench.ambassador.AmbassadorBench --out "$OUT" \
      --sidecar-jar "$SIDECAR_JAR" ${BENCH_QUICK:+--rounds 2 --iterations 300 --warmup 300 --throughput-seconds 1 --tail-iterations 500}
  fi
  if runs adapter; then
    # shellcheck disable=SC2086
    run_part adapter ADAPTER java -cp "$BENCH_JAR" io.patternkit.bench.adapter.AdapterBench --out "$OUT" \
      --sidecar-jar "$SIDECAR_JAR" ${BENCH_QUICK:+--rates 5000,20000 --seconds 1 --scrapes 5}
  fi
  if runs cpu; then
    # shellcheck disable=SC2086
    run_part cpu CPU java -cp "$BENCH_JAR" io.patternkit.bench.SidecarCpu --out "$OUT" --work "$RUN/sidecar-cpu" \
      --samples-jar "$RUN/patternkit-samples.jar" --sidecar-jar "$SIDECAR_JAR" \
      --java25 /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ${BENCH_QUICK:+--rounds 1 --limit 600} > /dev/null
  fi
else
  if [ -z "$ONLY" ]; then
    # shellcheck disable=SC1091
    source "$OUT/run.env"
  fi
  if runs drain; then
    # shellcheck disable=SC1091
    source "$OUT/run-drain.env"
  fi
  if runs upward; then
    # shellcheck disable=SC1091
    source "$OUT/run-upward.env"
  fi
  if runs growth; then
    # shellcheck disable=SC1091
    source "$OUT/run-growth.env"
  fi
  if runs spring; then
    # shellcheck disable=SC1091
    source "$OUT/run-spring.env"
  fi
  if runs leader; then
    # shellcheck disable=SC1091
    source "$OUT/run-leader.env"
  fi
  if runs footprint; then
    # shellcheck disable=SC1091
    source "$OUT/run-footprint.env"
  fi
  if runs ambassador; then
    # shellcheck disable=SC1091
    source "$OUT/run-ambassador.env"
  fi
  if runs adapter; then
    # shellcheck disable=SC1091
    source "$OUT/run-adapter.env"
  fi
  if runs cpu; then
    # shellcheck disable=SC1091
    source "$OUT/run-cpu.env"
  fi
  if runs scatter; then
    # The section again from results/scatter.json (picks up changes to its report).
    java -cp bench/target/patternkit-bench.jar io.patternkit.bench.scatter.ScatterBench --out "$OUT" --report-only true
  fi
fi

CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
MEM="$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
JDK="$(java -version 2>&1 | sed -n 2p)"

# The leader-election section, between markers so that BENCH_ONLY=leader can replace it alone.
leader_section() {
cat <<EOF
<!-- leader-election:begin -->
## 4. Leader election

Measured by \`io.patternkit.bench.leader.LeaderBench\` on $LEADER_STARTED from commit $LEADER_COMMIT$LEADER_DIRTY, on the
machine above ($(nproc) cores, $CPU, $JDK); load average (1, 5, 15 min) before / after:
$LEADER_LOAD_BEFORE / $LEADER_LOAD_AFTER; wall time $((L1-L0)) s. \`BENCH_ONLY=leader bench/run.sh\` reruns this
section alone.

| target (from the issue) | measured (medians) | met |
|---|---|---|
EOF
cat "$OUT/targets-leader.md"
cat <<EOF

**Method.**
- *Contenders*, measured in the same run with comparable lease settings: Apache Curator
  $(sed -n 's:.*<curator.version>\(.*\)</curator.version>.*:\1:p' pom.xml) \`LeaderLatch\` on an embedded ZooKeeper (\`curator-test\`'s \`TestingServer\`, one
  server, tick 100 ms so that it grants the session timeout asked for; session timeout = the lease
  duration, connection timeout = the renew deadline), and fabric8 kubernetes-client
  $(sed -n 's:.*<fabric8.version>\(.*\)</fabric8.version>.*:\1:p' pom.xml) \`LeaderElector\` with a \`coordination.k8s.io/v1\` Lease lock on the fabric8
  Kubernetes mock server in CRUD mode (\`releaseOnCancel\` set; lease duration, renew deadline and
  retry period as given). Both servers run inside the harness's JVM. **Patternkit**, on each engine:
  every candidate is a leader sidecar (\`java -jar patternkit-sidecar.jar leader --engine E
  --lease-duration --renew-deadline --retry-period\`, ${LEADER_SIDECAR_JVM:-default JVM flags}) and an app that talks to it
  through the SDK's managed \`Leadership\` handle with its defaults; SQLite: one data directory shared
  by the candidates' sidecars (one machine); PostgreSQL: the local server above (when
  \`PATTERNKIT_TEST_JDBC_URL\` is set; otherwise left out); Kubernetes: Lease objects on the same
  fabric8 mock server the fabric8 peer uses (in its own Lease names).
- *Candidates*: each candidate is a JVM of its own with default flags (a small main per contender in
  \`io.patternkit.bench.leader\`) that prints timestamped events on standard output
  (\`EVENT ELECTED <epoch µs>\` from the library's elected callback, \`RESIGNING\` right before it calls
  the library's resign or close; \`Instant.now()\`, the same machine clock for every process) and
  takes commands on standard input. A cluster of N candidates per contender runs for a whole phase.
- *Transitions*, per round and contender: **graceful handover**: the leader is told to resign
  (Curator: \`LeaderLatch.close()\`; fabric8: cancel the elector, which releases the Lease;
  Patternkit: \`Leadership.close()\`, which resigns);
  measured from its \`RESIGNING\` stamp to the successor's \`ELECTED\` stamp; the old leader joins
  again as a follower. **Crash**: \`kill -9\` (SIGKILL) of the leader's process, measured from the
  harness's stamp taken right before the signal to the successor's \`ELECTED\` stamp; the killed
  candidate is started again. For a peer the candidate is one process; with a sidecar, *app alone*
  kills the app only (its sidecar lives on) and *app and sidecar* kills the sidecar, then the app.
  Between transitions the cluster runs for a settle time (1 s) so followers are in their steady
  state. The contenders take turns within every round, in an order that rotates round by round, so
  the machine's noise hits all of them alike. Reported: median, nearest-rank p90 and maximum over
  the rounds (with few rounds, p90 is the maximum); ratios are medians of per-round ratios.
- *Call cost*: a hand-rolled loop in the harness's JVM (as in section 2) over the comparable
  low-level calls of each contender; what exactly is called is in the table. Patternkit's calls go
  through the SDK's \`LeaderElectionClient\` to one sidecar per engine started for them, holding a
  lease of its own (renewed every iteration).

EOF
cat "$OUT/leader.md"
cat <<EOF

**Left out.**
- A real Kubernetes API server (etcd behind it, admission, authentication) and a ZooKeeper ensemble:
  both peers run against a single in-process server on loopback, which flatters their latency
  compared with production; their failover times are set by their lease or session timeout.
- Network partitions and paused processes (\`SIGSTOP\`): only resignation and \`kill -9\` are measured.
- Curator has no renew call; its session is kept alive by the ZooKeeper client's own pings.
- The idle candidates of the other contenders run on the same 2 cores during each measurement.
EOF
if [ -f bench/notes-leader.md ]; then echo; cat bench/notes-leader.md; fi
echo '<!-- leader-election:end -->'
}

# splice_section NAME DOC FILE: replaces the section between <!-- NAME:begin --> and <!-- NAME:end -->
# of DOC with FILE (or inserts it before the notes when DOC has none yet).
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

# The scatter/gather section, between markers so that BENCH_ONLY=scatter can replace it alone.
scatter_section() {
  echo '<!-- scatter:begin -->'
  cat "$OUT/scatter.md"
  if [ -f bench/notes-scatter.md ]; then cat bench/notes-scatter.md; echo; fi
  echo '<!-- scatter:end -->'
}

# The sidecar's footprint and the SDK's closure, between markers so that BENCH_ONLY=footprint can replace it alone.
footprint_section() {
  echo '<!-- footprint:begin -->'
  cat <<EOF
## 6. One sidecar process, and what the SDK puts on an app's classpath

Measured by \`bench/footprint.sh\` and \`bench/sdk-closure.sh\` on $FOOT_STARTED from commit $FOOT_COMMIT,
$FOOT_JDK, default JVM flags, SQLite; load average $FOOT_LOAD_BEFORE before and $FOOT_LOAD_AFTER after.
\`BENCH_ONLY=footprint bench/run.sh\` reruns this section alone.

**Method.** Cold start: wall time from spawning \`java -jar\` to the first 200 from \`/healthz/ready\`
(polled every 10 ms from bash through \`/dev/tcp\`; until 4 December a \`curl\` per poll, which took 0.4 of
this machine's two cores while a sidecar started and added 70 to 240 ms to its time). RSS: \`VmRSS\` 5 s after ready. \`all3\` is one
\`run --patterns workqueue,leader,scatter\` process; \`three\` is the three shorthands started at the same
moment (cold start until the last is ready; RSS summed). Cases are interleaved round by round, after
one uncounted warm-up round; medians, with min and max. \`other\` is the CPU the rest of the machine
used meanwhile, in cores.

EOF
  echo '```'
  cat "$OUT/footprint.txt"
  echo '```'
  if [ -f "$OUT/footprint-aot.txt" ]; then
    cat <<EOF

**As the main job and the deploy manifest run a sidecar**: the same script with \`JAVA\` the JDK 25 of this
machine kind, \`AOT=1\` (each jar with the cache \`scripts/sidecar-aot.sh\` trained for it) and
\`JVM_OPTS\` as the series' second line shows: C1 only and the serial collector as \`SidecarProcess\` starts
sidecars, and \`-XX:MaxRAM\` so that the JVM sizes its heap as it would in a container with
\`deploy/kubernetes\`' 320 MiB memory limit (without a limit it sizes the heap from all the machine's memory).
Each start has a fresh data directory, so it includes the one-time copy of SQLite's native library. \`run\` is one \`run\` process serving every pattern, as issue 13's target 3 has it (ready in at most
0.5 s, at most 80 MB idle).

EOF
    echo '```'
    cat "$OUT/footprint-aot.txt"
    echo '```'
  fi
  echo
  echo "### The SDK's runtime closure (jars and MiB on the application's classpath, its own jar included)"
  echo
  cat "$OUT/sdk-closure.md"
  if [ -f bench/notes-footprint.md ]; then echo; cat bench/notes-footprint.md; fi
  echo '<!-- footprint:end -->'
}

# part_section NAME PREFIX HEADING BY SETUP [METHOD]: the section of a part that run_part ran, between
# <!-- NAME:begin --> and <!-- NAME:end --> so that BENCH_ONLY=NAME can replace it alone: its heading, what
# measured it and when (PREFIX_* from $OUT/run-NAME.env), the setup, an optional method paragraph, the
# part's fragment $OUT/NAME.md and its hand-written notes bench/notes-NAME.md.
part_section() {
  local name="$1" prefix="$2" heading="$3" by="$4" setup="$5" method="${6:-}"
  local started="${prefix}_STARTED" commit="${prefix}_COMMIT" jdk="${prefix}_JDK"
  local before="${prefix}_LOAD_BEFORE" after="${prefix}_LOAD_AFTER"
  echo "<!-- $name:begin -->"
  echo "## $heading"
  echo
  echo "Measured by \`$by\` on ${!started} from commit ${!commit}, ${!jdk},"
  echo "$setup; load average ${!before} before and ${!after} after."
  echo "\`BENCH_ONLY=$name bench/run.sh\` reruns this section alone."
  echo
  if [ -n "$method" ]; then echo "$method"; echo; fi
  cat "$OUT/$name.md"
  if [ -f "bench/notes-$name.md" ]; then echo; cat "bench/notes-$name.md"; fi
  echo "<!-- $name:end -->"
}

drain_section() {
  part_section drain DRAIN "7. A worker's drain on SIGTERM" io.patternkit.bench.drain.DrainBench "SQLite" "$(cat <<'EOF'
**Method.** A worker process (a `WorkQueueConsumer`) and its work-queue sidecar (`--app-drain-timeout 25s`)
get SIGTERM at the same moment, as the kubelet stops a pod, once a fifth of the items are acked. Then a
second sidecar on the same SQLite file reads how many items are still in flight (each waits out its
visibility timeout) and how long until every item is claimable again, counted from the SIGTERM. `drain`:
the consumer joined to its `Lifecycle` with `drainOnSigterm()` (10 s deadline); `no-drain`: the same
consumer without it, so the JVM's own SIGTERM handling ends it. The two cases alternate round by round.
EOF
)"
}

growth_section() {
  part_section growth GROWTH "13. How cost grows with the work: the queue's backlog, one sidecar's elections" \
    io.patternkit.bench.QueueGrowth "the queue's engines in-process (SQLite on a fresh file per size, PostgreSQL from scripts/pg-start.sh)" "$(cat <<'EOF'
**Method.** For each engine and size N, a fresh queue holding N + 350 ready items (enqueued 500 at a time, each
with a dedup window of 0): the claim of one item and its ack, 300 times after 50 unrecorded ones (p50, p99), then
the drain of all N (claim 500, ack the 500, repeat; items/s), then the storage the queue added with N acked rows and
after the purge, and the purge's own time (SQLite: the file plus its write-ahead log; PostgreSQL: the change of
`pg_total_relation_size` of the shared items table). Growth factors are against the smallest size: a claim that costs the same at every size has
1.00x; a drain that grows with the work has its time grow by the size ratio.
EOF
)"
}

upward_section() {
  part_section upward UPWARD "12. What the upward API's profiling costs a loaded app" io.patternkit.bench.upward.UpwardApiCost \
    "one JVM as the app (its threads turning JDK sources into term statistics, as the main job's stage) with its management server" "$(cat <<'EOF'
**Method.** The app's threads run flat out; its throughput (files per second) is measured in windows of
three kinds, in an order that rotates every round: `none` (5 s, nothing asked), `threads` (5 s, a
`/patternkit/threads?depth=32` dump asked every second), `profile` (one `/patternkit/profile?seconds=5&format=summary`
call: a 5 s JFR recording with the JDK's `profile` settings and its JSON summary; the window is the call).
A 15 s warm-up comes first.
EOF
)"
}

spring_section() {
  part_section spring SPRING "8. The Spring Boot starter's cost" io.patternkit.bench.spring.SpringBench \
    "built in \`bench/spring\`, Spring Boot 4.0, one \`patternkit-sidecar run\` process on SQLite"
}

ambassador_section() {
  part_section ambassador AMB "9. The ambassador" io.patternkit.bench.ambassador.AmbassadorBench \
    "one \`patternkit-sidecar run --patterns ambassador\` process (default JVM flags), the replicas Vert.x servers in one process of their own, the client OkHttp in the harness's JVM"
}

cpu_section() {
  part_section cpu CPU "11. Where the sidecars' CPU goes in the main job" io.patternkit.bench.SidecarCpu \
    "the main job (\`patternkit-samples.jar\`, 2 workers x 2 handlers, batch 16, SQLite, 4 sidecar processes with the surge replica's) on the JDK corpus" "$(cat <<'EOF'
**Method.** Each run starts the job with `--sidecar-jvm-args` set to the variant's options and samples the
CPU time of every sidecar thread from `/proc` every 200 ms (a thread's last sample is its total). Threads are
grouped: `jit` the C1 and C2 compiler threads; `requests` the Vert.x event loops and workers (HTTP, JSON and
the engine's SQL, which runs in SQLite's native code on those threads); `main` the main thread (start-up:
class loading, Flyway, the engine's open); `watch` the engine's watch of the other processes' writes to the
shared SQLite file; `gc+vm` the collector and VM threads. Each round runs every variant once, in an order
that rotates every round; the JDK 25 variant's AOT cache is written by one unrecorded training run first.
EOF
)"
}

adapter_section() {
  part_section adapter ADAPTER "10. The adapter's metrics" io.patternkit.bench.adapter.AdapterBench \
    "one \`patternkit-sidecar run --patterns adapter\` process (default JVM flags)"
}

if [ -n "$ONLY" ]; then
  if [ ! -f "$DOC" ]; then cp "$ROOT/docs/benchmarks.md" "$DOC"; fi
  if [ "$ONLY" = leader ]; then
    leader_section > "$OUT/leader-section.md"
    splice_section leader-election "$DOC" "$OUT/leader-section.md"
  elif [ "$ONLY" = footprint ]; then
    footprint_section > "$OUT/footprint-section.md"
    splice_section footprint "$DOC" "$OUT/footprint-section.md"
  elif [ "$ONLY" = scatter ]; then
    scatter_section > "$OUT/scatter-section.md"
    splice_section scatter "$DOC" "$OUT/scatter-section.md"
  else # a part run by run_part: drain, upward, spring, ambassador, adapter or cpu
    "${ONLY}_section" > "$OUT/$ONLY-section.md"
    splice_section "$ONLY" "$DOC" "$OUT/$ONLY-section.md"
  fi
  echo "wrote the $ONLY section of $DOC" >&2
  exit 0
fi

{
cat <<EOF
# Benchmarks

Generated by \`bench/run.sh\` on $STARTED from commit $COMMIT$DIRTY. The tables are rewritten by
every run; the notes are written by hand in \`bench/notes*.md\`, and so is the targets table, which gathers each
target's latest measurement from whichever run made it (a part's own, or a hand-run A/B).

## Targets

EOF
if [ -f bench/notes-targets.md ]; then cat bench/notes-targets.md; fi
cat <<EOF

### The targets' rows this run measured (generated)

By the run named at the top, against the targets its code knew then; where they differ, the table above is newer.

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
  for the sidecars, as a user starts them), except where noted: the sidecars of the queue throughput and
  leader election parts run as the main job runs them (\`scripts/sidecar-jvm.sh\`: JDK 25 with an AOT cache,
  C1 only and the serial collector, where the machine has that JDK), and the throughput part's with
  \`-XX:MaxRAM=320m\` (the heap sized for \`deploy/kubernetes\`' limit) and, on JDK 25, its C heap trimmed
  every second.
  The jars are copied aside before the run so that a rebuild cannot swap classes under a running process.
- **Queue throughput** (\`io.patternkit.bench.QueueThroughput\`): one thread drives each side.
  *SDK + sidecar*: a \`WorkQueueClient\` against a real sidecar process; enqueue one item per call
  at batch 1 (\`enqueue\`) and one batch per call otherwise (\`enqueueAll\`), claim \`batch\` at a
  time with \`waitMs\` 0, ack with \`ack\` at batch 1 and \`ackAll\` otherwise; no-op handler; every
  run checks afterwards that all N items are acked. *Direct*: the same engine class
  (\`SqliteQueueEngine\` on its own file, \`PostgresQueueEngine\` on the same database) opened
  in-process and driven through the \`QueueEngine\` SPI with the calls the sidecar's service
  makes per request: \`enqueue(list)\`, \`claim\`, and \`ackAll(list)\` for an ack of one or
  many receipts. Each round runs every side for every batch size, in an order that rotates every
  round, on fresh queue names; one unrecorded warm-up round of the same size comes first. Two shapes: *backlog* (the issue's: enqueue all N, then claim and ack until
  done) and *pipelined* (enqueue a batch, claim it, ack it, repeat: the queue never holds more
  than one batch). Reported: median items/s over the rounds and the median of the per-round
  SDK/direct ratios. *The peer* (SQLite rounds only): ElasticMQ 1.7.1, the SQS-compatible queue a
  user would otherwise run beside an app, in memory and with its H2 message storage, each a process
  of its own with default JVM flags (\`bench/elasticmq\`), driven by the AWS SDK v2 SQS client
  (\`SendMessage\`/\`SendMessageBatch\`, \`ReceiveMessage\` with no wait, \`DeleteMessage\`/\`DeleteMessageBatch\`;
  SQS caps a batch at 10, so batch 50 is calls of 10) on fresh queues in the same rounds; the order
  of the four sides rotates every round.
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
  The job's processes' CPU time is sampled from \`/proc\` as a second view, and the rates over the first, second
  and last third of the items, the job's and the baseline's, as a third: the queue's share of the last third sets
  the steady state apart from the warm-up.

## 1. End-to-end queue throughput

EOF
cat "$OUT/throughput.md"
if [ -f bench/notes-throughput.md ]; then echo; cat bench/notes-throughput.md; fi
cat <<EOF

## 2. Cost of one SDK call over loopback

EOF
cat "$OUT/latency.md"
cat <<EOF

## 3. The main job on the JDK corpus

EOF
cat "$OUT/corpus.md"
if [ -f bench/notes-corpus.md ]; then echo; cat bench/notes-corpus.md; fi
echo
leader_section
echo
scatter_section
echo
footprint_section
echo
drain_section
echo
spring_section
echo
ambassador_section
echo
adapter_section
echo
cpu_section
echo
upward_section
echo
growth_section
echo
if [ -f bench/notes.md ]; then cat bench/notes.md; fi
cat <<EOF

## Rerunning

\`bench/run.sh\` (about 30 minutes; \`BENCH_QUICK=1\` for a smoke run; \`BENCH_ONLY=leader\` or
\`BENCH_ONLY=scatter\`, \`BENCH_ONLY=footprint\`, \`BENCH_ONLY=drain\`, \`BENCH_ONLY=spring\`, \`BENCH_ONLY=ambassador\`, \`BENCH_ONLY=adapter\`, \`BENCH_ONLY=cpu\`, \`BENCH_ONLY=upward\` or \`BENCH_ONLY=growth\` for one section alone, about 10, 7, 10, 4, 4, 5, 2, 6, 3 and 8 minutes). Raw fragments and logs stay in \`bench/target/run/\`
(the leader benchmark's samples in \`results/leader.json\`, its candidates' logs in
\`results/leader-logs/\`). Each part can also run alone, for example
\`java -cp bench/target/patternkit-bench.jar io.patternkit.bench.CallLatency --rounds 5\`.
EOF
} > "$DOC"
echo "wrote $DOC" >&2

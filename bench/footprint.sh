#!/usr/bin/env bash
# Cold start and idle memory of the sidecar: one `run --patterns workqueue,leader,scatter` process
# ("all3") against three single-pattern processes started at the same moment ("three"), and each
# shorthand alone (workqueue, leader, scatter). SQLite, a fresh data dir per process, 127.0.0.1 only.
#
#   cold start  wall time from spawning java to the first 200 from /healthz/ready (polled every 10 ms from
#               bash itself through /dev/tcp; PROBE=curl starts a curl per poll, as the series before 4 December did);
#               for "three", until the last of the three is ready
#   rss         VmRSS from /proc/PID/status 5 s after ready (for "three": the sum, 5 s after the last)
#   jar size    in bytes, on each series' jarN line (issue 13's target 3: at most 25 MB)
#
#   bench/footprint.sh sidecar/target/patternkit-sidecar.jar
#   ROUNDS=5 CASES="workqueue leader scatter" bench/footprint.sh before.jar after.jar
#
# "run" is one `run` process serving every pattern (its default).
# Several jars are interleaved case by case, in the other order every second round. Env: ROUNDS
# (default 7, after WARMUP=1 uncounted round), CASES (default "all3 three workqueue leader scatter";
# a jar without `run` can only do the last three), JAVA (default java), JVM_OPTS (JVM options before
# -jar, default none; with AOT=1 the collector and compiler the cache was trained with), AOT=1 (each jar
# with the AOT cache scripts/sidecar-aot.sh wrote beside it, JAR without .jar plus .aot; JDK 25 and later;
# -XX:AOTMode=on, so a cache the JVM cannot use stops the series), PORT_BASE (default 21300;
# ports PORT_BASE+1.. up to +500, below Linux's ephemeral range so client sockets do not take them).
# Prints one row per measurement, then median/min/max per jar and case, and the all3/three ratios.
# "other" is the CPU everything else used (in cores, of all the machine's) from spawn to ready,
# curl polls included: a noise gauge.
# Every process gets SIGTERM, then SIGKILL after 10 s; the temp dir is removed on exit.
set -uo pipefail
export LC_ALL=C
(( $# )) || { sed -n '2,/^set -uo/{/^#/p}' "$0" >&2; exit 2; }
JARS=("$@")
ROUNDS=${ROUNDS:-7} WARMUP=${WARMUP:-1} JAVA=${JAVA:-java} PORT_BASE=${PORT_BASE:-21300} AOT=${AOT:-0} PROBE=${PROBE:-tcp}
read -ra JVM_FLAGS <<<"${JVM_OPTS:-}"
if [[ $AOT == 1 ]]; then
  for jar in "${JARS[@]}"; do [[ -f ${jar%.jar}.aot ]] || { echo "AOT=1: no ${jar%.jar}.aot (scripts/sidecar-aot.sh JAVA $jar)" >&2; exit 2; }; done
fi
CASES=${CASES:-all3 three workqueue leader scatter}
READY_TIMEOUT=60 IDLE=5
TMP=$(mktemp -d /tmp/pk-footprint.XXXXXX) NEXT_PORT=$PORT_BASE
declare -A RUNNING START STATUS   # our processes not yet stopped; their start times; exit status per pid

# The pid is still our process (same start time, so not a reused pid) and has not exited.
alive() {
  local p=$1 s; { s=$(<"/proc/$p/stat"); } 2>/dev/null || return 1; s=${s##*) }; set -- $s
  [[ ${1:-Z} != [ZX] && ${20:-} == "${START[$p]:-?}" ]]
}
ms_since() { local now=$EPOCHREALTIME; echo $(( (10#${now/./} - 10#${1/./}) / 1000 )); }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo -; }
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }   # all CPUs, not idle
proc_ticks() { local s; { s=$(<"/proc/$1/stat"); } 2>/dev/null || { echo 0; return; }; s=${s##*) }; set -- $s; echo $(( ${12:-0} + ${13:-0} )); }

any_alive() { local p; for p; do alive "$p" && return 0; done; return 1; }
stop() { # pids: SIGTERM, up to 10 s, then SIGKILL; sets STOP_MS
  local p i t=$EPOCHREALTIME
  for p; do alive "$p" && kill -TERM "$p"; done
  for ((i = 0; i < 100; i++)); do any_alive "$@" || break; sleep 0.1; done
  for p; do
    alive "$p" && { echo "note: pid $p still up 10 s after SIGTERM, SIGKILL" >&2; kill -KILL "$p" 2>/dev/null; }
    wait "$p" 2>/dev/null; STATUS[$p]=$?; unset "RUNNING[$p]"
  done
  STOP_MS=$(ms_since "$t")
}
cleanup() { (( ${#RUNNING[@]} )) && stop "${!RUNNING[@]}"; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

next_port() { # sets NEXT_PORT to the next port no TCP socket uses (up to 500 tries)
  local i
  for ((i = 0; i < 500; i++)); do
    NEXT_PORT=$((NEXT_PORT + 1)); (( NEXT_PORT > PORT_BASE + 500 )) && NEXT_PORT=$((PORT_BASE + 1))
    grep -qi ":$(printf '%04X' "$NEXT_PORT") " /proc/net/tcp /proc/net/tcp6 2>/dev/null || return 0
  done
  echo "no free port in $PORT_BASE..$((PORT_BASE + 500))" >&2; exit 1
}

spawn() { # jar port pattern-args... ; sets SPAWNED (pid); data in $TMP/<port>/, the log is $TMP/<port>.log
  local jar=$1 port=$2; shift 2
  local data=(--data "$TMP/$port"); [[ $1 == scatter ]] && data=()   # scatter takes no --data
  local flags=("${JVM_FLAGS[@]}"); [[ $AOT == 1 ]] && flags+=("-XX:AOTCache=${jar%.jar}.aot" -XX:AOTMode=on)
  "$JAVA" "${flags[@]}" -jar "$jar" "$@" --port "$port" "${data[@]}" >"$TMP/$port.log" 2>&1 &
  SPAWNED=$!; RUNNING[$SPAWNED]=1
  local s; s=$(<"/proc/$SPAWNED/stat"); s=${s##*) }; set -- $s; START[$SPAWNED]=${20:-}
}

ready_now() { # port: whether /healthz/ready answers 200; with PROBE=tcp through bash's /dev/tcp, no process per poll
  if [[ $PROBE == curl ]]; then
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$1/healthz/ready") == 200 ]]
    return
  fi
  local status=""
  { exec 8<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'GET /healthz/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&8
  read -r -t 1 status <&8
  exec 8>&-
  [[ $status == "HTTP/1.1 200"* ]]
}

wait_ready() { # port pid t0: prints ms from t0 to the first 200, or dead/timeout
  local i tick
  exec {tick}<> <(:)   # a pipe nobody writes: read -t on it waits without starting a process, as sleep would
  for ((i = 0; i < READY_TIMEOUT * 100; i++)); do
    ready_now "$1" && { ms_since "$3"; return; }
    alive "$2" || { echo dead; return; }
    read -r -t 0.01 -u "$tick" _ || true
  done
  echo timeout
}

report_log() { # port pid label: log lines worth a look (warnings, errors; all of it without a "listening" line)
  local log=$TMP/$1.log
  if ! grep -q "patternkit-sidecar listening on http://127.0.0.1:$1" "$log"; then
    echo "note: $3 never logged 'listening on' (exit status ${STATUS[$2]:-?}), its log:" >&2
    tail -n 30 "$log" | sed "s/^/note: $3: /" >&2
  else
    grep -E 'WARN|ERROR|Exception|Error:' "$log" | sed "s/^/note: $3: /" >&2
  fi
  if (( STOP_MS > 2000 )); then
    echo "note: $3 (pid $2): SIGTERM to exit of all took $STOP_MS ms (exit status ${STATUS[$2]:-?}); its last log lines:" >&2
    tail -n 3 "$log" | sed "s/^/note: $3: /" >&2
  fi
}

measure() { # round jar-index case: sets ROW
  local round=$1 j=$2 case=$3 jar=${JARS[$2]} b0 t0 other elapsed pids=() ports=() names=() pollers=() i r parts="" ready=0 rss=0
  case $case in
    all3)  names=(all3) ;;
    three) names=(workqueue leader scatter) ;;
    *)     names=("$case") ;;
  esac
  for i in "${!names[@]}"; do next_port; ports[i]=$NEXT_PORT; mkdir "$TMP/$NEXT_PORT"; done
  b0=$(busy_ticks) t0=$EPOCHREALTIME
  for i in "${!names[@]}"; do
    case ${names[i]} in
      all3) spawn "$jar" "${ports[i]}" run --patterns workqueue,leader,scatter ;;
      *)    spawn "$jar" "${ports[i]}" "${names[i]}" ;;
    esac
    pids[i]=$SPAWNED
  done
  for i in "${!names[@]}"; do wait_ready "${ports[i]}" "${pids[i]}" "$t0" >"$TMP/ready.$i" & pollers+=($!); done
  wait "${pollers[@]}"
  other=$(( $(busy_ticks) - b0 )) elapsed=$(ms_since "$t0")
  for i in "${!names[@]}"; do other=$(( other - $(proc_ticks "${pids[i]}") )); done
  other=$(awk -v t="$other" -v hz="$(getconf CLK_TCK)" -v ms="$elapsed" 'BEGIN {printf "%.2f", t / hz / (ms / 1000)}')
  for i in "${!names[@]}"; do   # the last one ready, or the first failure
    r=$(<"$TMP/ready.$i")
    if [[ ! $r =~ ^[0-9]+$ ]]; then ready=$r; break; fi
    (( r > ready )) && ready=$r
  done
  [[ $ready =~ ^[0-9]+$ ]] && sleep "$IDLE"
  for i in "${!names[@]}"; do
    r=$(rss_kb "${pids[i]}")
    if [[ $r =~ ^[0-9]+$ && $rss != - ]]; then rss=$((rss + r)); else rss=-; fi
    (( ${#names[@]} > 1 )) && parts+="${names[i]}=$(<"$TMP/ready.$i")/$r "
  done
  [[ $ready =~ ^[0-9]+$ ]] || rss=-
  stop "${pids[@]}"
  for i in "${!names[@]}"; do report_log "${ports[i]}" "${pids[i]}" "round $round jar$((j + 1)) ${names[i]}"; done
  for i in "${!names[@]}"; do rm -rf "${TMP:?}/${ports[i]}" "$TMP/${ports[i]}.log"; done
  ROW=$(printf '%-5s jar%-3s %-9s %8s %9s %5s  %s' "$round" "$((j + 1))" "$case" "$ready" "$rss" "$other" "$parts")
}

echo "# $(date -u +%FT%TZ)  load before: $(uptime)"
echo "# java: $("$JAVA" -version 2>&1 | sed -n 2p); JVM options: ${JVM_OPTS:-none}$([[ $AOT == 1 ]] && echo "; each jar's AOT cache")"
for j in "${!JARS[@]}"; do echo "# jar$((j + 1)): ${JARS[j]} ($(stat -c %s "${JARS[j]}") bytes)"; done
echo "# rounds: $ROUNDS after $WARMUP warm-up (round w), cases: $CASES"
printf '%-5s %-6s %-9s %8s %9s %5s  %s\n' round jar case ready_ms rss_kB other "three: each process ready_ms/rss_kB"
ROWS=$TMP/rows
for ((n = 1 - WARMUP; n <= ROUNDS; n++)); do
  order=("${!JARS[@]}"); (( n % 2 == 0 )) && order=($(printf '%s\n' "${!JARS[@]}" | tac))
  for c in $CASES; do
    for j in "${order[@]}"; do
      if (( n >= 1 )); then measure "$n" "$j" "$c"; echo "$ROW" >>"$ROWS"; else measure w "$j" "$c"; fi
      echo "$ROW"
    done
  done
done
echo "# load after: $(uptime)"

stats() { sort -n | awk '{v[NR] = $1} END {if (NR) printf "%s %s %s %d", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[1], v[NR], NR}'; }
echo; echo "# median min max (n) per jar and case"
for j in "${!JARS[@]}"; do for c in $CASES; do
  t=$(awk -v j="jar$((j + 1))" -v c="$c" '$2 == j && $3 == c && $4 ~ /^[0-9]+$/ {print $4}' "$ROWS" | stats)
  m=$(awk -v j="jar$((j + 1))" -v c="$c" '$2 == j && $3 == c && $5 ~ /^[0-9]+$/ {print $5}' "$ROWS" | stats)
  printf 'jar%-3s %-9s ready_ms %-24s rss_kB %s\n' "$((j + 1))" "$c" "$t" "$m"
done; done
if [[ " $CASES " == *" all3 "* && " $CASES " == *" three "* ]]; then
  echo; echo "# all3/three per round (ready, rss) and their medians"
  for j in "${!JARS[@]}"; do
    awk -v j="jar$((j + 1))" '$2 == j && ($3 == "all3" || $3 == "three") {t[$1, $3] = $4; m[$1, $3] = $5; r[$1]}
      END {for (k in r) if (t[k, "all3"] ~ /^[0-9]+$/ && t[k, "three"] ~ /^[0-9]+$/)
        printf "%s %.3f %.3f\n", k, t[k, "all3"] / t[k, "three"], m[k, "all3"] / m[k, "three"]}' "$ROWS" | sort -n >"$TMP/ratios"
    awk -v j="jar$((j + 1))" '{printf "%s round %s: ready %s rss %s\n", j, $1, $2, $3}' "$TMP/ratios"
    echo "jar$((j + 1)) median: ready $(cut -d' ' -f2 "$TMP/ratios" | stats | cut -d' ' -f1)" \
         "rss $(cut -d' ' -f3 "$TMP/ratios" | stats | cut -d' ' -f1)"
  done
fi

#!/usr/bin/env bash
# The main job: builds what it needs, then runs every sample on real input (the installed JDK's
# sources, lib/src.zip) on the embedded SQLite engine, each with its faults injected:
#   1. work queue: index the corpus with two worker replicas, one killed with kill -9, the other
#      replaced as a rolling update does (SIGTERM to it and its sidecar at once: it drains);
#   2. leader election: three replicas report on the corpus, the leader's app stopped with SIGTERM
#      (it drains and hands over its checkpoint), the next one killed with kill -9, the one after
#      frozen with SIGSTOP past its lease; no stale write may be accepted;
#   3. scatter/gather: a search over the corpus split into shards with two replicas each; merged hits
#      must equal one index, a straggling replica is rescued by hedging, a dead shard is named.
# Each sample checks its own results and exits non-zero if they are wrong; so does this script.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -DskipTests -pl samples -am package
JAR=samples/target/patternkit-samples.jar
echo "== 1/3 work queue: index the corpus (kill -9 of a worker, a drain of another on SIGTERM)"
java -cp "$JAR" io.patternkit.samples.indexing.IndexCorpus --kill-worker --drain-worker
echo "== 2/3 leader election: fenced corpus report (SIGTERM of the leader with a checkpoint handover, kill -9, SIGSTOP)"
java -cp "$JAR" io.patternkit.samples.leader.LeaderDemo
echo "== 3/3 scatter/gather: distributed search (a straggler hedged, a shard killed with kill -9)"
java -Xmx192m -XX:+UseSerialGC -cp "$JAR" io.patternkit.samples.search.SearchDemo

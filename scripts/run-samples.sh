#!/usr/bin/env bash
# The main job: builds what it needs, then runs every sample on real input (the installed JDK's
# sources, lib/src.zip) on the embedded SQLite engine, each with its faults injected:
#   1. work queue: index the corpus with two worker replicas, one killed with kill -9;
#   2. leader election: three replicas report on the corpus, the leader's app killed with kill -9,
#      the next leader frozen with SIGSTOP past its lease; no stale write may be accepted.
# Each sample checks its own results and exits non-zero if they are wrong; so does this script.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -DskipTests -pl samples -am package
JAR=samples/target/patternkit-samples.jar
echo "== 1/2 work queue: index the corpus (kill -9 of a worker)"
java -cp "$JAR" io.patternkit.samples.indexing.IndexCorpus --kill-worker
echo "== 2/2 leader election: fenced corpus report (kill -9 of the leader, SIGSTOP of the next)"
java -cp "$JAR" io.patternkit.samples.leader.LeaderDemo

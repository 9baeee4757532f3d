#!/usr/bin/env bash
# The main job: builds what it needs, then runs every sample on real input (the installed JDK's
# sources, lib/src.zip) on the embedded SQLite engine, each with its faults injected:
#   1. work queue: index the corpus with two worker replicas, one killed with kill -9, the other
#      replaced as a rolling update does (SIGTERM to it and its sidecar at once: it drains);
#   2. leader election: three replicas report on the corpus, the leader's app stopped with SIGTERM
#      (it drains and hands over its checkpoint), the next one killed with kill -9, the one after
#      frozen with SIGSTOP past its lease; no stale write may be accepted;
#   3. scatter/gather: a search over the corpus split into shards with two replicas each; merged hits
#      must equal one index, a straggling replica is rescued by hedging, a dead shard is named;
#   4. Spring Boot: two replicas of a Spring service on the starter index 3,000 files through a
#      @WorkQueueListener, the elected leader's refresh enqueues them, and the leader is stopped with
#      SIGTERM under load: Spring's graceful shutdown drains it, every file is indexed exactly once;
#      then GET /search scatters over both replicas' shards, served on their own web servers, and must
#      equal one index;
#   5. ambassador: a term service over the corpus in three shards of two replicas behind an ambassador
#      sidecar: every term answered by its owning shard, a straggling replica rescued by hedged requests,
#      a replica killed with kill -9 (retried and ejected), a 10% canary and a fourth shard added by
#      config reloads (about a quarter of the terms move); the same sidecar's adapter checks every replica,
#      turns their statsd lines, JMX, own endpoints, access logs and stack traces into one interface,
#      and fronts a PostgreSQL (the tests' own, started by scripts/pg-start.sh) with a JDBC check and SQL gauges.
# Each sample checks its own results and exits non-zero if they are wrong; so does this script.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -DskipTests -pl samples,samples-spring-boot -am package
# The sidecars run on JDK 25 with an AOT cache when this machine has that JDK (docs/operations.md): they
# get ready in half the time and spend less CPU; the samples and their apps stay on the SDK's Java 17.
SIDECAR_JVM="$(scripts/sidecar-jvm.sh)"  # an assignment, so that a failed training stops the script
eval "$SIDECAR_JVM"
if [ -n "${PATTERNKIT_SIDECAR_JAVA:-}" ]; then
  echo "== sidecars on $("$PATTERNKIT_SIDECAR_JAVA" -version 2>&1 | sed -n 2p) with the AOT cache $PATTERNKIT_SIDECAR_AOT_CACHE"
fi
JAR=samples/target/patternkit-samples.jar
echo "== 1/5 work queue: index the corpus (kill -9 of a worker, a drain of another on SIGTERM)"
java -cp "$JAR" io.patternkit.samples.indexing.IndexCorpus --kill-worker --drain-worker
echo "== 2/5 leader election: fenced corpus report (SIGTERM of the leader with a checkpoint handover, kill -9, SIGSTOP)"
java -cp "$JAR" io.patternkit.samples.leader.LeaderDemo
echo "== 3/5 scatter/gather: distributed search (a straggler hedged, a shard killed with kill -9)"
java -Xmx192m -XX:+UseSerialGC -cp "$JAR" io.patternkit.samples.search.SearchDemo
echo "== 4/5 Spring Boot: @WorkQueueListener replicas, a leader-only refresh, the leader stopped with SIGTERM (drained), search by scatter/gather over leaves on the replicas' web servers"
java -jar samples-spring-boot/target/patternkit-samples-spring-boot.jar demo
echo "== 5/5 ambassador: a sharded term service (a straggler hedged, a replica killed with kill -9, a 10% canary, a fourth shard by reload)"
eval "$(scripts/pg-start.sh)" # the off-the-shelf database the adapter fronts (not an engine: the patterns stay on SQLite)
java -Xmx256m -XX:+UseSerialGC -cp "$JAR" io.patternkit.samples.ambassador.AmbassadorDemo --postgres "$PATTERNKIT_TEST_JDBC_URL"

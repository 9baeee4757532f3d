#!/usr/bin/env bash
# The scatter/gather sample: builds what it needs, then runs a distributed search over the
# installed JDK's sources (lib/src.zip; --limit 6000 files by default, to keep the run near a
# minute on 2 cores): a root sidecar process and 3 shards x 2 replicas leaf processes. It checks
# merged hits against one index, rescues a straggler by hedging, and kills a shard with kill -9.
# Options go to the demo; see --help (for example --limit 0, --shards 4, --replicas 3).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -DskipTests -pl samples -am package
exec java -Xmx192m -XX:+UseSerialGC -cp samples/target/patternkit-samples.jar io.patternkit.samples.search.SearchDemo "$@"

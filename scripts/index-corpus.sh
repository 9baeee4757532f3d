#!/usr/bin/env bash
# The main job: builds what it needs, then indexes the installed JDK's sources (lib/src.zip)
# through a work queue with two worker replicas, each with its own sidecar, on the embedded
# SQLite engine. Options go to the job; see --help (for example --limit 3000, --corpus DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -DskipTests -pl samples -am package
exec java -jar samples/target/patternkit-samples.jar "$@"

#!/usr/bin/env bash
# The runtime dependency closure of each SDK module: how many jars and MiB an application gets on
# its classpath when it depends on that module (the module's own jar included). Prints a Markdown
# table. Needs the modules built (`mvn -DskipTests install`); asks Maven for each classpath.
#
#   bench/sdk-closure.sh [MODULE ...]     default: every sdk-* module but sdk-testing
set -euo pipefail
cd "$(dirname "$0")/.."
modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
  modules=(sdk-core sdk-management sdk-workqueue sdk-leader sdk-scatter)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "| module | jars | MiB |"
echo "|---|---:|---:|"
for m in "${modules[@]}"; do
  [ -d "$m" ] || continue
  mvn -B -q -ntp org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -DincludeScope=runtime \
      -Dmdep.outputFile="$tmp/$m.cp" -pl "$m" >"$tmp/mvn.log" 2>&1 || { cat "$tmp/mvn.log" >&2; exit 1; }
  own=$(ls "$m"/target/patternkit-"$m"-*.jar | grep -v -e sources -e javadoc -e tests | head -n 1)
  files=$( (tr ':' '\n' < "$tmp/$m.cp"; echo; echo "$own") | grep -v '^$')
  jars=$(echo "$files" | wc -l)
  bytes=$(echo "$files" | xargs du -cb | tail -n 1 | cut -f1)
  printf '| `patternkit-%s` | %d | %.2f |\n' "$m" "$jars" "$(echo "$bytes / 1048576" | bc -l)"
done

#!/usr/bin/env bash
# Runs one benchmark program (bench/src/main/java) from the repo root, for the other bench/*.sh scripts:
#   bash bench/java.sh <main class> [its arguments...]
# It first builds what the programs read (mvn package -pl bench -am: the onnx-ops library in onnx-ops/target, the
# plugin zip and the bundled models' files in target/, the node distribution in target/es-distribution), then runs
# java on the bench module's classpath (bench/target/classpath.txt, written by that package). No CUDA is compiled.
#   JAVA_OPTS   JVM options (e.g. -Xmx8g)        LONGDOC_BUILD=0   skip the build (run what is built)
#   MVN_OPTS    more options for that mvn (e.g. -o)
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/java-home.sh
main=$1
shift
if [ "${LONGDOC_BUILD:-1}" != 0 ]; then
  read -r -a mvn_opts <<< "${MVN_OPTS:-}"
  mvn -B -q -ntp -Dlongdoc.cuda=OFF "${mvn_opts[@]}" -pl bench -am package -DskipTests
fi
# The classpath goes in an argument file: ONNX Runtime 1.29's telemetry reads /proc/self/cmdline with a regex that
# overflows a Java thread's stack past ~3.9 KB (docs/ARCHITECTURE.md, "Running inside Elasticsearch"), and it is off
# here as the plugin turns it off inside Elasticsearch.
export ORT_DISABLE_TELEMETRY=${ORT_DISABLE_TELEMETRY:-1}
printf -- '-cp "%s"\n' "bench/target/classes:$(cat bench/target/classpath.txt)" > bench/target/java-classpath.args
read -r -a java_opts <<< "${JAVA_OPTS:-}"
exec "$JAVA_HOME/bin/java" "${java_opts[@]}" -Dai.djl.offline=true @bench/target/java-classpath.args "$main" "$@"

#!/usr/bin/env bash
# Where the fused encoder's time goes, per ONNX op type, at 512 / 4k / 16k tokens in fp32 and int8 (ONNX Runtime's
# profiler; issue 16 part 2). Writes DIR/op-profile.md. Options (io.longdoc.bench.OpProfileBench):
#   bash bench/op-profile.sh [--lengths 512,4096,16384] [--precisions fp32,int8] [--runs 3] [--threads N] [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/java-home.sh
mvn -B -q -ntp -Dlongdoc.cuda=OFF test-compile
mvn -B -q -ntp exec:java -Dexec.mainClass=io.longdoc.bench.OpProfileBench -Dexec.classpathScope=test \
  -Dexec.args="$*" -Dexec.cleanupDaemonThreads=false

#!/usr/bin/env bash
# The default model at 512 … 16k tokens: dense vs sliding window (standard ONNX ops) vs the original on 512-token
# chunks; prints a table and writes bench/results/encoder-lengths.{md,json}. Arguments pass through, e.g.
#   bash bench/encoder-lengths.sh --lengths 512,1024,2048 --runs 3
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/java-home.sh
# large blocks are mmapped and unmapped on free, so the resident-set high-water mark shows each run's working memory
export MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=131072
mvn -B -q -ntp test-compile
mvn -B -q -ntp exec:java -Dexec.mainClass=io.longdoc.bench.EncoderLengthBench -Dexec.classpathScope=test \
  -Dexec.args="$*" -Dexec.cleanupDaemonThreads=false

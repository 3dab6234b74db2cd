#!/usr/bin/env bash
# The two ways of writing an int8 GEMM in ONNX (com.microsoft.DynamicQuantizeMatMul, and DynamicQuantizeLinear →
# MatMulInteger → Cast → Mul → Add) timed side by side on the default model's fused graph, beside fp32; the builder
# uses the faster (io.longdoc.graph.QuantizedLinear). Options: [--lengths 512,4096] [--runs 5] [--threads N]
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/java-home.sh
mvn -B -q -ntp -Dlongdoc.cuda=OFF test-compile
mvn -B -q -ntp exec:java -Dexec.mainClass=io.longdoc.graph.Int8FormsBench -Dexec.classpathScope=test \
  -Dexec.args="$*" -Dexec.cleanupDaemonThreads=false

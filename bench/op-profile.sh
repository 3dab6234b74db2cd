#!/usr/bin/env bash
# Where the fused encoder's time goes, per ONNX op type, at 512 / 4k / 16k tokens in fp32 and int8 (ONNX Runtime's
# profiler; issue 16 part 2). Writes DIR/op-profile.md. Options (io.longdoc.bench.OpProfileBench):
#   bash bench/op-profile.sh [--lengths 512,4096,16384] [--precisions fp32,int8] [--runs 3] [--threads N] [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash bench/java.sh io.longdoc.bench.OpProfileBench "$@"

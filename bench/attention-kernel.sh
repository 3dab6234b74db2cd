#!/usr/bin/env bash
# The fused longdoc.SparseAttention op alone (one-node model; 12 heads × head dim 32, window 256 each side, [CLS] global)
# next to ONNX Runtime's dense MatMul of a comparable size, same process and threads: ms, GFLOP/s and op ÷ GEMM at
# n = 1024, 4096, 16384; prints a table and writes bench/results/attention-kernel.{md,json}. Needs the onnx-ops
# library (onnx-ops/target/liblongdoc_ops.so, built by Maven). Arguments pass through, e.g.
#   bash bench/attention-kernel.sh --lengths 1024,4096 --runs 5 --head-dim 64
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash bench/java.sh io.longdoc.bench.AttentionKernelBench "$@"

#!/usr/bin/env bash
# The two ways of writing an int8 GEMM in ONNX (com.microsoft.DynamicQuantizeMatMul, and DynamicQuantizeLinear →
# MatMulInteger → Cast → Mul → Add) timed side by side on the default model's fused graph, beside fp32; the builder
# uses the faster (io.longdoc.graph.QuantizedLinear). Options: [--lengths 512,4096] [--runs 5] [--threads N]
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash bench/java.sh io.longdoc.graph.Int8FormsBench "$@"

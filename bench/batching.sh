#!/usr/bin/env bash
# Short documents one per run vs. as one padded batch through the default model (fused kernel and standard ops):
# ms/doc, the ratio and a padding parity check; prints a table and writes bench/results/batching-table.md (the
# reading of it is in bench/results/batching.md). Arguments pass through, e.g.
#   bash bench/batching.sh --lengths 64,128 --batches 32 --runs 3
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash bench/java.sh io.longdoc.bench.BatchingBench "$@"

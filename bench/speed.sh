#!/usr/bin/env bash
# The speed harness of docs/EVAL.md ("Speed") in one command: the encoder table (dense, sparse-std, sparse-fused,
# chunk-512 at 512 … 16k tokens, fp32 and int8 GEMMs: ms/doc, tokens/s, peak memory, ratios), the attention kernel's GFLOP/s beside ORT's
# MatMul, and end to end through a real Elasticsearch node (bulk ingest, long_doc_qa latency); writes
# DIR/speed.json, DIR/speed.md and DIR/speed.png. Options (defaults in bench/src/main/java/io/longdoc/bench/SpeedSettings.java):
#   bash bench/speed.sh --out DIR [--lengths 512,1024,2048,4096,8192,16384] [--runs 5] [--skip encoder,kernel,es]
#     [--corpus bench/data/sotu.jsonl.gz] [--max-dense-gb 8] [--max-run-seconds 120] [--es-docs 20] [--qa-queries 20]
#     [--es-shards 1 (the index's primaries)] [--qa-compare-reuse true (long_doc_qa timed with and without longdoc.qa.reuse_reads, alternating)]
#     [--precisions fp32,int8] [--interleave true (variants timed round-robin: ratios that hold on a busy machine, no peak memory)]
# The full run takes a long time on a small machine; each step prints progress lines.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/java-home.sh
# large blocks are mmapped and unmapped on free, so the resident-set high-water mark shows each run's working memory
export MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=131072
export LONGDOC_SPEED_COMMAND="bash bench/speed.sh $*"

# the end-to-end steps install the plugin zip into the integ-test-zip distribution, as the integration tests do
exec bash bench/java.sh io.longdoc.bench.SpeedHarness "$@"

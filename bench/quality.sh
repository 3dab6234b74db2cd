#!/usr/bin/env bash
# The quality harness of docs/EVAL.md ("Quality tasks", "Methods") in one command: passkey and needle at each
# length, deep-section over a corpus with sections; bm25 / bm25-english / truncate-512 / chunk-512 / semantic-text /
# hybrid-rrf / sections-alone / longdoc-doc / longdoc-sections /
# longdoc-qa on the same sets; writes DIR/quality.json and DIR/quality.md. Any JSONL corpus of the docs/EVAL.md shape,
# plain (.jsonl) or gzipped (.jsonl.gz):
#   bash bench/quality.sh --corpus bench/data/sotu.jsonl.gz --deep-corpus bench/data/pydocs.jsonl.gz --out DIR \
#     [--lengths 1024,2048,4096,8192,16384] [--tasks passkey,needle,deep-section] [--candidates 100] [--queries 50] \
#     [--deep-queries 0 (= all)] [--seed N] [--model bge-small-en-v1.5] [--methods m1,m2 (default: all ten)]
#     [--signals DIR (also write each set's reader signals for bench/reader-levers.py; dev corpora only)]
#     [--section-breaks headings | sentences (the long_doc pipeline's section_breaks; default: the processor's)]
#     [--qa key=value,... (long_doc_qa options for every question, e.g. score_mode=reader)]
#     [--quantize int8 (every encoder with int8 GEMMs, compile.quantize: int8; compare with an fp32 run of the same options)]
#     [--compile key=value,... (the long model's compile section changed, e.g. positions=interpolate, attention.window=128)]
# Long: the full run encodes ~3M tokens per task with each model on this machine's cores; progress lines show where it is.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash bench/java.sh io.longdoc.eval.QualityHarness "$@"

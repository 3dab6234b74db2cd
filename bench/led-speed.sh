#!/usr/bin/env bash
# What an LED summary costs here: a random-weight checkpoint of allenai/led-base-16384's dimensions (written by
# src/test/python/led/led_synthetic.py --led-base into target/led-base-random, 650 MB), then LedSpeedBench: encoder at
# 4k/16k tokens, decoder ms/token with and without the KV cache, whole summaries of 128/256 tokens greedy and 4 beams.
# Writes bench/results/led-speed-table.md. Needs about 8 GB of memory.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/java-home.sh
[ -f target/led-base-random/model.safetensors ] || python3 src/test/python/led/led_synthetic.py target/led-base-random --led-base
JAVA_OPTS="${JAVA_OPTS:--Xmx8g}" exec bash bench/java.sh io.longdoc.bench.LedSpeedBench "$@"

#!/usr/bin/env bash
# The encoder table alone: step 1 of the speed harness (bench/speed.sh), which replaced this bench. Arguments pass
# through, e.g.
#   bash bench/encoder-lengths.sh --lengths 512,1024,2048 --runs 3 --out DIR
exec bash "$(dirname "$0")/speed.sh" --skip kernel,es "$@"

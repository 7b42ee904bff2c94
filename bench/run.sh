#!/usr/bin/env bash
# Runs the benchmarks (not part of the test suite: timings are never tests).
#   bash bench/run.sh [BUILD_DIR]
# Prints throughput at 1M agents x 30 days (the default scenario, then the full
# model), then memory at 250k and 1M agents to show that memory grows linearly
# with the population.
set -eu
BUILD=${1:-build}
B=$BUILD/bench/bench_core
echo "== 1M agents x 30 days, all threads"
"$B" 1000000 30
echo "== 1M agents x 30 days, 1 thread (thread scaling)"
"$B" 1000000 30 1 | grep -E "agent-days/s|peers"
echo "== full model (tests/data/full.yaml: every sensor, rule kind, patrols, trust, reactions), 1M agents x 30 days"
"$B" 1000000 30 0 tests/data/full.yaml
echo "== memory scaling: 250k and 1M agents x 5 days"
for n in 250000 1000000; do "$B" "$n" 5 | grep -E "glasscage bench|peak RSS"; done
echo "== peers: DuckDB (bench/peers.sh)"
bash "$(dirname "$0")/peers.sh" "$BUILD"
echo "== peers: NumPy (bench/numpy_peer.sh)"
bash "$(dirname "$0")/numpy_peer.sh" "$BUILD"

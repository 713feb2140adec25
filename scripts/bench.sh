#!/usr/bin/env bash
# Builds and runs the import benchmarks, each case in its own process (clean peak memory).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build -DSOFIATWIN_BUILD_TESTS=ON -DSOFIATWIN_BUILD_BENCH=ON
for filter in BM_ImportRealSofia BM_ImportDefaultModel BM_RoadTopologyGrid; do
  ./build/bench/bench_import --benchmark_filter="$filter" 2>&1 | grep -E "^BM_|^Run on|CPU"
done
# Traffic assignment: whole-process time to gap 1e-4/1e-6/1e-8 and peak memory, 1 and 2 threads.
for case in chicago chicago2x berlin; do
  for threads in 1 2; do ./build/bench/bench_assignment "$case" "$threads" || true; done
done

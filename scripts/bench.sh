#!/usr/bin/env bash
# Builds and runs the benchmarks, each case in its own process (clean peak memory).
# Usage: scripts/bench.sh [import] [assignment] [water]   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(import assignment water)
wanted() { [[ " ${parts[*]} " == *" $1 "* ]]; }
bash scripts/setup.sh
bash scripts/build.sh build -DSOFIATWIN_BUILD_TESTS=ON -DSOFIATWIN_BUILD_BENCH=ON
wanted import && for filter in BM_ImportRealSofia BM_ImportDefaultModel BM_RoadTopologyGrid; do
  ./build/bench/bench_import --benchmark_filter="$filter" 2>&1 | grep -E "^BM_|^Run on|CPU"
done
# Traffic assignment: whole-process time to gap 1e-4/1e-6/1e-8 and peak memory, 1 and 2 threads,
# five processes each and their median (as the reference timings in ../shared/data are taken).
median_of_five() {  # $1 = runs, one bench_assignment line each; $2 = field number
  echo "$1" | awk -v f="$2" '{print $f}' | sort -g | sed -n 3p
}
wanted assignment && for case in chicago chicago2x berlin; do
  for threads in 1 2; do
    runs=$(for _ in 1 2 3 4 5; do ./build/bench/bench_assignment "$case" "$threads" || true; done)
    echo "$runs"
    printf '%-10s threads %d  median of 5: to 1e-4 %s s, to 1e-6 %s s, to 1e-8 %s s, peak %s MB\n' "$case" "$threads" \
      "$(median_of_five "$runs" 6)" "$(median_of_five "$runs" 10)" "$(median_of_five "$runs" 14)" "$(median_of_five "$runs" 19)"
  done
done
# Water: extended-period simulation (reading and reports apart; each process the best of three
# runs), 1 and 2 threads in turn, three processes each (the machine's speed drifts: taking turns
# keeps the comparison fair), their median beside EPANET 2.3.5's time from ../shared/data/water/anchors.
median_of_three() {  # $1 = bench_water lines; prints the median simulate time and ms/iteration
  echo "$1" | awk 'NF {print $10, $16}' | tr -d '(' | sort -g | sed -n 2p
}
wanted water && for case in PacificCity BWSN_Network_2 Net6 MICROPOLIS_v1 Richmond_standard exnet-3 ky8 grid:32 grid:100 grid:224 grid:317 \
            tile:BWSN_Network_2:1 tile:BWSN_Network_2:4 tile:BWSN_Network_2:8 tile:PacificCity:6 tile:PacificCity:12; do
  one="" two=""
  for _ in 1 2 3; do
    one+="$(./build/bench/bench_water "$case" 1 || true)"$'\n'
    two+="$(./build/bench/bench_water "$case" 2 || true)"$'\n'
  done
  printf '%s%s' "$one" "$two"
  read -r t1 i1 <<<"$(median_of_three "$one")"
  read -r t2 i2 <<<"$(median_of_three "$two")"
  printf '%-22s median of 3: 1 thread %s s (%s ms/iteration), 2 threads %s s (%s ms/iteration)\n' "$case" "$t1" "$i1" "$t2" "$i2"
done
exit 0

#!/usr/bin/env bash
# Builds and runs the benchmarks, each case in its own process (clean peak memory).
# Usage: scripts/bench.sh [import] [assignment] [water] [transport]   (default: all of them)
set -euo pipefail
cd "$(dirname "$0")/.."
parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(import assignment water transport)
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
# The transport model (zones, demand by purpose and period, four assignments to 1e-6, transit
# loads), whole process from reading the twin to the written results, 1 and 2 threads in turn,
# three processes each: the median wall time and the peak memory.
if wanted transport; then
  D=../shared/data/sofia
  ./build/app/sofiatwin import --out build/bench-default.gpkg >/dev/null 2>&1
  ./build/app/sofiatwin import --districts $D/admin/sofia_admin.gpkg:districts --neighbourhoods $D/admin/sofia.kvartali.json \
    --gtfs $D/transit/sofia_gtfs_20260419.zip --population $D/population/ghs_pop_2020_sofia_120m_mollweide.tif \
    --roads $D/osm_center/sofia_center_osm.gpkg:roads --buildings $D/osm_center/sofia_center_osm.gpkg:buildings \
    --dem $D/osm_center/vitosha_dem.tif --out build/bench-real.gpkg >/dev/null 2>&1
  for twin in default real; do
    declare -A wall=() memory=()
    for _ in 1 2 3; do
      for threads in 1 2; do
        line=$(/usr/bin/time -f "%e %M" ./build/app/sofiatwin --threads "$threads" transport "build/bench-$twin.gpkg" \
               --out "build/bench-transport-$twin" 2>&1 >/dev/null | tail -n 1)
        wall[$threads]+="${line% *} "
        memory[$threads]+="${line#* } "
      done
    done
    for threads in 1 2; do
      median=$(tr ' ' '\n' <<<"${wall[$threads]}" | grep . | sort -g | sed -n 2p)
      peak=$(tr ' ' '\n' <<<"${memory[$threads]}" | grep . | sort -g | tail -n 1)
      printf 'transport %-8s threads %d  runs %s s, median %s s, peak %d MB\n' "$twin" "$threads" "${wall[$threads]}" "$median" $((peak / 1024))
    done
    unset wall memory
  done
fi
exit 0

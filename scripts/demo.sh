#!/usr/bin/env bash
# Sets up, builds, and runs the main job on the embedded default Sofia model: import it into a twin
# GeoPackage, print its summary, then run the transport chain (demand, mode split, road assignment,
# transit loads) into build/results/transport and the day of its water network (hourly
# hydraulic solutions, EPANET-style CSV) into build/results/water.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build -DSOFIATWIN_BUILD_TESTS=OFF -DSOFIATWIN_BUILD_BENCH=OFF
./build/app/sofiatwin import --out build/sofia-default.gpkg >/dev/null
./build/app/sofiatwin info build/sofia-default.gpkg
./build/app/sofiatwin transport build/sofia-default.gpkg --params scenarios/sofia/transport.yaml --out build/results/transport
./build/app/sofiatwin hydraulics build/sofia-default.gpkg --report-dir build/results/water

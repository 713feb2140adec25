#!/usr/bin/env bash
# Sets up, builds, and runs the main job on the embedded default Sofia model:
# import into a twin GeoPackage, then print its summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build -DSOFIATWIN_BUILD_TESTS=OFF -DSOFIATWIN_BUILD_BENCH=OFF
./build/app/sofiatwin import --out build/sofia-default.gpkg >/dev/null
./build/app/sofiatwin info build/sofia-default.gpkg

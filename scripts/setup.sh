#!/usr/bin/env bash
# Installs every Debian 12 package sofiatwin needs (idempotent; apt-get runs only when one is missing).
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libgdal-dev gdal-bin        # GDAL 3.6 (vector/raster I/O, GeoPackage, OSM, CSV, GeoTIFF) + ogrinfo for tests
  libproj-dev proj-data       # PROJ 9.1 (reprojection into EPSG:7801)
  libtbb-dev                  # oneTBB 2021.8 (parallel simulation)
  libopenscenegraph-dev       # OpenSceneGraph 3.6.5 (3D rendering)
  libcli11-dev                # command line
  libyaml-cpp-dev             # parameter and scenario files
  nlohmann-json3-dev          # kpis.json, cba.json, manifest.json
  libeigen3-dev               # sparse LDL^T for water hydraulics
  libssl-dev                  # SHA-256 of import sources (OpenSSL EVP)
  libgtest-dev libgmock-dev   # GoogleTest
  libbenchmark-dev            # Google Benchmark
)
# Node.js runs EPANET 2.3.5 itself (npm epanet-js, WebAssembly) as a test oracle (tests/oracle).
# Debian's nodejs and npm are installed only when no node/npm is on the PATH (a NodeSource nodejs,
# which bundles npm, would conflict with Debian's npm package).
NODE_PACKAGES=(nodejs npm)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=("${NODE_PACKAGES[@]}"); fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite (ctest + GoogleTest), then runs it again under
# AddressSanitizer + UndefinedBehaviorSanitizer (skip that pass with SOFIATWIN_SKIP_SANITIZE=1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# EPANET 2.3.5 for the oracle tests, at the version and checksum in tests/oracle/package-lock.json
if ! cmp -s tests/oracle/package-lock.json tests/oracle/node_modules/.sofiatwin-installed; then
  npm ci --prefix tests/oracle --no-audit --no-fund
  cp tests/oracle/package-lock.json tests/oracle/node_modules/.sofiatwin-installed
fi
bash scripts/build.sh build -DSOFIATWIN_WERROR=ON -DSOFIATWIN_BUILD_TESTS=ON -DSOFIATWIN_BUILD_BENCH=ON
ctest --test-dir build --output-on-failure -j 2
if [ "${SOFIATWIN_SKIP_SANITIZE:-0}" != "1" ]; then
  bash scripts/build.sh build-asan -DSOFIATWIN_WERROR=ON -DSOFIATWIN_SANITIZE=ON -DSOFIATWIN_BUILD_TESTS=ON -DSOFIATWIN_BUILD_BENCH=OFF
  ctest --test-dir build-asan --output-on-failure -j 2
fi

#!/usr/bin/env bash
# Configures and builds into $1 (default build/) with extra CMake arguments after it.
set -euo pipefail
dir="${1:-build}"; shift || true
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$dir" --parallel "$(nproc)"

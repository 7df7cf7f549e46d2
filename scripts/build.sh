#!/usr/bin/env bash
# Configures and builds webvox into build/ (Release with debug info).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${WEBVOX_BUILD_DIR:-build}
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
fi
cmake --build "$build_dir" --parallel "$(nproc)"

#!/usr/bin/env bash
# Configures and builds webvox into build/ (Release with debug info).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${WEBVOX_BUILD_DIR:-build}
# ccache, where installed, makes rebuilds in several checkouts cheap; CI does not need it.
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" "$@"
fi
cmake --build "$build_dir" --parallel "$(nproc)"

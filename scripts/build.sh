#!/usr/bin/env bash
# Configures and builds webvox into build/ (or WEBVOX_BUILD_DIR), Release with debug info.
#   scripts/build.sh [CMAKE_OPTION]... [TARGET]...
# By default the tree is webvoxd and the libraries it is made of, which need only what
# scripts/install-deps.sh installs. The tests, the benchmarks and the load generator need the
# test packages (scripts/install-deps.sh --test) and come with -DWEBVOX_TESTS=ON and
# -DWEBVOX_BENCH=ON. Words starting with - are CMake options: they configure the build
# directory the first time and again whenever given (CMake keeps them for later runs). The
# other words are targets to build; without any, everything configured is built.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${WEBVOX_BUILD_DIR:-build}
options=()
targets=()
for arg in "$@"; do
  if [[ $arg == -* ]]; then options+=("$arg"); else targets+=("$arg"); fi
done
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  # ccache, where installed, makes rebuilds in several checkouts cheap; CI does not need it.
  launcher=()
  if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" "${options[@]}"
elif ((${#options[@]} > 0)); then
  cmake -S . -B "$build_dir" "${options[@]}"
fi
target_args=()
if ((${#targets[@]} > 0)); then target_args=(--target "${targets[@]}"); fi
cmake --build "$build_dir" --parallel "$(nproc)" "${target_args[@]}"

#!/usr/bin/env bash
# Command 2 of the README: install what is missing, build, and run the whole test suite:
# unit, integration and browser tests, all under AddressSanitizer + UBSan (leaks and memory
# errors fail them); then short fuzzing runs.
# Each stage prints how long it took, so a slow CI run shows where the time went.
set -euo pipefail
cd "$(dirname "$0")/.."

stage_start=$SECONDS
stage_done() {
  echo "test.sh: $1 took $((SECONDS - stage_start)) s (total $SECONDS s)"
  stage_start=$SECONDS
}

scripts/install-deps.sh --test
stage_done "installing dependencies"

# One build for everything: clang with AddressSanitizer + UBSan, and the libFuzzer targets.
# Every test (the browser tests too) runs against sanitized code, and CI compiles the tree once
# instead of three times (plain, sanitized, fuzz). scripts/build.sh's plain build/ is what
# the README's first command runs; the benchmarks build here so they cannot rot.
build_dir=${WEBVOX_CI_BUILD_DIR:-build-ci}
CC=clang CXX=clang++ WEBVOX_BUILD_DIR="$build_dir" scripts/build.sh -DWEBVOX_SANITIZE=ON -DWEBVOX_FUZZ=ON
stage_done "build (clang, sanitizers, fuzz targets)"

ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --test-dir "$build_dir" --output-on-failure --timeout 600 -j "$(nproc)"
stage_done "tests under sanitizers"

WEBVOX_FUZZ_BUILD_DIR="$build_dir" scripts/fuzz.sh smoke
stage_done "fuzz smoke"

#!/usr/bin/env bash
# Command 2 of the README: install what is missing, build, and run the whole test suite:
# unit, integration and browser tests; the same unit and integration tests again under
# AddressSanitizer + UBSan (leaks and memory errors fail them); short fuzzing runs.
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

scripts/build.sh
stage_done "build"
ctest --test-dir build --output-on-failure --timeout 600 -j "$(nproc)"
stage_done "tests"

WEBVOX_BUILD_DIR=build-asan scripts/build.sh -DWEBVOX_SANITIZE=ON -DWEBVOX_BENCH=OFF
stage_done "sanitizer build"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure --timeout 600 -j "$(nproc)" -E '^browser\.'
stage_done "tests under sanitizers"

scripts/fuzz.sh smoke
stage_done "fuzz smoke"

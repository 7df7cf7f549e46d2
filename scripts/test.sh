#!/usr/bin/env bash
# Command 2 of the README: install what is missing, build, and run the whole test suite:
# unit, integration and browser tests; the same unit and integration tests again under
# AddressSanitizer + UBSan (leaks and memory errors fail them); short fuzzing runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh
ctest --test-dir build --output-on-failure --timeout 600 -j "$(nproc)"

WEBVOX_BUILD_DIR=build-asan scripts/build.sh -DWEBVOX_SANITIZE=ON -DWEBVOX_BENCH=OFF
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure --timeout 600 -j "$(nproc)" -E '^browser\.'

scripts/fuzz.sh smoke

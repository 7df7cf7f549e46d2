#!/usr/bin/env bash
# Command 2 of the README: install what is missing, build, and run the whole test suite
# (unit tests, integration tests against a real webvoxd, short fuzzing runs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh
ctest --test-dir build --output-on-failure --timeout 600 -j "$(nproc)"
scripts/fuzz.sh smoke

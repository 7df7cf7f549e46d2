#!/usr/bin/env bash
# Command 1 of the README: install what building and running webvoxd needs (none of the test
# packages), build webvoxd alone, and run it on its embedded default (SQLite in ./data,
# loopback). Extra arguments go to webvoxd.
# Environment: WEBVOX_DATA_DIR (default data); WEBVOX_BUILD_DIR (default build) and
# WEBVOX_CMAKE_OPTIONS (CMake options for scripts/build.sh, e.g. -DWEBVOX_SANITIZE=ON) choose
# the build. tests/run_path checks, in CI, that this works without the test packages.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build_dir=${WEBVOX_BUILD_DIR:-build}
read -r -a cmake_options <<<"${WEBVOX_CMAKE_OPTIONS:-}"
WEBVOX_BUILD_DIR="$build_dir" scripts/build.sh "${cmake_options[@]}" webvoxd
exec "$build_dir/webvoxd" --data-dir "${WEBVOX_DATA_DIR:-data}" "$@"

#!/usr/bin/env bash
# Command 2 of the README: install what is missing, check that command 1 (scripts/run.sh)
# works without the test packages, build, and run the whole test suite: unit, integration
# and browser tests, all under AddressSanitizer + UBSan (leaks and memory errors fail them);
# then short fuzzing runs. A test that cannot run here (a missing package) fails the run,
# naming the package: nothing is skipped.
# Each stage prints how long it took, so a slow CI run shows where the time went.
set -euo pipefail
cd "$(dirname "$0")/.."

stage_start=$SECONDS
stage_done() {
  echo "test.sh: $1 took $((SECONDS - stage_start)) s (total $SECONDS s)"
  stage_start=$SECONDS
}

if ! scripts/install-deps.sh --test; then
  echo "test.sh: the test suite cannot run without the packages named above (the test packages" \
       "of scripts/install-deps.sh); install them, or run test.sh as root to have them installed." \
       "scripts/run.sh (webvoxd alone) does not need them." >&2
  exit 1
fi
stage_done "installing dependencies"

# The layering of src/ before the build: it needs none, takes a second, and names the
# include that crosses an edge cmake/layers.txt does not allow.
python3 scripts/check_layers.py
stage_done "layer check (includes against cmake/layers.txt)"

# One build for everything: clang with AddressSanitizer + UBSan, and the libFuzzer targets.
# Every test (the browser tests too) runs against sanitized code, and CI compiles the tree once
# instead of three times (plain, sanitized, fuzz). scripts/build.sh's plain build/ is what
# the README's first command runs; the benchmarks build here so they cannot rot.
build_dir=${WEBVOX_CI_BUILD_DIR:-build-ci}
ci_options=(-DWEBVOX_SANITIZE=ON -DWEBVOX_FUZZ=ON)

# Command 1 as a machine without the test packages sees it, on this same build directory (its
# objects are the ones the tests then use): scripts/run.sh with every test package absent
# configures webvoxd alone, builds it, serves, and answers the module's sign-in. clang and its
# sanitizer runtimes stay: they compile this build (scripts/run.sh alone uses g++).
CC=clang CXX=clang++ WEBVOX_BUILD_DIR="$build_dir" WEBVOX_CMAKE_OPTIONS="${ci_options[*]}" \
  python3 tests/run_path/run_path_check.py --keep clang --keep libclang-rt-14-dev
stage_done "command 1 without the test packages (configure, build webvoxd, serve)"

CC=clang CXX=clang++ WEBVOX_BUILD_DIR="$build_dir" \
  scripts/build.sh "${ci_options[@]}" -DWEBVOX_TESTS=ON -DWEBVOX_BENCH=ON
stage_done "build (clang, sanitizers, fuzz targets, tests, benchmarks)"

# Every test runs: a test whose package is missing fails naming it, never skips
# (tests/support/missing_dependency.sh, webvox_harness.missing()). A developer's opt-in to
# skips does not reach this suite, and should anything still report itself skipped, the run
# fails listing it: a green run means every test ran.
if [[ -n ${WEBVOX_ALLOW_SKIP:-} ]]; then
  echo "test.sh: ignoring WEBVOX_ALLOW_SKIP=$WEBVOX_ALLOW_SKIP: the whole suite must run here" >&2
fi
unset WEBVOX_ALLOW_SKIP
ctest_log="$build_dir/ctest-output.log"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --test-dir "$build_dir" --output-on-failure --timeout 600 -j "$(nproc)" | tee "$ctest_log"
if grep -q "The following tests did not run" "$ctest_log"; then
  echo "test.sh: tests were skipped (listed above), so the suite did not run whole: failing" >&2
  exit 1
fi
stage_done "tests under sanitizers"

WEBVOX_FUZZ_BUILD_DIR="$build_dir" scripts/fuzz.sh smoke
stage_done "fuzz smoke"

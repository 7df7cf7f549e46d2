# Sourced by the shell test runners (tests/browser/run.sh, tests/viewer-emulator/run.sh): what a
# test does when something it needs is missing. The same rule as webvox_harness.missing() for
# the Python tests:
#
# A missing package fails the test, naming it: a suite that skipped what it cannot run would
# stay green on a machine (CI above all) where half of it never ran. A developer who wants the
# rest of the suite anyway opts in with WEBVOX_ALLOW_SKIP=1: then it exits 77, which CTest
# reports as skipped (SKIP_RETURN_CODE). scripts/test.sh, what CI runs, never allows it.

# missing_dependency WHAT: WHAT names the command and the Debian package that brings it.
missing_dependency() {
  if [[ ${WEBVOX_ALLOW_SKIP:-} == 1 ]]; then
    echo "SKIP: missing dependency: $1 (WEBVOX_ALLOW_SKIP=1: skipped)" >&2
    exit 77
  fi
  echo "FAIL: missing dependency: $1. Install it (scripts/install-deps.sh --test installs every" \
       "test package), or set WEBVOX_ALLOW_SKIP=1 to skip what cannot run here instead." >&2
  exit 1
}

# require_commands COMMAND=PACKAGE…: each COMMAND (a name on PATH or a path) must be there.
require_commands() {
  local pair
  for pair in "$@"; do
    command -v "${pair%%=*}" >/dev/null 2>&1 || missing_dependency "${pair%%=*} (package ${pair#*=})"
  done
}

#!/usr/bin/env bash
# Runs node tests of the emulator (NAME.test.mjs here) inside a loopback-only network
# namespace. Fails naming the package without chromium, sox or node (or, with
# WEBVOX_ALLOW_SKIP=1, exits 77: skipped), like tests/browser/run.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../support/missing_dependency.sh"
require_commands "${CHROMIUM:-/usr/bin/chromium}=chromium" sox=sox node=nodejs \
  unshare=util-linux ip=iproute2
bash "$here/../browser/ensure-deps.sh"
unshare_args=(-n)
if [[ $(id -u) -ne 0 ]]; then unshare_args=(-r -n); fi
cd "$here"
exec unshare "${unshare_args[@]}" sh -c 'ip link set lo up && exec node --test --test-reporter=spec "$@"' sh "${@:-emulator.test.mjs}"

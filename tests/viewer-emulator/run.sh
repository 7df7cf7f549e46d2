#!/usr/bin/env bash
# Runs node tests of the emulator (NAME.test.mjs here) inside a loopback-only network
# namespace. Exits 77 (CTest: skipped) without chromium or sox, like tests/browser/run.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for tool in "${CHROMIUM:-/usr/bin/chromium}" sox; do
  command -v "$tool" >/dev/null 2>&1 || { echo "run.sh: $tool is missing; skipping" >&2; exit 77; }
done
bash "$here/../browser/ensure-deps.sh"
unshare_args=(-n)
if [[ $(id -u) -ne 0 ]]; then unshare_args=(-r -n); fi
cd "$here"
exec unshare "${unshare_args[@]}" sh -c 'ip link set lo up && exec node --test --test-reporter=spec "$@"' sh "${@:-emulator.test.mjs}"

#!/usr/bin/env bash
# Runs browser tests inside a loopback-only network namespace.
#   bash tests/browser/run.sh [PATH/TO/webvoxd] [NAME.test.mjs…] [extra node --test arguments…]
# webvoxd: first argument, else $WEBVOXD, else <repo>/build/webvoxd. Test files (in this
# folder): the arguments ending in .test.mjs, else voice.test.mjs.
# Needs /usr/bin/chromium (or $CHROMIUM), sox, node ≥ 20 + npm, unshare and ip. Without one of
# them it fails naming the package (or, with WEBVOX_ALLOW_SKIP=1, exits 77: CTest's skipped):
# tests/support/missing_dependency.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

webvoxd=${WEBVOXD:-$here/../../build/webvoxd}
if [[ $# -gt 0 && $1 != -* ]]; then webvoxd=$1; shift; fi
if [[ ! -x $webvoxd ]]; then
  echo "run.sh: webvoxd not found or not executable: $webvoxd" >&2
  exit 2
fi
export WEBVOXD=$(realpath "$webvoxd")

source "$here/../support/missing_dependency.sh"
require_commands "${CHROMIUM:-/usr/bin/chromium}=chromium" sox=sox node=nodejs \
  unshare=util-linux ip=iproute2

bash "$here/ensure-deps.sh"

# The namespace has only a loopback interface: webvoxd, the browsers and any WebRTC traffic
# cannot reach or be reached from anything else. Root gets a plain network namespace; anyone
# else a user namespace that maps them to root inside it.
unshare_args=(-n)
if [[ $(id -u) -ne 0 ]]; then unshare_args=(-r -n); fi
tests=()
node_args=()
for arg in "$@"; do
  if [[ $arg == *.test.mjs ]]; then tests+=("$(basename "$arg")"); else node_args+=("$arg"); fi
done
if [[ ${#tests[@]} -eq 0 ]]; then tests=(voice.test.mjs); fi

cd "$here"
exec unshare "${unshare_args[@]}" sh -c 'ip link set lo up && exec node --test --test-reporter=spec "$@"' sh "${node_args[@]}" "${tests[@]}"

#!/usr/bin/env bash
# Time from WebSocket open to first remote audio for a two-person channel, between two headless
# Chromium instances on loopback, inside a loopback-only network namespace.
#   bash bench/first_audio_bench.sh [PATH/TO/webvoxd] [--rounds 25] [--json out.json] [--processing on]
# webvoxd: first argument, else $WEBVOXD, else <repo>/build/webvoxd. Uses tests/browser's
# playwright-core (installed from its package-lock.json if missing).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

webvoxd=${WEBVOXD:-$repo/build/webvoxd}
if [[ $# -gt 0 && $1 != -* ]]; then webvoxd=$1; shift; fi
if [[ ! -x $webvoxd ]]; then
  echo "first_audio_bench.sh: webvoxd not found or not executable: $webvoxd" >&2
  exit 2
fi
export WEBVOXD=$(realpath "$webvoxd")

bash "$repo/tests/browser/ensure-deps.sh"

unshare_args=(-n)
if [[ $(id -u) -ne 0 ]]; then unshare_args=(-r -n); fi
exec unshare "${unshare_args[@]}" sh -c 'ip link set lo up && exec node "$0" "$@"' "$here/first_audio_bench.mjs" "$@"

#!/usr/bin/env bash
# What viewers get today: emulated SL/Firestorm viewers (tests/viewer-emulator: Chromium with
# the viewer's offer munging, SLData and state machine) behind the os-webrtc-janus addon's
# exact Janus REST sequence (tests/viewer-emulator/simulator.py, [OS] flavour by default),
# against Debian's Janus AudioBridge configured as the addon expects it (HTTP transport with
# api_secret, admin API with admin_secret, rooms created by the addon). The reference the
# webvoxd viewer-voice figures are compared with (README, docs/viewers.md).
#
#   bench/viewer_janus_reference.sh [--rounds 5] [--flavour OS|MB] [--json out.json]
#
# Prints: first remote audio after the provision request (per round, median), L − R for a
# speaker 90° to the listener's left and after the listener turns 180°, the level change from
# 5 m to 20 m, the SLData state, the roster. Needs root (a network namespace with lo and a
# private veth: Janus's ICE never offers loopback), janus (scripts/install-deps.sh --bench),
# chromium, sox, node; exits 1 with the reason when one is missing.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

for tool in janus "${CHROMIUM:-/usr/bin/chromium}" sox node unshare ip; do
  command -v "$tool" >/dev/null 2>&1 || { echo "viewer_janus_reference: $tool is missing (scripts/install-deps.sh --bench)" >&2; exit 1; }
done
[[ $(id -u) -eq 0 ]] || { echo "viewer_janus_reference: needs root for its network namespace" >&2; exit 1; }
bash "$repo/tests/browser/ensure-deps.sh"

tmp=$(mktemp -d /tmp/webvox-viewer-janus.XXXXXX)
cleanup() { if [[ ${KEEP:-0} == 1 ]]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi; }
trap cleanup EXIT

# Janus, Chromium and the simulator share one namespace: lo plus a veth pair with a private
# address (the same kernel-local path as loopback; nothing leaves the machine). Janus runs in
# $tmp, so its files (and any core dump) stay there.
cd "$tmp"
unshare -n env TMPDIR="$tmp" lib="$here/bench_lib.sh" bash -c '
  set -e
  source "$lib"
  bench_namespace_links
  exec nice -n 5 /usr/bin/python3 "$0" --workdir "$TMPDIR" "$@"
' "$here/viewer_janus_reference.py" "$@"

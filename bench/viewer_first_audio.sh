#!/usr/bin/env bash
# First audio for a viewer behind os-webrtc-janus (issue 11's goal: < 300 ms median from the
# provision request): tests/viewer-emulator/test_viewer_voice.py's scenario — emulated viewers
# in Chromium, the addon's exact JSON-RPC and Janus REST sequences — with ROUNDS reconnections
# per door, against the plain build, in a loopback-only network namespace. Prints the median
# per door and the goal.
#   bench/viewer_first_audio.sh [ROUNDS]          (default 25; root, Chromium, node, sox)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-25}
webvoxd=${WEBVOXD:-build/webvoxd}
[[ -x $webvoxd ]] || { echo "viewer_first_audio: $webvoxd missing: run scripts/build.sh" >&2; exit 1; }
out=$(mktemp /tmp/webvox-first-audio.XXXXXX)
trap 'rm -f "$out"' EXIT
WEBVOX_FIRST_AUDIO_ROUNDS=$rounds WEBVOX_FIRST_AUDIO_JSON=$out \
  /usr/bin/python3 tests/viewer-emulator/test_viewer_voice.py --webvoxd "$webvoxd" \
  Door.test_1_jsonrpc Door.test_2_janus >/dev/null
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
for line in open(sys.argv[1]):
    row = json.loads(line)
    t = sorted(row["first_audio_ms"])
    print("%-8s first audio from the provision request: median %.0f ms, min %.0f, max %.0f, "
          "n=%d (goal: median < 300 ms)" % (row["door"], statistics.median(t), t[0], t[-1], len(t)))
PY

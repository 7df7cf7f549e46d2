#!/usr/bin/env bash
# Viewer voice under load, side by side with Janus AudioBridge: tools/webvox-load --mode viewer
# opens N simulated SL viewers (the viewer's munged offer, SLData where the server keeps it)
# provisioned as os-webrtc-janus provisions them, M of them speaking real Opus (a coded tone
# each), and every viewer judges the mix it receives frame by frame against the server's own
# RTP clock (tools/webvox-load/mix_reception.hpp): late = more than LATE_MS behind the best
# the stream did in the preceding 2 s, lost = a due audio frame that never came, and the
# mix's clock rate against real time. The server runs pinned to SERVER_CPU, the load
# generator to CLIENT_CPU; the server is restarted for every run.
#
#   webvoxd:  its JSON-RPC door (WebRtcVoiceServiceConnector's requests); per-listener
#             spatial mixes.
#   janus:    Debian's Janus 1.1 with AudioBridge, configured as the addon's deployments
#             (bench/janus_config.py), rooms created by the addon's own requests (spatial_audio
#             true, sampling_rate 48000, its room number and description), one Janus session,
#             handle and long poll per viewer; one room-wide mix.
#
# For each target and layout, N grows through NS until a run breaks the bound (late or lost
# frames ≥ 1 % of those due, a mix clock off real time by more than 0.5 %, or a session that
# did not connect), the server's core saturates
# (≥ SATURATED %), or the load generator's own core does (≥ CLIENT_LIMIT %: the figures would
# be the client's); later steps are skipped. Then a table, and participants per core:
#   held    = the largest N whose run kept late + lost < 1 % (and every session connected)
#   per core = held × 100 / (its server CPU %), but never more than the smallest N that broke
#              the bound (the linear extrapolation is capped by what was measured to fail)
#
#   bench/viewer_mix_bench.sh                    # both targets, both layouts: a few minutes
#   TARGETS=webvoxd LAYOUTS=crowded NS="25 50" bench/viewer_mix_bench.sh
#
# Environment (defaults):
#   TARGETS="webvoxd janus"  LAYOUTS="crowded spread"
#   NS="25 50 100 150 200 300 400"   sessions per step
#   SPEAKERS=3               crowded: M speaking at once, everyone in range of everyone
#   GROUP_SIZE=8 SPEAKERS_PER_GROUP=1   spread: groups 100 m apart (beyond the 60 m range),
#                            each hearing only its own speaker(s)
#   WARMUP=3 SECONDS_MEASURED=8 LATE_MS=60 BITRATE=32000
#   SATURATED=95 CLIENT_LIMIT=90
#   REFINE=2                 halvings of the gap between the last N held and the first broken
#                            (to the nearest 10) once the ramp stops
#   QUIET_BUSY=10 QUIET_WAIT=900   a step starts once the machine (both cores, over 2 s) is no
#                            more than QUIET_BUSY % busy, or after QUIET_WAIT s of waiting
#   INTERFERENCE=10 RETRIES=2      a run in which other processes took more than INTERFERENCE %
#                            of the server's or the load generator's core (or steal time did)
#                            measured the neighbours too: it is run again, up to RETRIES times
#   WEBVOXD=build/webvoxd  LOAD=build/tools/webvox-load/webvox-load
#   SERVER_CPU=0 CLIENT_CPU=1   KEEP=1 keeps the temporary folder (logs, JSON results)
#   DELAY_PAIRS=4            webvoxd: pairs beside the layout (not counted in N) whose
#                            listener hears one speaker talk in spurts: first packet sent →
#                            first mixed frame received is the mixer's delay seen from outside
#   STATS_PATH=/admin/viewer-voice   webvoxd: its own mix_delay_p50_ms/p99_ms (admin Basic auth)
# Janus needs root (a network namespace of its own: its ICE never offers loopback) and
# scripts/install-deps.sh --bench.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=${TARGETS:-webvoxd janus}
LAYOUTS=${LAYOUTS:-crowded spread}
NS=${NS:-25 50 100 150 200 300 400}
SPEAKERS=${SPEAKERS:-3}
GROUP_SIZE=${GROUP_SIZE:-8}
SPEAKERS_PER_GROUP=${SPEAKERS_PER_GROUP:-1}
WARMUP=${WARMUP:-3}
SECONDS_MEASURED=${SECONDS_MEASURED:-8}
LATE_MS=${LATE_MS:-60}
BITRATE=${BITRATE:-32000}
SATURATED=${SATURATED:-95}
CLIENT_LIMIT=${CLIENT_LIMIT:-90}
WEBVOXD=${WEBVOXD:-build/webvoxd}
LOAD=${LOAD:-build/tools/webvox-load/webvox-load}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
DELAY_PAIRS=${DELAY_PAIRS:-4}
REFINE=${REFINE:-2}
QUIET_BUSY=${QUIET_BUSY:-10}
QUIET_WAIT=${QUIET_WAIT:-900}
INTERFERENCE=${INTERFERENCE:-10}
RETRIES=${RETRIES:-2}
STATS_PATH=${STATS_PATH:-/admin/viewer-voice}
PYTHON=${PYTHON:-/usr/bin/python3}
ADMIN_PASSWORD=bench-admin-password
VOICE_SECRET=bench-viewer-voice-$RANDOM$RANDOM
JANUS_API_SECRET=bench-janus-api-$RANDOM$RANDOM
JANUS_ADMIN_SECRET=bench-janus-admin-$RANDOM$RANDOM

for binary in "$WEBVOXD" "$LOAD"; do
  [[ -x $binary ]] || { echo "viewer_mix_bench: $binary missing: run scripts/build.sh" >&2; exit 1; }
done
if [[ " $TARGETS " == *" janus "* ]]; then
  command -v janus >/dev/null || { echo "viewer_mix_bench: janus missing: scripts/install-deps.sh --bench" >&2; exit 1; }
  [[ $(id -u) -eq 0 ]] || { echo "viewer_mix_bench: Janus's runs need root (a network namespace)" >&2; exit 1; }
fi
WEBVOXD=$(realpath "$WEBVOXD")
LOAD=$(realpath "$LOAD")
repo=$(pwd)

source bench/bench_lib.sh
bench_lib=$(realpath bench/bench_lib.sh)  # for shells started in other folders
tmp=$(mktemp -d /tmp/webvox-viewer-mix.XXXXXX)
server_pid=
trap bench_cleanup EXIT

# The load generator's arguments common to both targets.
load_args() {
  local layout=$1 n=$2
  echo --mode viewer --sessions "$n" --layout "$layout" --speakers "$SPEAKERS" --group-size "$GROUP_SIZE" \
    --speakers-per-group "$SPEAKERS_PER_GROUP" --bitrate "$BITRATE" --late-ms "$LATE_MS" \
    --warmup "$WARMUP" --seconds "$SECONDS_MEASURED" --connect-timeout 60 \
    --server-cpu "${SERVER_CPU%%[,-]*}" --client-cpu "${CLIENT_CPU%%[,-]*}"
}

# webvoxd with its viewer-voice doors on (settings from the environment, so they stay out of
# `ps`), on a free port, pinned; sets server_pid and port.
start_webvoxd() {
  local run=$1
  mkdir -p "$tmp/$run"
  WEBVOX_VIEWER_VOICE_SECRET=$VOICE_SECRET WEBVOX_JANUS_API_SECRET=$JANUS_API_SECRET \
  WEBVOX_JANUS_ADMIN_SECRET=$JANUS_ADMIN_SECRET \
    taskset -c "$SERVER_CPU" "$WEBVOXD" --data-dir "$tmp/$run/data" --listen 127.0.0.1:0 \
      --admin-user admin --admin-password "$ADMIN_PASSWORD" --threads 1 --log-level warn \
      >"$tmp/$run/stdout" 2>"$tmp/$run/stderr" &
  server_pid=$!
  bench_wait_listening "$tmp/$run/stdout" && return 0
  echo "viewer_mix_bench: webvoxd did not start:" >&2
  cat "$tmp/$run/stderr" >&2
  exit 1
}

run_webvoxd() {
  local layout=$1 n=$2 run="webvoxd-$1-$2"
  start_webvoxd "$run"
  local stats=()
  [[ -n $STATS_PATH ]] && stats=(--stats-path "$STATS_PATH" --stats-credentials "admin:$ADMIN_PASSWORD")
  # shellcheck disable=SC2046
  taskset -c "$CLIENT_CPU" "$LOAD" $(load_args "$layout" "$n") --target webvoxd --door jsonrpc \
      --server "127.0.0.1:$port" --voice-rpc-path "/viewer-voice/$VOICE_SECRET" --delay-pairs "$DELAY_PAIRS" \
      --server-pid "$server_pid" "${stats[@]}" --json "$tmp/$run.json" \
    || echo "viewer_mix_bench: $run: not every session connected" >&2
  bench_stop_server
}

# Janus and the load generator share a network namespace (bench_namespace_links): nothing
# leaves the machine. Janus runs in its own folder (a crash leaves its core dump there).
run_janus() {
  local layout=$1 n=$2 run="janus-$1-$2" http_port=${JANUS_PORT:-18088} admin_port=${JANUS_ADMIN_PORT:-17088}
  mkdir -p "$tmp/$run"
  "$PYTHON" bench/janus_config.py --folder "$tmp/$run/config" --http-port "$http_port" \
      --admin-port "$admin_port" --api-secret "$JANUS_API_SECRET" --admin-secret "$JANUS_ADMIN_SECRET" \
      --debug-level 2
  (cd "$tmp/$run" && unshare -n env lib="$bench_lib" dir="$tmp/$run" http_port="$http_port" SERVER_CPU="$SERVER_CPU" \
      CLIENT_CPU="$CLIENT_CPU" LOAD="$LOAD" ARGS="$(load_args "$layout" "$n")" SECRET="$JANUS_API_SECRET" bash -c '
    set -e
    source "$lib"
    bench_namespace_links
    bench_start_janus "$dir" "$http_port"
    taskset -c "$CLIENT_CPU" "$LOAD" $ARGS --target janus --server "127.0.0.1:$http_port" --bind 10.255.0.1 \
        --janus-api-secret "$SECRET" --server-pid "$janus_pid" --json "$dir.json" \
      || echo "viewer_mix_bench: janus: not every session connected" >&2
    kill "$janus_pid"
    wait "$janus_pid" || true
  ' >&2)
}

# "stop" when this run ends the ramp (the bound broke, or a core saturated).
verdict() {
  "$PYTHON" - "$1" "$SATURATED" "$CLIENT_LIMIT" <<'PY'
import json, sys
path, saturated, client_limit = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
try:
    r = json.load(open(path))
except (OSError, ValueError):
    print("stop"); sys.exit()
rate = r.get("mix_clock_rate", {}).get("median", 1.0)
broke = r["ready"] < r["sessions"] or r["frames"]["late_or_lost_fraction"] >= 0.01 or abs(rate - 1) > 0.005
hot = r.get("server", {}).get("cpu_percent", 0) >= saturated or r.get("client_cpu_percent", 0) >= client_limit
print("stop" if broke or hot else "go")
PY
}

echo "viewer_mix_bench: $(uptime)" >&2
# How busy the whole machine is (both cores, user + system + interrupts + steal), in percent,
# over the next 2 s.
machine_busy() {
  "$PYTHON" - <<'PY'
import time
def sample():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return sum(v) - v[3] - v[4], sum(v)
b1, t1 = sample(); time.sleep(2); b2, t2 = sample()
print(int(round(100 * (b2 - b1) / max(t2 - t1, 1))))
PY
}

# Waits until the machine is quiet (QUIET_BUSY), QUIET_WAIT s at most; sets $busy.
wait_quiet() {
  local waited=0
  while :; do
    busy=$(machine_busy)
    (( busy <= QUIET_BUSY || waited >= QUIET_WAIT )) && return
    sleep 8
    waited=$((waited + 10))
  done
}

# Whether other processes (or the hypervisor) took more than INTERFERENCE % of either core.
disturbed() {
  "$PYTHON" - "$1" "$INTERFERENCE" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print("no"); sys.exit()
limit = float(sys.argv[2])
worst = max(r.get("other_load_on_server_cpu_percent", 0), r.get("other_load_on_client_cpu_percent", 0))
print("yes" if worst > limit else "no")
PY
}

# One run (again while disturbed, RETRIES times at most); sets $verdict to "stop" or "go".
step() {
  local target=$1 layout=$2 n=$3 attempt run="$tmp/$target-$layout-$n"
  for attempt in $(seq 0 "$RETRIES"); do
    wait_quiet
    echo "viewer_mix_bench: $target $layout N=$n (load $(cut -d' ' -f1-3 /proc/loadavg); machine $busy % busy; attempt $((attempt + 1)))" >&2
    echo "$(cut -d' ' -f1 /proc/loadavg) / $busy %" >"$run.load"
    case $target in
      webvoxd) run_webvoxd "$layout" "$n" ;;
      janus) run_janus "$layout" "$n" ;;
    esac
    [[ $(disturbed "$run.json") == no ]] && break
    echo "viewer_mix_bench: $target $layout N=$n was disturbed by other processes" >&2
  done
  results+=("$run.json")
  verdict=$(verdict "$run.json")
}

results=()
for target in $TARGETS; do
  for layout in $LAYOUTS; do
    held=0 broken=0
    for n in $NS; do
      step "$target" "$layout" "$n"
      if [[ $verdict == stop ]]; then broken=$n; break; fi
      held=$n
    done
    # Then REFINE halvings of the gap between the last N held and the first that was not.
    for _ in $(seq "$REFINE"); do
      (( held > 0 && broken > held + 10 )) || break
      n=$(( (held + broken) / 20 * 10 ))
      (( n > held )) || break
      step "$target" "$layout" "$n"
      if [[ $verdict == stop ]]; then broken=$n; else held=$n; fi
    done
  done
done
echo "viewer_mix_bench: done; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

"$PYTHON" - "$SATURATED" "$CLIENT_LIMIT" "$INTERFERENCE" "${results[@]}" <<'PY'
import json, sys
saturated, client_limit, interference = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
rows = []
for path in sys.argv[4:]:
    try:
        row = json.load(open(path))
        row["load_before"] = open(path[:-len(".json")] + ".load").read().strip()
        rows.append(row)
    except (OSError, ValueError) as e:
        print("| %s | failed: %s |" % (path, e))

rows.sort(key=lambda r: (r["target"] != "webvoxd", r["layout"], r["sessions"]))

def disturbed(r):
    return max(r.get("other_load_on_server_cpu_percent", 0), r.get("other_load_on_client_cpu_percent", 0)) > interference

def ok(r):
    return r["ready"] == r["sessions"] and r["frames"]["late_or_lost_fraction"] < 0.01 \
        and abs(r.get("mix_clock_rate", {}).get("median", 1.0) - 1) <= 0.005 \
        and r.get("client_cpu_percent", 0) < client_limit

print("| target | layout | N | speakers | connected | server CPU % | late % | lost % | frames due | behind p99 ms | mix clock | shift before window ms | KiB/session | mixer delay p50/p99 ms (probes, samples) | server's own p50/p99 ms | client CPU % | others on server / client CPU % | load avg / machine busy before | held |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    s, f, m = r.get("server", {}), r["frames"], r.get("server_mixer", {})
    probes = r.get("delay_probes")
    if probes and probes["samples"]:
        d = probes["spurt_to_mix_ms"]
        delay = "%.1f / %.1f (%d)" % (d["p50"], d["p99"], probes["samples"])
    else:
        delay = "–" if r["target"] == "webvoxd" else "n/a"
    own = "%s / %s" % (m["delay_p50_ms"], m["delay_p99_ms"]) if "delay_p99_ms" in m else ("–" if r["target"] == "webvoxd" else "n/a")
    print("| %s | %s | %d | %d | %d/%d | %.1f | %.2f | %.2f | %d | %.1f | %.4f | %.0f | %.0f | %s | %s | %.0f | %.0f / %.0f | %s | %s |" % (
        r["target"], r["layout"], r["sessions"], r["speakers"], r["ready"], r["sessions"],
        s.get("cpu_percent", 0), 100 * f["late_fraction"], 100 * f["lost_fraction"], f["expected"],
        r["behind_schedule_ms"]["p99"], r.get("mix_clock_rate", {}).get("median", 0),
        r.get("largest_shift_before_window_ms", 0), s.get("kib_per_session", 0), delay, own, r.get("client_cpu_percent", 0),
        r.get("other_load_on_server_cpu_percent", -1), r.get("other_load_on_client_cpu_percent", -1),
        r["load_before"], "disturbed" if disturbed(r) else "yes" if ok(r) else "no"))

print()
print("| target | layout | held N | its server CPU % | smallest N broken | participants per core |")
print("|---|---|---|---|---|---|")
per_core = {}
for key in sorted({(r["target"], r["layout"]) for r in rows}):
    runs = sorted((r for r in rows if (r["target"], r["layout"]) == key), key=lambda r: r["sessions"])
    held = [r for r in runs if ok(r) and not disturbed(r)]
    broken = [r["sessions"] for r in runs if not ok(r) and not disturbed(r)]
    if not held:
        print("| %s | %s | none | – | %s | – |" % (key + (broken[0] if broken else "–",)))
        continue
    best = held[-1]
    cpu = best.get("server", {}).get("cpu_percent", 0)
    scaled = best["sessions"] * 100 / cpu if cpu > 0 else float("inf")
    cap = min(broken) if broken else None
    value = min(scaled, cap) if cap else scaled
    note = "" if cap is None or scaled <= cap else " (capped)"
    if cap is None and cpu < saturated:
        note += " (no step broke: extrapolated)"
    per_core[key] = value
    print("| %s | %s | %d | %.1f | %s | %.0f%s |" % (key[0], key[1], best["sessions"], cpu, cap or "–", value, note))
for layout in sorted({k[1] for k in per_core}):
    if ("webvoxd", layout) in per_core and ("janus", layout) in per_core:
        print("\n%s: webvoxd / Janus AudioBridge = %.2f×" % (layout, per_core[("webvoxd", layout)] / per_core[("janus", layout)]))
PY

#!/usr/bin/env bash
# End-to-end load on the forwarding unit: tools/webvox-load opens N WebRTC sessions against
# webvoxd (media-mode sfu) on loopback, M of them speak 50 packets/s, and every listener
# measures what arrives. webvoxd runs pinned to CPU 0 (taskset), the load generator to CPU 1;
# webvoxd is restarted for every run so each memory and CPU reading is its own.
#
#   bench/sfu_load_bench.sh                        # the README's table: about 3 minutes
#   NS="25 50" LAYOUTS=culled SECONDS_MEASURED=5 bench/sfu_load_bench.sh
#
# Environment (defaults):
#   NS="25 50 100 200"     sessions per run
#   LAYOUTS="crowded culled"  crowded: everyone within 8 m, every listener's 8 slots in use when
#                          M > 8 (culling has nothing to cut); culled: groups of GROUP_SIZE,
#                          100 m apart, so each listener hears only its group (range culling on)
#   SPEAKERS=all           M per run: "all" (every session speaks) or a number
#   GROUP_SIZE=4           culled: each listener hears GROUP_SIZE-1 speakers when all speak
#   SLOTS=8                receive slots per session (webvoxd --sfu-slots too)
#   WARMUP=6 SECONDS_MEASURED=10  (slots settle in a few seconds: a slot changes hands at most
#                          once a second, and a speaker that lost one may win another)
#   TARGETS="webvoxd janus"  janus: the same load through Janus's VideoRoom (see below; needs
#                          root for its network namespace and scripts/install-deps.sh --bench)
#   WEBVOXD=build/webvoxd  LOAD=build/tools/webvox-load/webvox-load
#   SERVER_CPU=0 CLIENT_CPU=1  taskset CPU lists
#   KEEP=1                 keep the temporary folder (logs, tokens, JSON results)
set -euo pipefail
cd "$(dirname "$0")/.."

NS=${NS:-25 50 100 200}
LAYOUTS=${LAYOUTS:-crowded culled}
SPEAKERS=${SPEAKERS:-all}
GROUP_SIZE=${GROUP_SIZE:-4}
SLOTS=${SLOTS:-8}
WARMUP=${WARMUP:-6}
SECONDS_MEASURED=${SECONDS_MEASURED:-10}
TARGETS=${TARGETS:-webvoxd janus}
WEBVOXD=${WEBVOXD:-build/webvoxd}
LOAD=${LOAD:-build/tools/webvox-load/webvox-load}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
PYTHON=${PYTHON:-/usr/bin/python3}
ADMIN_PASSWORD=bench-admin-password

for binary in "$WEBVOXD" "$LOAD"; do
  [[ -x $binary ]] || { echo "sfu_load_bench: $binary missing: run scripts/build.sh -DWEBVOX_BENCH=ON" >&2; exit 1; }
done
# Absolute: Janus's runs change folder.
WEBVOXD=$(realpath "$WEBVOXD")
LOAD=$(realpath "$LOAD")

source bench/bench_lib.sh
bench_lib=$(realpath bench/bench_lib.sh)  # for shells started in other folders
tmp=$(mktemp -d /tmp/webvox-sfu-load.XXXXXX)
server_pid=
trap bench_cleanup EXIT

# Starts webvoxd on a free port, pinned; sets server_pid and port.
start_webvoxd() {
  local run=$1
  mkdir -p "$tmp/$run"
  taskset -c "$SERVER_CPU" "$WEBVOXD" --data-dir "$tmp/$run/data" --listen 127.0.0.1:0 \
      --admin-user admin --admin-password "$ADMIN_PASSWORD" --media-mode sfu \
      --sfu-slots "$SLOTS" --max-channel-members 256 --threads 1 --log-level warn \
      >"$tmp/$run/stdout" 2>"$tmp/$run/stderr" &
  server_pid=$!
  bench_wait_listening "$tmp/$run/stdout" && return 0
  echo "sfu_load_bench: webvoxd did not start:" >&2
  cat "$tmp/$run/stderr" >&2
  exit 1
}

run_webvoxd() {
  local layout=$1 n=$2 m=$3 run="webvoxd-$1-$2"
  start_webvoxd "$run"
  "$PYTHON" tools/webvox-load/provision.py --server "127.0.0.1:$port" --admin-user admin \
      --admin-password "$ADMIN_PASSWORD" --count "$n" --out "$tmp/$run/tokens" >/dev/null
  taskset -c "$CLIENT_CPU" "$LOAD" --server "127.0.0.1:$port" --tokens "$tmp/$run/tokens" \
      --speakers "$m" --slots "$SLOTS" --layout "$layout" --group-size "$GROUP_SIZE" \
      --warmup "$WARMUP" --seconds "$SECONDS_MEASURED" --server-pid "$server_pid" \
      --server-cpu "${SERVER_CPU%%[,-]*}" --json "$tmp/$run.json" || echo "sfu_load_bench: $run: not every session connected" >&2
  bench_stop_server
  echo "$tmp/$run.json"
}

# Janus 1.1 (Debian's janus) from a generated configuration: only the VideoRoom plugin and the
# HTTP transport on 127.0.0.1, ICE-lite like webvoxd (so the same controlling client reaches
# both), host candidates on the namespace's veth only, no STUN/NAT lookups, half-trickle
# (candidates in the SDP).
write_janus_config() {
  local dir=$1 http_port=$2
  mkdir -p "$dir"
  local plugins=/usr/lib/x86_64-linux-gnu/janus
  local disabled_plugins disabled_transports
  disabled_plugins=$(cd "$plugins/plugins" && ls libjanus_*.so | grep -v videoroom | paste -sd, -)
  disabled_transports=$(cd "$plugins/transports" && ls libjanus_*.so | grep -v http | paste -sd, -)
  cat >"$dir/janus.jcfg" <<CFG
general: {
  configs_folder = "$dir"
  plugins_folder = "$plugins/plugins"
  transports_folder = "$plugins/transports"
  events_folder = "$plugins/events"
  loggers_folder = "$plugins/loggers"
  debug_level = 2
  interface = "127.0.0.1"
}
media: {
  rtp_port_range = "40000-60000"
}
nat: {
  ice_lite = true
  full_trickle = false
  ice_enforce_list = "wvx0"
  ignore_mdns = true
}
plugins: {
  disable = "$disabled_plugins"
}
transports: {
  disable = "$disabled_transports"
}
events: {
  broadcast = false
}
CFG
  cat >"$dir/janus.transport.http.jcfg" <<CFG
general: {
  json = "compact"
  base_path = "/janus"
  http = true
  port = $http_port
  ip = "127.0.0.1"
  https = false
}
admin: {
  admin_http = false
}
CFG
  echo 'general: { }' >"$dir/janus.plugin.videoroom.jcfg"
}

# Janus's ICE (libnice) never offers a loopback candidate, and a reply from the machine's own
# address to 127.0.0.1 is not delivered: so Janus and the load generator run in a network
# namespace of their own (unshare -n, root) whose only links are lo and a veth pair with a
# private address: the same kernel-local path as loopback, and nothing leaves the machine.
run_janus() {
  local layout=$1 n=$2 m=$3 run="janus-$1-$2" http_port=${JANUS_PORT:-18088}
  mkdir -p "$tmp/$run"
  write_janus_config "$tmp/$run/config" "$http_port"
  # Janus runs in its own folder, so a crash leaves its core dump there, not in the checkout.
  (cd "$tmp/$run" && unshare -n env lib="$bench_lib" dir="$tmp/$run" http_port="$http_port" n="$n" m="$m" layout="$layout" \
      SERVER_CPU="$SERVER_CPU" CLIENT_CPU="$CLIENT_CPU" LOAD="$LOAD" SLOTS="$SLOTS" \
      GROUP_SIZE="$GROUP_SIZE" WARMUP="$WARMUP" SECONDS_MEASURED="$SECONDS_MEASURED" bash -c '
    set -e
    source "$lib"
    bench_namespace_links
    bench_start_janus "$dir" "$http_port"
    taskset -c "$CLIENT_CPU" "$LOAD" --target janus --server "127.0.0.1:$http_port" --bind 10.255.0.1 \
        --sessions "$n" --speakers "$m" --slots "$SLOTS" --layout "$layout" --group-size "$GROUP_SIZE" \
        --warmup "$WARMUP" --seconds "$SECONDS_MEASURED" --server-pid "$janus_pid" \
        --server-cpu "${SERVER_CPU%%[,-]*}" --json "$dir.json" \
      || echo "sfu_load_bench: janus: not every session connected" >&2
    kill "$janus_pid"
    wait "$janus_pid" || true
  ' >&2)
  echo "$tmp/$run.json"
}

results=()
for target in $TARGETS; do
  for layout in $LAYOUTS; do
    for n in $NS; do
      m=$SPEAKERS; [[ $m == all ]] && m=$n
      echo "sfu_load_bench: $target $layout N=$n M=$m" >&2
      case $target in
        webvoxd) results+=("$(run_webvoxd "$layout" "$n" "$m")") ;;
        janus) results+=("$(run_janus "$layout" "$n" "$m")") ;;
      esac
    done
  done
done

"$PYTHON" - "${results[@]}" <<'PY'
import json, sys
rows = []
print("| target | layout | N | M | heard/expected streams | forwarded pkt/s | loss | gaps | p50 µs | p99 µs | p99.9 µs | p99 read µs | server CPU % | server µs/pkt | KiB/session | client CPU % | others on server CPU % |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for path in sys.argv[1:]:
    try:
        r = json.load(open(path))
    except (OSError, ValueError) as e:
        print("| %s | failed: %s |" % (path, e))
        continue
    s = r.get("server", {})
    lat = r["latency_us"]
    read = r.get("read_latency_us", lat)
    print("| %s | %s | %d | %d | %d/%d | %.0f | %.3f %% | %.3f %% | %.0f | %.0f | %.0f | %.0f | %.1f | %.2f | %.1f | %.0f | %.0f |" % (
        r.get("target", "webvoxd"), r["layout"], r["sessions"], r["speakers"], r["streams_heard"],
        r["streams_expected"], r["received_per_second"], 100 * r["loss"], 100 * r.get("loss_from_gaps", 0),
        lat["p50"], lat["p99"], lat["p999"], read["p99"], s.get("cpu_percent", 0), s.get("cpu_us_per_forwarded", 0),
        s.get("kib_per_session", 0), r.get("client_cpu_percent", 0),
        r.get("other_load_on_server_cpu_percent", -1)))
PY

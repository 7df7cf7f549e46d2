#!/usr/bin/env bash
# HTTP load benchmark of the two hot Vivox calls, viv_chan_search.php and viv_get_acct.php,
# with wrk on loopback: plain HTTP keep-alive (what a viewer/SLVoice-style client does) and
# HTTPS with a new TCP+TLS connection per request (what the region module does, spec §3).
#
#   bench/vivox_http_bench.sh            # defaults below; about 110 s on a 2-core machine
#   CONNS="16 32 64" DURATION=5s bench/vivox_http_bench.sh
#
# Environment (defaults):
#   CONNS="32"          wrk connections; several values = one run per value and scenario
#   DURATION=10s        per wrk run
#   WRK_THREADS=2       wrk -t
#   SERVER_THREADS=2    webvoxd --threads
#   CHANNELS=10000      channels stored before the runs
#   ACCOUNTS=300        accounts stored (each costs a PBKDF2 hash, ~10-20 ms of server CPU)
#   MISS_PCT=20         share of requests for names that do not exist
#   VERIFY=0            1: wrk parses every response and counts hits/misses/bad (costs client CPU)
#   SCENARIOS="search-http acct-http search-https-resumed acct-https-resumed search-https-full acct-https-full"
#                       also available: search-https-keepalive acct-https-keepalive
#   WEBVOXD=build/webvoxd   binary to test (built with scripts/build.sh if missing)
#   KEEP=1              keep the temporary folder (database, logs, raw wrk output)
#   NICE=-20            run webvoxd and wrk in their own sessions with this nice value for the
#                       process and its scheduler autogroup (negative needs root). On a shared machine
#                       with autogroup scheduling, plain nice does not help against other sessions;
#                       this does. Check the "other CPU" column either way.
#
# Scenarios:
#   *-http              plain HTTP, keep-alive connections
#   *-https-resumed     HTTPS, "Connection: close": wrk reconnects after every response. wrk keeps
#                       the TLS session (SSL_clear) so every reconnect is a RESUMED handshake
#                       (TLS 1.3 PSK + ECDHE): no certificate, no ECDSA signature.
#   *-https-full        the same with bench/wrk_tls_shim.so preloaded, which drops the session:
#                       every connection is a FULL handshake (certificate + ECDSA P-256 signature).
#   *-https-keepalive   HTTPS over kept-alive connections (reference only).
#
# Latency columns: p50/p99 are wrk's, which start the clock when the request is written, i.e.
# AFTER connect + TLS handshake. For the HTTPS new-connection runs the shim also measures
# connect() -> close() per connection ("call p50/p99"): what the module actually waits for.
set -euo pipefail

cd "$(dirname "$0")/.."

CONNS=${CONNS:-32}
DURATION=${DURATION:-10s}
WRK_THREADS=${WRK_THREADS:-2}
SERVER_THREADS=${SERVER_THREADS:-2}
CHANNELS=${CHANNELS:-10000}
ACCOUNTS=${ACCOUNTS:-300}
MISS_PCT=${MISS_PCT:-20}
VERIFY=${VERIFY:-0}
SCENARIOS=${SCENARIOS:-search-http acct-http search-https-resumed acct-https-resumed search-https-full acct-https-full}
WEBVOXD=${WEBVOXD:-build/webvoxd}
PYTHON=${PYTHON:-/usr/bin/python3}
NICE=${NICE:-}
nice_cmd=(setsid)  # own session and process group: cleanup can stop the whole wrk run
if [[ -n $NICE ]]; then
  # New session => new autogroup; set its nice, then the process's own, then exec the command.
  nice_cmd=(setsid bash -c 'if [[ -e /proc/self/autogroup ]]; then
      echo "$0" 2>/dev/null >/proc/self/autogroup || echo "vivox_http_bench: cannot set autogroup nice $0" >&2
    fi
    exec nice -n "$0" "$@"' "$NICE")
fi
ADMIN_USER=benchadmin
ADMIN_PASSWORD=bench-$RANDOM$RANDOM

command -v wrk >/dev/null || { echo "vivox_http_bench: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[[ -x $PYTHON ]] || PYTHON=python3
if [[ ! -x $WEBVOXD ]]; then
  echo "vivox_http_bench: $WEBVOXD missing, building" >&2
  scripts/build.sh >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/webvox-bench.XXXXXX")
server_pid=""
drain_pid=""
wrk_pid=""

stop_server() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    # Wait up to 10 s for a clean exit (no polling sleep: tail returns when the process ends).
    timeout 10 tail --pid="$server_pid" -f /dev/null 2>/dev/null || kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
  if [[ -n $drain_pid ]]; then
    kill "$drain_pid" 2>/dev/null || true
    wait "$drain_pid" 2>/dev/null || true
    drain_pid=""
  fi
}

cleanup() {
  local rc=$?
  trap '' INT TERM  # finish cleaning up even if interrupted again
  if [[ -n $wrk_pid ]]; then kill -- "-$wrk_pid" 2>/dev/null || kill "$wrk_pid" 2>/dev/null || true; fi
  stop_server
  exec 3<&-
  if [[ ${KEEP:-0} == 1 || ($rc != 0 && $rc != 130 && $rc != 143) ]]; then
    echo "vivox_http_bench: files kept in $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
# Ignore repeats (timeout(1) and terminals may signal twice) so that cleanup runs to the end.
trap 'trap "" INT TERM; exit 130' INT
trap 'trap "" INT TERM; exit 143' TERM

# ---- the wrk helper (optional: without a C compiler the *-https-full runs are skipped) ----
shim=""
if command -v cc >/dev/null && cc -O2 -shared -fPIC -o "$work/wrk_tls_shim.so" \
    bench/wrk_tls_shim.c -ldl -lssl 2>"$work/shim-build.log"; then
  shim="$work/wrk_tls_shim.so"
else
  echo "vivox_http_bench: cannot build bench/wrk_tls_shim.c (see $work/shim-build.log);" \
       "skipping full-handshake runs" >&2
fi

# ---- start webvoxd and wait for its listening line ----
mkdir -p "$work/data"
mkfifo "$work/stdout"
"${nice_cmd[@]}" "$WEBVOXD" --data-dir "$work/data" --listen 127.0.0.1:0 --admin-user "$ADMIN_USER" \
  --admin-password "$ADMIN_PASSWORD" --realm voice.example.org --threads "$SERVER_THREADS" \
  >"$work/stdout" 2>"$work/webvoxd.log" &
server_pid=$!
exec 3<"$work/stdout"
port=""
while IFS= read -r -t 60 line <&3; do
  printf '%s\n' "$line" >>"$work/webvoxd.out"
  if [[ $line =~ listening\ on\ 127\.0\.0\.1:([0-9]+) ]]; then
    port=${BASH_REMATCH[1]}
    break
  fi
done
if [[ -z $port ]]; then
  echo "vivox_http_bench: webvoxd did not report its port; its log:" >&2
  cat "$work/webvoxd.log" >&2
  exit 1
fi
cat <&3 >>"$work/webvoxd.out" &  # keep reading its stdout so it never blocks on a full pipe
drain_pid=$!
echo "vivox_http_bench: webvoxd pid $server_pid on 127.0.0.1:$port, --threads $SERVER_THREADS" >&2

# ---- seed ----
"$PYTHON" bench/vivox_seed.py --port "$port" --user "$ADMIN_USER" --password "$ADMIN_PASSWORD" \
  --channels "$CHANNELS" --accounts "$ACCOUNTS" --out "$work" >&2
token=$(<"$work/token.txt")

# ---- helpers ----
cpu_ticks_of() {  # utime + stime of a process, in clock ticks
  local stat
  stat=$(<"/proc/$1/stat")
  stat=${stat##*) }
  read -r -a f <<<"$stat"
  echo $((f[11] + f[12]))
}
machine_ticks() {  # busy and total jiffies of the whole machine
  local _cpu user nice system idle iowait irq softirq steal _rest
  read -r _cpu user nice system idle iowait irq softirq steal _rest </proc/stat
  echo "$((user + nice + system + irq + softirq + steal)) $((user + nice + system + idle + iowait + irq + softirq + steal))"
}
field() {  # field NAME LINE -> value of NAME=value in LINE
  local re="(^| )$1=([^ ]*)"
  [[ $2 =~ $re ]] && echo "${BASH_REMATCH[2]}" || echo ""
}
ms() {  # microseconds -> milliseconds with 2 decimals
  [[ -n $1 ]] && awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }' || echo "-"
}

hz=$(getconf CLK_TCK)
ncpu=$(nproc)
rows=()
busy_warning=0

run_scenario() {  # run_scenario NAME CONNS
  local name=$1 conns=$2 kind names scheme=http extra=() env=() shim_out=""
  case $name in
    search-*) kind=search; names="$work/channels.txt" ;;
    acct-*) kind=acct; names="$work/accounts.txt" ;;
    *) echo "unknown scenario $name" >&2; return 1 ;;
  esac
  case $name in
    *-http) ;;
    *-https-keepalive) scheme=https ;;
    *-https-resumed|*-https-full)
      scheme=https
      extra=(-H "Connection: close")
      if [[ $name == *-full && -z $shim ]]; then return 0; fi
      if [[ -n $shim ]]; then
        shim_out="$work/shim-$name-c$conns.txt"
        env=(LD_PRELOAD="$shim" WRK_SHIM_OUT="$shim_out"
             WRK_SHIM_NO_RESUME=$([[ $name == *-full ]] && echo 1 || echo 0))
      fi
      ;;
    *) echo "unknown scenario $name" >&2; return 1 ;;
  esac
  local verify_arg=""
  [[ $VERIFY == 1 ]] && verify_arg=verify
  local cmd=(wrk -t"$WRK_THREADS" -c"$conns" -d"$DURATION" --latency "${extra[@]}"
             -s bench/vivox_wrk.lua "$scheme://127.0.0.1:$port/" -- "$kind" "$token" "$names"
             "$MISS_PCT" $verify_arg)
  local shown_env=""
  [[ -n $shim_out ]] && shown_env="LD_PRELOAD=wrk_tls_shim.so WRK_SHIM_NO_RESUME=${env[2]#*=} "
  echo "vivox_http_bench: $name: $shown_env${cmd[*]//$token/TOKEN}" >&2
  local s0 m0 m0t s1 m1 m1t out
  s0=$(cpu_ticks_of "$server_pid")
  read -r m0 m0t <<<"$(machine_ticks)"
  local timer=()
  [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f "%U %S" -o "$work/time-$name-c$conns.txt")
  "${nice_cmd[@]}" "${timer[@]}" env "${env[@]}" "${cmd[@]}" >"$work/wrk-$name-c$conns.txt" 2>&1 &
  wrk_pid=$!
  if ! wait "$wrk_pid"; then
    wrk_pid=""
    cat "$work/wrk-$name-c$conns.txt" >&2
    return 1
  fi
  wrk_pid=""
  out=$(<"$work/wrk-$name-c$conns.txt")
  s1=$(cpu_ticks_of "$server_pid")
  read -r m1 m1t <<<"$(machine_ticks)"
  local summary
  summary=$(grep '^WRKSUMMARY' <<<"$out" || true)
  [[ -n $summary ]] || { echo "$out" >&2; echo "no WRKSUMMARY line" >&2; return 1; }
  local dur_us rps p50 p99 errors
  dur_us=$(field duration_us "$summary")
  rps=$(field rps "$summary")
  p50=$(field p50_us "$summary")
  p99=$(field p99_us "$summary")
  errors=$(( $(field err_connect "$summary") + $(field err_read "$summary") + $(field err_write "$summary") + $(field err_status "$summary") + $(field err_timeout "$summary") ))
  local server_cpu machine_cpu
  server_cpu=$(awk -v t=$((s1 - s0)) -v hz="$hz" -v us="$dur_us" 'BEGIN { printf "%.0f%%", 100 * t / hz / (us / 1e6) }')
  machine_cpu=$(awk -v b=$((m1 - m0)) -v t=$((m1t - m0t)) -v n="$ncpu" 'BEGIN { printf "%.0f%%", t ? 100 * n * b / t : 0 }')
  local requests server_us wrk_us="?"
  requests=$(field requests "$summary")
  server_us=$(awk -v t=$((s1 - s0)) -v hz="$hz" -v n="$requests" 'BEGIN { printf "%.0f", n ? t / hz * 1e6 / n : 0 }')
  if [[ -s $work/time-$name-c$conns.txt ]]; then
    wrk_us=$(awk -v n="$requests" 'NR == 1 { printf "%.0f", n ? ($1 + $2) * 1e6 / n : 0 }' "$work/time-$name-c$conns.txt")
  fi
  # Whatever else ran meanwhile (builds, tests...): machine busy - webvoxd - wrk.
  local other_cpu="?"
  if [[ -s $work/time-$name-c$conns.txt ]]; then
    other_cpu=$(awk -v b=$((m1 - m0)) -v t=$((m1t - m0t)) -v n="$ncpu" -v srv=$((s1 - s0)) -v hz="$hz" \
      -v us="$dur_us" -v f="$work/time-$name-c$conns.txt" 'BEGIN {
        getline line < f; split(line, a, " "); wrk_s = a[1] + a[2]
        wall = t / n / hz; if (wall <= 0) { print "?"; exit }
        o = (b / hz - srv / hz - wrk_s) / wall * 100; if (o < 0) o = 0
        printf "%.0f%%", o }')
    if [[ ${other_cpu%\%} =~ ^[0-9]+$ ]] && (( ${other_cpu%\%} > 15 )); then busy_warning=1; fi
  fi
  local call_p50="-" call_p99="-" handshakes="-"
  if [[ -n $shim_out && -s $shim_out ]]; then
    local s
    s=$(<"$shim_out")
    call_p50=$(ms "$(field p50_us "$s")")
    call_p99=$(ms "$(field p99_us "$s")")
    handshakes="$(field handshakes_full "$s")/$(field handshakes_resumed "$s")"
  fi
  local checked="-"
  if [[ $VERIFY == 1 ]]; then
    checked="$(field hits "$summary")/$(field misses "$summary")/$(field bad "$summary")"
  fi
  rows+=("| $name | $conns | $(printf '%.0f' "$rps") | $(ms "$p50") | $(ms "$p99") | $call_p50 | $call_p99 | $handshakes | $errors | $server_cpu | $server_us | $wrk_us | $machine_cpu | $other_cpu | $checked |")
}

for conns in $CONNS; do
  for scenario in $SCENARIOS; do
    run_scenario "$scenario" "$conns"
  done
done

# ---- report ----
cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
wrk_version=$( (wrk -v 2>&1 || true) | awk 'NR == 1 {print $2}')
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain -- src 2>/dev/null | head -1)
cat <<EOF

## webvoxd HTTP benchmark

- Machine: $ncpu CPUs ($cpu_model), $(uname -sr); wrk $wrk_version, $(openssl version | cut -d' ' -f1-2)
- webvoxd: $WEBVOXD (commit $commit${dirty:+, src/ modified}), \`--threads $SERVER_THREADS\`; wrk \`-t$WRK_THREADS -d$DURATION\`; both on the same machine, loopback${NICE:+; both run with nice and autogroup nice $NICE}
- Data: $CHANNELS channels, $ACCOUNTS accounts; $MISS_PCT % of requests ask for names that do not exist
- p50/p99: wrk's latency, measured from writing the request (excludes TCP connect and TLS handshake).
  call p50/p99: connect() to close() per connection (HTTPS new-connection runs only): connect + handshake + request.
  handshakes: full/resumed TLS handshakes seen by wrk. CPU: webvoxd's CPU time and the whole machine's
  busy time during the run (100 % = one core; the machine has $ncpu); other CPU = machine - webvoxd - wrk;
  µs CPU/req = CPU time (user+sys) of webvoxd / of wrk divided by completed requests (less sensitive to other load than req/s).
- Goal (issue): ≥ 20,000 req/s and p99 < 5 ms.

| scenario | conns | req/s | p50 ms | p99 ms | call p50 ms | call p99 ms | handshakes full/resumed | errors | webvoxd CPU | webvoxd µs CPU/req | wrk µs CPU/req | machine CPU | other CPU | hits/misses/bad |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
EOF
printf '%s\n' "${rows[@]}"
if [[ $busy_warning == 1 ]]; then
  echo
  echo "**Warning:** other processes used more than 15 % of a core during some runs; those figures are not representative."
fi

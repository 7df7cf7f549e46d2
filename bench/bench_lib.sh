# Shared by the benchmark scripts (sourced, not run): a server started in the background and
# stopped again, the temporary folder, and the network namespace Janus runs in.

# Stops the server whose pid is in $server_pid (if any) and waits for it.
bench_stop_server() {
  if [[ -n ${server_pid:-} ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}

# On exit: the server stopped, the temporary folder $tmp removed unless KEEP=1.
bench_cleanup() {
  bench_stop_server
  if [[ ${KEEP:-0} == 1 ]]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}

# Waits (10 s at most) for webvoxd's "listening on 127.0.0.1:PORT" in the file $1 and sets
# $port; 1 if it never came.
bench_wait_listening() {
  local out=$1
  for _ in $(seq 100); do
    if grep -q "listening on" "$out" 2>/dev/null; then
      port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$out" | head -1)
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# Inside a fresh network namespace (unshare -n, root): lo, and a veth pair with a private
# address (10.255.0.1 on wvx0) — Janus's ICE never offers loopback, and a reply from the
# machine's own address to 127.0.0.1 is not delivered. The same kernel-local path as
# loopback; nothing can leave the machine.
bench_namespace_links() {
  ip link set lo up
  ip link add wvx0 type veth peer name wvx1
  ip addr add 10.255.0.1/32 dev wvx0
  ip link set wvx1 up
  ip link set wvx0 up
}

# Inside the namespace: Janus from the configuration in $1/config, pinned to $SERVER_CPU, its
# output in $1/stdout and $1/stderr; sets $janus_pid and waits (10 s at most) until its HTTP
# transport on port $2 answers.
bench_start_janus() {
  local dir=$1 http_port=$2
  taskset -c "$SERVER_CPU" janus -F "$dir/config" -C "$dir/config/janus.jcfg" >"$dir/stdout" 2>"$dir/stderr" &
  janus_pid=$!
  for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$http_port/janus/info" && break
    sleep 0.1
  done
}

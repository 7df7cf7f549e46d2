#!/usr/bin/env python3
"""How many signalling messages per second ONE server core relays (docs/signalling.md).

webvoxd runs with `--threads 1` pinned to one core (`taskset -c SERVER_CPU`); load processes
(multiprocessing, pinned to the other cores) each hold many WebSocket clients. Clients are in
groups of GROUP per channel; in `signal` mode each client sends `signal` messages (an ICE
candidate, ~170 bytes) to another member of its group (`--pattern ring`: the next one, so
`--group 2` is pairs; `--pattern star`: all to the first member), in `ping` mode it sends
`ping`s. The figure counted is what the RECEIVERS get: relayed signals (or pongs) per second.

The per-connection rate limit (50 messages/s, bursts of 200) means one connection can carry
at most 50 messages/s, so the load needs thousands of connections: every client sends RATE
messages/s (default 40) in batches every TICK seconds. The run goes through load STEPS: the
share of connections that send (all stay connected), so one run gives a load curve. Clients
sign in with join tokens minted locally (webvoxd gets a random --token-key), so setting up
thousands of connections costs no PBKDF2.

Reported per step: offered (sent) and relayed messages/s, errors/s (rate_limited etc.),
webvoxd CPU (utime+stime from /proc/PID/stat; 100 % = one core), µs of webvoxd CPU per relayed
message, "proj/core" = relayed/s divided by webvoxd's CPU share (what a whole core would relay
at that cost), the load processes' CPU, "other" = busy time of webvoxd's core NOT spent in
webvoxd (from /proc/stat: other work on a shared machine), webvoxd's RSS, sockets closed by
the server. A step where less than 97 % of what was sent arrives is marked "not keeping up":
webvoxd fell behind and its backlog grows. The headline is the highest rate relayed in full.
If the load processes show ~100 % CPU, the load generator is the limit, not webvoxd.

The clients are hand-rolled (asyncio protocol, pre-masked frames, no JSON per message) so one
Python core drives as much as possible; Python standard library only. At the end they stop
sending, wait for the replies to drain and close with a close frame (resetting connections
with unprocessed messages crashes webvoxd at the time of writing).

Only loopback: webvoxd listens on 127.0.0.1:0.

    bench/signalling_bench.py --nice -20              # 4000 connections in pairs, 40 msg/s each
    bench/signalling_bench.py --group 32 --pattern star --steps 0.05,0.1,0.15,0.2
    bench/signalling_bench.py --mode ping --json out.json
    --nice N / NICE=N   (root for N < 0): own session + autogroup nice for webvoxd and the load,
                        as in bench/vivox_http_bench.sh: on a shared machine with autogroup
                        scheduling, plain nice does not help against other sessions.
"""

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import webvox_harness as h  # noqa: E402  (standard library only)

READY_LINE = re.compile(r"^webvoxd: listening on (\S+):(\d+) \(HTTPS and HTTP\)\s*$")
ADMIN_USER = "bench-admin"
REALM = "voice.example.org"
CLK_TCK = os.sysconf("SC_CLK_TCK")
CANDIDATE = ("candidate:842163049 1 udp 1677729535 127.0.0.1 50000 typ host generation 0 "
             "ufrag abcd network-cost 999")

# Counter slots shared with the load processes (multiprocessing.Array of int64).
SIGNALS, PONGS, ERRORS, OTHER, SENT, CLOSED, READY, CPU_TICKS = range(8)
N_COUNTERS = 8


# ----------------------------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------------------------

def b64url(raw):
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def mint_token(key, account, channel, expires):
    payload = json.dumps({"acct": account, "chan": channel, "exp": int(expires)},
                         separators=(",", ":")).encode()
    signed = "v1." + b64url(payload)
    return signed + "." + b64url(hmac.new(key, signed.encode(), hashlib.sha256).digest())


def client_frame(text, mask=b"\x00\x00\x00\x00"):
    """One masked client text frame. A zero masking key leaves the payload as it is (RFC 6455
    requires the mask bit, not a random key; a load generator may save the XOR)."""
    payload = text.encode("utf-8")
    n = len(payload)
    if n < 126:
        header = bytes([0x81, 0x80 | n])
    elif n < 65536:
        header = bytes([0x81, 0x80 | 126]) + n.to_bytes(2, "big")
    else:
        header = bytes([0x81, 0x80 | 127]) + n.to_bytes(8, "big")
    if mask != b"\x00\x00\x00\x00":
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return header + mask + payload


def proc_cpu_ticks(pid):
    """utime + stime of a process (all threads), in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def cpu_busy_ticks(cpu):
    """(busy, total) ticks of one CPU from /proc/stat."""
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("cpu%d " % cpu):
                v = [int(x) for x in line.split()[1:]]
                idle = v[3] + v[4]
                total = sum(v[:8])
                return total - idle, total
    raise RuntimeError("cpu%d not in /proc/stat" % cpu)


def own_session_and_nice(nice):
    """New session (=> new scheduler autogroup) with this nice, for the process itself."""
    if nice is None:
        return
    try:
        os.setsid()
    except OSError:
        pass
    try:
        with open("/proc/self/autogroup", "w") as f:
            f.write(str(nice))
    except OSError as e:
        print("signalling_bench: cannot set autogroup nice: %s" % e, file=sys.stderr)
    os.setpriority(os.PRIO_PROCESS, 0, nice)


# ----------------------------------------------------------------------------------------------
# The load: one process, many connections
# ----------------------------------------------------------------------------------------------

class Client(asyncio.Protocol):
    """One signalling WebSocket, hand-rolled: handshake, hello/join, then counting frames."""

    def __init__(self, counters, host, port):
        self.counters = counters  # a plain list, folded into the shared Array periodically
        self.host, self.port = host, port
        self.transport = None
        self.buf = bytearray()
        self.upgraded = False
        self.waiting = None        # (prefix, future) while setting up
        self.closed = False
        self.error_samples = []
        self.batch = b""           # pre-built frames sent every tick

    def connection_made(self, transport):
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write(("GET /signal HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                         "Sec-WebSocket-Version: 13\r\n\r\n" % (self.host, self.port, key))
                        .encode())

    def connection_lost(self, exc):
        if not self.closed:
            self.closed = True
            self.counters[CLOSED] += 1
        if self.waiting and not self.waiting[1].done():
            self.waiting[1].set_exception(ConnectionError("closed during set-up"))

    def expect(self, prefix):
        """A future for the next text message starting with `prefix` (set-up only)."""
        future = asyncio.get_running_loop().create_future()
        self.waiting = (prefix, future)
        return future

    def data_received(self, data):
        buf = self.buf
        buf += data
        if not self.upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            if not buf.startswith(b"HTTP/1.1 101"):
                self.transport.close()
                return
            del buf[:end + 4]
            self.upgraded = True
            if self.waiting and self.waiting[0] == "upgrade":
                self.waiting[1].set_result(None)
                self.waiting = None
        pos, n = 0, len(buf)
        counters = self.counters
        while n - pos >= 2:
            opcode = buf[pos] & 0x0F
            length = buf[pos + 1] & 0x7F
            start = pos + 2
            if length == 126:
                if n - pos < 4:
                    break
                length = int.from_bytes(buf[pos + 2:pos + 4], "big")
                start = pos + 4
            elif length == 127:
                if n - pos < 10:
                    break
                length = int.from_bytes(buf[pos + 2:pos + 10], "big")
                start = pos + 10
            end = start + length
            if end > n:
                break
            if opcode == 1:
                kind = buf[start + 2:start + 6]
                if kind == b"data":
                    counters[SIGNALS] += 1
                elif self.waiting is not None:
                    # Set-up: hand the awaited message over; others (member-joined) are skipped.
                    text = bytes(buf[start:end]).decode()
                    prefix, future = self.waiting
                    if '"type":"%s"' % prefix in text:
                        self.waiting = None
                        future.set_result(json.loads(text))
                    elif '"type":"error"' in text:
                        self.waiting = None
                        future.set_exception(RuntimeError("expected %s, got %s" % (prefix, text)))
                    else:
                        counters[OTHER] += 1
                elif kind == b"code":
                    counters[ERRORS] += 1
                    if len(self.error_samples) < 3:
                        self.error_samples.append(bytes(buf[start:end]).decode())
                elif b'"pong"' in buf[start:end]:
                    counters[PONGS] += 1
                else:
                    counters[OTHER] += 1
            elif opcode == 8:
                self.closed = True
                counters[CLOSED] += 1
                code = int.from_bytes(buf[start:start + 2], "big") if length >= 2 else None
                if code != 1000 and len(self.error_samples) < 3:
                    self.error_samples.append("close %s" % code)
                self.transport.close()
            pos = end
        if pos:
            del buf[:pos]

    def send_text(self, obj):
        self.transport.write(client_frame(json.dumps(obj, separators=(",", ":"))))


async def load_main(index, host, port, groups, key, mode, pattern, rate, tick, size,
                    counters_shared, step_value, stop_event, setup_concurrency):
    loop = asyncio.get_running_loop()
    counters = [0] * N_COUNTERS
    clients = []
    semaphore = asyncio.Semaphore(setup_concurrency)
    expires = time.time() + 6 * 3600

    async def setup(channel, account):
        async with semaphore:
            client = Client(counters, host, port)
            await loop.create_connection(lambda: client, host, port)
            # No await between: the 101 answer cannot have been read yet.
            await asyncio.wait_for(client.expect("upgrade"), 30)
            welcome_f = client.expect("welcome")
            client.send_text({"type": "hello", "token": mint_token(key, account, channel, expires)})
            welcome = await asyncio.wait_for(welcome_f, 30)
            client.member = welcome["member"]
            joined_f = client.expect("joined")
            client.send_text({"type": "join", "channel": channel})
            await asyncio.wait_for(joined_f, 30)
            return client

    tasks = []
    for g, channel in enumerate(groups):
        for m in range(size):
            tasks.append(setup(channel, "xbench-%d-%d-%d==" % (index, g, m)))
    clients = await asyncio.gather(*tasks)

    # Everyone sends to the next member of its group.
    per_tick = max(1, round(rate * tick))
    for g in range(len(groups)):
        members = clients[g * size:(g + 1) * size]
        for i, client in enumerate(members):
            if mode == "signal":
                # ring: to the next member; star: all to the first (which sends to the second)
                target = (i + 1) % size if pattern == "ring" or i == 0 else 0
                to = members[target].member
                text = json.dumps({"type": "signal", "to": to, "data": {"candidate": {
                    "candidate": CANDIDATE, "sdpMid": "0", "sdpMLineIndex": 0}}},
                    separators=(",", ":"))
            else:
                text = '{"type":"ping"}'
            client.batch = client_frame(text) * per_tick
    counters[READY] = len(clients)

    # A step's share of clients is taken from the front: whole groups, partners included.
    order = clients
    cpu0 = time.process_time()

    def publish():
        counters[CPU_TICKS] = int((time.process_time() - cpu0) * CLK_TCK)
        for i in range(N_COUNTERS):
            counters_shared[i] = counters[i]

    publish()
    next_tick = loop.time()
    last_publish = 0.0
    while not stop_event.is_set():
        share = step_value.value
        active = int(len(order) * share)
        sent = 0
        for client in order[:active]:
            if not client.closed:
                client.transport.write(client.batch)
                sent += per_tick
        counters[SENT] += sent
        now = loop.time()
        if now - last_publish >= 0.2:
            publish()
            last_publish = now
        next_tick += tick
        delay = next_tick - loop.time()
        if delay < 0:  # falling behind: the load generator is the bottleneck
            next_tick = loop.time()
            delay = 0
        await asyncio.sleep(delay)
    publish()
    # Close politely: let the replies drain, then a close frame each, and wait for the server's
    # close. (Resetting connections that still have unprocessed messages crashes webvoxd at
    # the time of writing: see the report of tests/integration/test_signalling.py.)
    drain_start = quiet_since = loop.time()
    last = None
    while loop.time() - quiet_since < 1.0 and loop.time() - drain_start < 60:
        now_counts = (counters[SIGNALS], counters[PONGS], counters[ERRORS])
        if now_counts != last:
            last, quiet_since = now_counts, loop.time()
        await asyncio.sleep(0.1)
    close_frame = bytes([0x88, 0x82]) + b"\0\0\0\0" + (1000).to_bytes(2, "big")
    for client in clients:
        if not client.closed:
            client.transport.write(close_frame)
    deadline = loop.time() + 15
    while loop.time() < deadline and not all(c.transport.is_closing() or c.closed
                                             for c in clients):
        await asyncio.sleep(0.05)
    publish()
    samples = [s for c in clients for s in c.error_samples][:5]
    for client in clients:
        client.transport.close()
    return samples


def load_process(index, cpu, nice, host, port, groups, key, mode, pattern, rate, tick, group_size,
                 counters_shared, step_value, stop_event, setup_concurrency, samples_queue):
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    own_session_and_nice(nice)
    try:
        samples = asyncio.run(load_main(index, host, port, groups, key, mode, pattern, rate,
                                        tick, group_size, counters_shared, step_value, stop_event,
                                        setup_concurrency))
        samples_queue.put((index, None, samples))
    except BaseException as e:  # report, so the parent does not wait forever
        samples_queue.put((index, repr(e), []))
        raise


# ----------------------------------------------------------------------------------------------
# The server
# ----------------------------------------------------------------------------------------------

class Server:
    def __init__(self, webvoxd, data_dir, cpu, nice, threads, log_level):
        self.admin_password = "bench-" + secrets.token_hex(8)
        self.key = os.urandom(32)
        args = [webvoxd, "--data-dir", data_dir, "--listen", "127.0.0.1:0",
                "--admin-user", ADMIN_USER, "--admin-password", self.admin_password,
                "--realm", REALM, "--threads", str(threads), "--log-level", log_level,
                "--token-key", b64url(self.key)]
        prefix = []
        if cpu is not None:
            prefix += ["taskset", "-c", str(cpu)]
        self.log = open(os.path.join(os.path.dirname(data_dir), "webvoxd.stderr.log"), "wb")
        env = {k: v for k, v in os.environ.items() if not k.startswith("WEBVOX")}
        self.proc = subprocess.Popen(
            prefix + args, stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL,
            env=env, preexec_fn=(lambda: own_session_and_nice(nice)) if nice is not None else None)
        self.pid = self.proc.pid  # taskset execs webvoxd: same pid
        deadline = time.monotonic() + 30
        for raw in self.proc.stdout:
            match = READY_LINE.match(raw.decode("utf-8", "replace"))
            if match:
                self.host, self.port = match.group(1), int(match.group(2))
                break
            if time.monotonic() > deadline:
                break
        else:
            raise RuntimeError("webvoxd exited before listening (see %s)" % self.log.name)
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()

    def rss_mb(self):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def threads(self):
        return len(os.listdir("/proc/%d/task" % self.pid))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


def create_channels(server, count):
    module = h.VivoxModule("%s:%d" % (server.host, server.port), scheme="http",
                           admin_user=ADMIN_USER, admin_password=server.admin_password)
    if not module.do_admin_login():
        raise RuntimeError("admin sign-in failed: %r" % module.log[-1:])
    uris = []
    for i in range(count):
        ok, uri = module.try_create_channel("", "bench-%d" % i, "bench")
        if not ok:
            raise RuntimeError("channel creation failed: %r" % module.log[-1:])
        uris.append(uri)
    return uris


# ----------------------------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------------------------

def parse_args(argv):
    ncpu = os.cpu_count() or 1
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--webvoxd", default=os.environ.get("WEBVOXD",
                                                       os.path.join(ROOT, "build", "webvoxd")))
    p.add_argument("--connections", type=int, default=4000, help="total WebSocket clients")
    p.add_argument("--group", type=int, default=2, help="clients per channel (2 = pairs)")
    p.add_argument("--mode", choices=("signal", "ping"), default="signal")
    p.add_argument("--pattern", choices=("ring", "star"), default="ring",
                   help="signal mode: each client sends to the next member of its group (ring;"
                        " with --group 2, pairs), or all to the group's first member (star:"
                        " fewer, busier receiving sockets, cheaper for the Python load)")
    p.add_argument("--rate", type=float, default=40.0,
                   help="messages/s per client (the server allows 50)")
    p.add_argument("--tick", type=float, default=0.25, help="seconds between send batches")
    p.add_argument("--steps", default="0.05,0.1,0.15,0.2,0.3",
                   help="shares of the clients sending, one measurement each")
    p.add_argument("--warmup", type=float, default=3.0, help="seconds before each measurement")
    p.add_argument("--duration", type=float, default=8.0, help="seconds measured per step")
    p.add_argument("--server-cpu", type=int, default=0, help="core for webvoxd (taskset -c)")
    p.add_argument("--load-cpus", default=",".join(str(c) for c in range(1, ncpu)) or "0",
                   help="cores for the load processes (default: all but the server's)")
    p.add_argument("--procs-per-cpu", type=int, default=1)
    p.add_argument("--threads", type=int, default=1, help="webvoxd --threads")
    p.add_argument("--nice", type=int, default=(int(os.environ["NICE"]) if os.environ.get("NICE")
                                                else None),
                   help="own session + autogroup nice for webvoxd and the load (root for < 0)")
    p.add_argument("--setup-concurrency", type=int, default=100,
                   help="connections being set up at once per load process")
    p.add_argument("--log-level", default="warn", help="webvoxd --log-level")
    p.add_argument("--json", help="also write the results here")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = p.parse_args(argv)
    if args.connections % args.group:
        p.error("--connections must be a multiple of --group")
    if args.rate * args.tick > 200:
        p.error("rate x tick must stay within the burst of 200")
    args.step_list = [float(s) for s in args.steps.split(",")]
    args.load_cpu_list = [int(c) for c in args.load_cpus.split(",")]
    return args


def main(argv=None):
    args = parse_args(argv)
    if not os.access(args.webvoxd, os.X_OK):
        sys.exit("signalling_bench: no webvoxd at %s (build it, or --webvoxd PATH)" % args.webvoxd)
    if shutil.which("taskset") is None:
        sys.exit("signalling_bench: taskset (util-linux) is needed")
    work = tempfile.mkdtemp(prefix="webvox-sigbench-")
    server = None
    procs = []
    stop_event = multiprocessing.Event()
    try:
        server = Server(args.webvoxd, os.path.join(work, "data"), args.server_cpu, args.nice,
                        args.threads, args.log_level)
        n_groups = args.connections // args.group
        t0 = time.monotonic()
        channels = create_channels(server, n_groups)
        print("webvoxd pid %d on cpu %d, --threads %d (%d OS threads); %d channels in %.1f s"
              % (server.pid, args.server_cpu, args.threads, server.threads(), n_groups,
                 time.monotonic() - t0), flush=True)

        slots = [(cpu, k) for cpu in args.load_cpu_list for k in range(args.procs_per_cpu)]
        step_value = multiprocessing.Value("d", 0.0, lock=False)
        samples_queue = multiprocessing.Queue()
        counters = []
        for i, (cpu, _) in enumerate(slots):
            groups = channels[i::len(slots)]
            shared = multiprocessing.Array("q", N_COUNTERS, lock=False)
            counters.append(shared)
            proc = multiprocessing.Process(
                target=load_process,
                args=(i, cpu, args.nice, server.host, server.port, groups, server.key, args.mode,
                      args.pattern, args.rate, args.tick, args.group, shared, step_value,
                      stop_event, args.setup_concurrency, samples_queue),
                daemon=True)
            proc.start()
            procs.append(proc)

        def total(slot):
            return sum(c[slot] for c in counters)

        t0 = time.monotonic()
        while total(READY) < args.connections:
            for proc in procs:
                if not proc.is_alive():
                    raise RuntimeError("a load process died during set-up: %r"
                                       % (samples_queue.get(timeout=5),))
            if time.monotonic() - t0 > 600:
                raise RuntimeError("set-up took over 10 minutes (%d of %d ready)"
                                   % (total(READY), args.connections))
            time.sleep(0.2)
        print("%d clients connected, signed in (join tokens) and joined in %.1f s; load on cpu %s"
              % (args.connections, time.monotonic() - t0, args.load_cpus), flush=True)

        per_tick = max(1, round(args.rate * args.tick))
        per_client = per_tick / args.tick
        counted = SIGNALS if args.mode == "signal" else PONGS
        results = []
        header = ("%6s %8s %10s %10s %8s %9s %10s %9s %8s %9s %7s %8s"
                  % ("share", "clients", "offered/s", "relayed/s", "errors", "webvoxd",
                     "us/msg", "proj/core", "load", "other@%d" % args.server_cpu, "rss MB",
                     "closed"))
        print(header)
        for share in args.step_list:
            step_value.value = share
            time.sleep(args.warmup)
            c0 = [total(s) for s in range(N_COUNTERS)]
            s0, b0 = proc_cpu_ticks(server.pid), cpu_busy_ticks(args.server_cpu)
            w0 = time.monotonic()
            time.sleep(args.duration)
            c1 = [total(s) for s in range(N_COUNTERS)]
            s1, b1 = proc_cpu_ticks(server.pid), cpu_busy_ticks(args.server_cpu)
            w1 = time.monotonic()
            wall = w1 - w0
            relayed = (c1[counted] - c0[counted]) / wall
            sent = (c1[SENT] - c0[SENT]) / wall
            errors = (c1[ERRORS] - c0[ERRORS]) / wall
            server_cpu = (s1 - s0) / CLK_TCK / wall
            load_cpu = (c1[CPU_TICKS] - c0[CPU_TICKS]) / CLK_TCK / wall
            core_busy = (b1[0] - b0[0]) / max(1, b1[1] - b0[1])
            other = max(0.0, core_busy - server_cpu)
            us_per_msg = (server_cpu * 1e6 / relayed) if relayed else float("nan")
            projected = relayed / server_cpu if server_cpu > 0 else float("nan")
            active = int(args.connections * share)
            row = {"share": share, "active_clients": active,
                   "offered_per_s": round(active * per_client),
                   "sent_per_s": round(sent), "relayed_per_s": round(relayed),
                   "errors_per_s": round(errors, 1), "webvoxd_cpu": round(server_cpu, 3),
                   "us_cpu_per_msg": round(us_per_msg, 2),
                   "projected_per_core": round(projected),
                   "load_cpu": round(load_cpu, 3), "other_on_server_cpu": round(other, 3),
                   "closed": c1[CLOSED], "webvoxd_rss_mb": round(server.rss_mb(), 1),
                   "keeping_up": relayed >= 0.97 * sent}
            results.append(row)
            print("%6.2f %8d %10d %10d %8.1f %8.0f%% %10.2f %9d %7.0f%% %8.0f%% %7.0f %8d%s"
                  % (share, active, row["sent_per_s"], row["relayed_per_s"], errors,
                     server_cpu * 100, us_per_msg, projected, load_cpu * 100, other * 100,
                     row["webvoxd_rss_mb"], c1[CLOSED],
                     "" if row["keeping_up"] else "  <- not keeping up"), flush=True)
        stop_event.set()
        samples = []
        for _ in procs:
            try:
                index, error, s = samples_queue.get(timeout=30)
                samples += s
                if error:
                    print("load process %d failed: %s" % (index, error), file=sys.stderr)
            except Exception:
                break
        if samples:
            print("sample errors/closes seen by clients: %s" % samples[:5])
        kept_up = [r for r in results if r["keeping_up"]]
        if kept_up:
            best = max(kept_up, key=lambda r: r["relayed_per_s"])
            print("highest rate relayed in full: %d messages/s at %.0f%% of one core "
                  "(%.2f us CPU per message; projected %d/s for a fully busy core)"
                  % (best["relayed_per_s"], best["webvoxd_cpu"] * 100, best["us_cpu_per_msg"],
                     best["projected_per_core"]))
        else:
            print("webvoxd fell behind at every step: lower --steps")
        if len(kept_up) == len(results):
            print("webvoxd kept up at every step: raise --steps/--connections to find its limit")
        print("load average at the end: %.1f %.1f %.1f (%d CPUs)"
              % (os.getloadavg() + (os.cpu_count(),)))
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"args": {k: v for k, v in vars(args).items()
                                    if k not in ("step_list", "load_cpu_list")},
                           "ncpu": os.cpu_count(), "loadavg": os.getloadavg(),
                           "results": results}, f, indent=2)
    finally:
        stop_event.set()
        for proc in procs:
            proc.join(10)
            if proc.is_alive():
                proc.kill()
        if server is not None:
            code = server.stop()
            if code not in (0, None):
                print("webvoxd exited with %s (log in %s)" % (code, work), file=sys.stderr)
        if args.keep:
            print("kept %s" % work)
        else:
            shutil.rmtree(work, True)


if __name__ == "__main__":
    main()

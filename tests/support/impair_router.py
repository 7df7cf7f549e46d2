#!/usr/bin/env python3
"""A lossy, jittery link between two network namespaces, made in userspace.

This machine's kernel has no sch_netem, so `tc qdisc add ... netem loss 10% delay 60ms 20ms`
is not available; this router does its job for the fault tests (docs/fault-tolerance.md). It
runs in the caller's network namespace ("near": webvoxd's side) and makes:

  * a new named network namespace ("far": where the caller starts an impaired browser with
    `ip netns exec NAME ...`), with its loopback up;
  * two tun devices: `wvnear` here with NEAR_ADDR, and `wvfar` moved into the far namespace
    with FAR_ADDR (one /30 between them, default 10.77.0.1 and 10.77.0.2);
  * a loop moving every IP packet from one device to the other, each direction with its own
    seeded random loss and a per-packet delay drawn uniformly from DELAY ± JITTER
    (so packets overtake each other, as with netem's jitter).

Two loss models (--loss-model):
  bernoulli  each packet is lost with probability LOSS, independently (netem's `loss LOSS`);
             over a second of voice (50 packets) the rate seen swings by several points.
  spread     of every 1/LOSS packets in a row exactly one is lost, at a random place among
             them: still random which packets, but the rate is LOSS in every second, so what
             a receiver reports (and an encoder adapts to) is the same from run to run.

It prints one JSON line when the link is up ({"ready": true, ...}) and one with its counters
when it stops ({"stopped": true, "up": {...}, "down": {...}}; up is far → near). It stops on
SIGTERM or SIGINT, when its standard input closes (the test that started it is gone), or after
--max-seconds; then it closes the tun devices (the kernel removes them) and deletes the
namespace. Bounded: at most --max-queue packets wait at once (more are dropped and counted),
packets are at most 65,535 bytes, and it runs at most --max-seconds.

  ip netns is needed (iproute2), and root (or CAP_NET_ADMIN) for tun devices and namespaces.
"""

import argparse
import fcntl
import heapq
import ipaddress
import json
import os
import random
import select
import signal
import struct
import subprocess
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
MAX_PACKET = 65535
# Packets read from one device per wake-up before the other gets its turn.
READ_BATCH = 64


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def ip(*args):
    subprocess.run(["ip", *args], check=True, stdout=subprocess.DEVNULL)


class Direction:
    """One way through the link: its own random stream and counters."""

    def __init__(self, name, seed, loss, loss_model, delay_s, jitter_s):
        self.name = name
        self.random = random.Random(seed)
        self.loss = loss
        self.loss_model = loss_model
        # spread: packets per block, the place of the lost one in this block, place of this one
        self.block = round(1 / loss) if loss_model == "spread" else 0
        self.block_lost_at = 0
        self.block_place = 0
        self.delay_s = delay_s
        self.jitter_s = jitter_s
        self.counts = {"received": 0, "dropped_loss": 0, "dropped_queue": 0, "sent": 0,
                       "write_errors": 0, "reordered": 0}
        self.delay_sum_s = 0.0
        self.delay_min_s = None
        self.delay_max_s = 0.0
        self.last_sent_seq = -1

    def draw(self):
        """None: the packet is lost; else its delay in seconds."""
        if self.loss_model == "spread":
            if self.block_place == 0:
                self.block_lost_at = self.random.randrange(self.block)
            lost = self.block_place == self.block_lost_at
            self.block_place = (self.block_place + 1) % self.block
            if lost:
                return None
        elif self.random.random() < self.loss:
            return None
        delay = max(0.0, self.random.uniform(self.delay_s - self.jitter_s, self.delay_s + self.jitter_s))
        self.delay_sum_s += delay
        self.delay_min_s = delay if self.delay_min_s is None else min(self.delay_min_s, delay)
        self.delay_max_s = max(self.delay_max_s, delay)
        return delay

    def report(self):
        delayed = self.counts["received"] - self.counts["dropped_loss"] - self.counts["dropped_queue"]
        out = dict(self.counts)
        out["delay_ms"] = {
            "mean": round(1000 * self.delay_sum_s / delayed, 1) if delayed else None,
            "min": round(1000 * self.delay_min_s, 1) if self.delay_min_s is not None else None,
            "max": round(1000 * self.delay_max_s, 1),
        }
        out["loss_fraction"] = round(self.counts["dropped_loss"] / self.counts["received"], 4) if self.counts["received"] else None
        return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--netns", required=True, help="name of the far namespace to create")
    parser.add_argument("--near-addr", default="10.77.0.1/30")
    parser.add_argument("--far-addr", default="10.77.0.2/30")
    parser.add_argument("--loss", type=float, default=0.10, help="loss probability per packet, each way")
    parser.add_argument("--loss-model", choices=["bernoulli", "spread"], default="bernoulli")
    parser.add_argument("--delay-ms", type=float, default=60.0)
    parser.add_argument("--jitter-ms", type=float, default=20.0, help="delay is uniform in DELAY ± JITTER")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--max-queue", type=int, default=4096, help="packets in flight at most")
    parser.add_argument("--max-seconds", type=float, default=600.0)
    args = parser.parse_args()
    if not 0.0 <= args.loss <= 1.0 or args.jitter_ms < 0 or args.jitter_ms > args.delay_ms:
        parser.error("need 0 <= loss <= 1 and 0 <= jitter <= delay")
    if args.loss_model == "spread" and (args.loss <= 0 or abs(1 / args.loss - round(1 / args.loss)) > 1e-9):
        parser.error("--loss-model spread needs a loss of 1/N (0.1, 0.05, ...)")
    near_ip = ipaddress.ip_interface(args.near_addr)
    far_ip = ipaddress.ip_interface(args.far_addr)

    stop = {"why": None}

    def on_signal(signum, _frame):
        stop["why"] = signal.Signals(signum).name

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    near = far = None
    made_netns = False
    try:
        ip("netns", "add", args.netns)
        made_netns = True
        near = open_tun("wvnear")
        far = open_tun("wvfar")
        ip("link", "set", "wvfar", "netns", args.netns)
        ip("addr", "add", str(near_ip), "dev", "wvnear")
        ip("link", "set", "wvnear", "up")
        ip("-n", args.netns, "link", "set", "lo", "up")
        ip("-n", args.netns, "addr", "add", str(far_ip), "dev", "wvfar")
        ip("-n", args.netns, "link", "set", "wvfar", "up")

        up = Direction("up", args.seed, args.loss, args.loss_model, args.delay_ms / 1000, args.jitter_ms / 1000)
        down = Direction("down", args.seed + 1, args.loss, args.loss_model, args.delay_ms / 1000, args.jitter_ms / 1000)
        # far → near is "up" (the browser's packets to webvoxd), near → far "down".
        routes = {far: (up, near), near: (down, far)}
        queue = []  # (release time, sequence, direction, destination fd, packet)
        sequence = 0
        stdin = sys.stdin.fileno()
        watch = [near, far, stdin]
        deadline = time.monotonic() + args.max_seconds
        print(json.dumps({"ready": True, "netns": args.netns, "near": str(near_ip.ip), "far": str(far_ip.ip),
                          "loss": args.loss, "loss_model": args.loss_model, "delay_ms": args.delay_ms, "jitter_ms": args.jitter_ms,
                          "seed": args.seed}), flush=True)

        while stop["why"] is None:
            now = time.monotonic()
            if now >= deadline:
                stop["why"] = "max-seconds"
                break
            wait = deadline - now
            if queue:
                wait = min(wait, max(0.0, queue[0][0] - now))
            try:
                readable, _, _ = select.select(watch, [], [], wait)
            except InterruptedError:
                continue
            now = time.monotonic()
            for fd in readable:
                if fd == stdin:
                    if not os.read(stdin, 4096):
                        stop["why"] = "stdin closed"
                    continue
                direction, destination = routes[fd]
                for _ in range(READ_BATCH):
                    try:
                        packet = os.read(fd, MAX_PACKET)
                    except BlockingIOError:
                        break
                    direction.counts["received"] += 1
                    if len(queue) >= args.max_queue:
                        direction.counts["dropped_queue"] += 1
                        continue
                    delay = direction.draw()
                    if delay is None:
                        direction.counts["dropped_loss"] += 1
                        continue
                    heapq.heappush(queue, (now + delay, sequence, direction, destination, packet))
                    sequence += 1
            now = time.monotonic()
            while queue and queue[0][0] <= now:
                _, seq, direction, destination, packet = heapq.heappop(queue)
                if seq < direction.last_sent_seq:
                    direction.counts["reordered"] += 1
                direction.last_sent_seq = max(direction.last_sent_seq, seq)
                try:
                    os.write(destination, packet)
                    direction.counts["sent"] += 1
                except OSError:
                    direction.counts["write_errors"] += 1
        print(json.dumps({"stopped": True, "why": stop["why"], "in_flight": len(queue),
                          "up": up.report(), "down": down.report()}), flush=True)
        return 0
    finally:
        for fd in (near, far):
            if fd is not None:
                os.close(fd)
        if made_netns:
            subprocess.run(["ip", "netns", "del", args.netns], check=False)


if __name__ == "__main__":
    sys.exit(main())

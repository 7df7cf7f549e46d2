#!/usr/bin/env python3
"""How many admin-password guesses webvoxd lets through (README "Password guessing").

Starts webvoxd on loopback (tests/integration/webvox_harness.py) and, for SECONDS, guesses
the admin password with viv_signin.php over plain-HTTP keep-alive connections as fast as the
answers come:
- `source`: one address (127.0.0.2) guessing alone;
- `account`: SOURCES addresses (127.0.0.10, ...) guessing in parallel threads.
Counts the answers with code 212 (the guess was checked: wrong password) and 429 (throttled,
not checked). "checked/s" is what an attacker gets to try; "answers/s" how fast refusals
come back. No sleeping: each thread sends its next guess as soon as it has the answer.

    /usr/bin/python3 bench/credential_guessing_bench.py --webvoxd build/webvoxd --seconds 120
"""

import argparse
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
import webvox_harness as h  # noqa: E402


def guess(port, source, seconds, counts, lock):
    client = None
    deadline = time.monotonic() + seconds
    checked = throttled = 0
    n = 0
    while time.monotonic() < deadline:
        if client is None:
            sock = h.open_connection(port, False, source=source)
            client = h.KeepAliveClient.__new__(h.KeepAliveClient)
            client.port, client.host, client.sock = port, h.HOST, sock
            client.stream = sock.makefile("rb")
        n += 1
        reply = h.Reply("", client.get("/api2/viv_signin.php?userid=%s&pwd=guess%d"
                                        % (h.ADMIN_USER, n)))
        code = reply.value("response.level0.body.code")
        if code == "212":
            checked += 1
        elif code == "429":
            throttled += 1
        else:
            raise AssertionError("unexpected answer %r" % reply)
    client.close()
    with lock:
        counts["checked"] += checked
        counts["throttled"] += throttled


def run(port, sources, seconds):
    counts = {"checked": 0, "throttled": 0}
    lock = threading.Lock()
    threads = [threading.Thread(target=guess, args=(port, s, seconds, counts, lock))
               for s in sources]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    return counts, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--webvoxd", required=True)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--sources", type=int, default=20)
    args = parser.parse_args()
    os.environ["WEBVOXD"] = os.path.abspath(args.webvoxd)

    class Holder:
        cleanups = []

        def addCleanup(self, f, *a):
            self.cleanups.append((f, a))

    holder = Holder()
    try:
        for name, sources in (("source", ["127.0.0.2"]),
                              ("account", ["127.0.0.%d" % (10 + i) for i in range(args.sources)])):
            server = h.start_server(holder, log_level="error")  # a fresh throttle for each
            counts, elapsed = run(server.port, sources, args.seconds)
            print("%-8s %3d address(es) %6.1f s: %5d checked (%.4f/s), %7d throttled, "
                  "%.0f answers/s" % (name, len(sources), elapsed, counts["checked"],
                                      counts["checked"] / elapsed, counts["throttled"],
                                      (counts["checked"] + counts["throttled"]) / elapsed))
    finally:
        for f, a in reversed(holder.cleanups):
            f(*a)


if __name__ == "__main__":
    main()

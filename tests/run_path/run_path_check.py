#!/usr/bin/env python3
"""The README's first command as a machine without the test packages sees it.

Runs ``scripts/run.sh`` under ``without_test_packages.sh`` (every file of the test and bench
packages of scripts/install-deps.sh, and of what they pulled in, absent), from a
configuration with the test and bench choices at their defaults, as in a fresh clone. Passes
when:

* the configured tree builds nothing from tests/, bench/ or tools/ (only webvoxd and what it
  serves; fuzz/ only if WEBVOX_CMAKE_OPTIONS asks for it);
* webvoxd prints its listening line;
* it answers the Vivox sign-in the region module sends first (HTTPS, a new connection, read
  with the module's XmlFind) and serves the browser client's page;
* it stops cleanly on SIGTERM (exit code 0).

scripts/run.sh's own environment chooses the build: WEBVOX_BUILD_DIR (default build) and
WEBVOX_CMAKE_OPTIONS, plus CC/CXX; WEBVOX_RUN_PATH_TIMEOUT bounds the wait for webvoxd
(seconds, default 3600). scripts/test.sh runs this on its CI build directory first,
so the objects are compiled once. ``--keep PACKAGE`` leaves a package present (CI keeps clang,
its compiler). Needs root. Prints everything run.sh printed; exits 1 on failure.
"""

import argparse
import os
import queue
import re
import signal
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
import webvox_harness as harness  # noqa: E402

# Building webvoxd from nothing is most of this, and on a machine shared with other builds one
# compiler run alone has taken over 20 minutes. The bound is for a hang, not a goal:
# WEBVOX_RUN_PATH_TIMEOUT (seconds) changes it.
START_TIMEOUT = float(os.environ.get("WEBVOX_RUN_PATH_TIMEOUT", "3600"))
STOP_TIMEOUT = 30.0
ADMIN_USER = "run-path-admin"
ADMIN_PASSWORD = "run-path-check-password"
# Ninja build statements for anything under these directories of the build tree.
TEST_ONLY_OUTPUT = re.compile(rb"^build (?:tests|bench|tools)/", re.MULTILINE)


class Failure(Exception):
    pass


def pump(stream, lines):
    for raw in stream:
        line = raw.decode("utf-8", "replace")
        sys.stdout.write("run.sh| " + line)
        sys.stdout.flush()
        lines.put(line)
    stream.close()
    lines.put(None)


def kill_session(sid):
    """SIGKILL every process of session `sid`: scripts/run.sh and all it started (ninja gives
    each compiler a process group of its own, but they stay in the session)."""
    for _ in range(100):
        found = False
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % entry) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if fields[0] != "Z" and int(fields[3]) == sid:  # state, ppid, pgrp, session
                    os.kill(int(entry), signal.SIGKILL)
                    found = True
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile
        if not found:
            return


def wait_until_listening(proc, lines, deadline):
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Failure("no listening line from webvoxd within %.0f s" % START_TIMEOUT)
        try:
            line = lines.get(timeout=remaining)
        except queue.Empty:
            continue
        if line is None:
            code = proc.wait(timeout=STOP_TIMEOUT)
            raise Failure("scripts/run.sh exited with %s before webvoxd listened" % code)
        match = harness.READY_LINE.match(line)
        if match:
            return match.group(1), int(match.group(2))


def check_build_tree(build_dir):
    path = os.path.join(build_dir, "build.ninja")
    with open(path, "rb") as f:
        found = TEST_ONLY_OUTPUT.search(f.read())
    if found:
        line = found.group(0).decode()
        raise Failure("the run path's configuration builds test-only code (%s...): tests/, "
                      "bench/ and tools/ must be entered only when asked for" % line)


def check_serving(host, port):
    module = harness.VivoxModule("%s:%d" % (host, port), scheme="https",
                                 admin_user=ADMIN_USER, admin_password=ADMIN_PASSWORD)
    if not module.do_admin_login() or not module.auth_token:
        raise Failure("viv_signin.php did not sign the module in: %r" % module.log)
    print("run_path_check: viv_signin.php answered OK with a token")
    page = harness.module_request(port, "/", tls=True, host=host)
    if page.status != 200 or b"<html" not in page.body.lower():
        raise Failure("GET / did not serve the browser client: %r" % page)
    print("run_path_check: GET / served the browser client")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="append", default=[], metavar="PACKAGE",
                        help="leave this test package present (the build's own compiler)")
    args = parser.parse_args()

    build_dir = os.path.join(REPO, os.environ.get("WEBVOX_BUILD_DIR", "build"))
    env = dict(os.environ)
    env["WEBVOX_BUILD_DIR"] = build_dir
    # As in a fresh clone: the test and bench choices at their defaults, whatever an earlier
    # configuration of this build directory cached.
    env["WEBVOX_CMAKE_OPTIONS"] = " ".join(
        ["-UWEBVOX_TESTS", "-UWEBVOX_BENCH", env.get("WEBVOX_CMAKE_OPTIONS", "")]).strip()

    hide = [os.path.join(HERE, "without_test_packages.sh")]
    keep = list(args.keep)
    # scripts/build.sh compiles through ccache where it is installed; its library (hiredis)
    # is also one that coturn, a test package, pulls in: keep the launcher the build uses.
    if shutil.which("ccache"):
        keep.append("ccache")
    for package in keep:
        hide += ["--keep", package]
    with tempfile.TemporaryDirectory(prefix="webvox-run-path-") as scratch:
        env["WEBVOX_DATA_DIR"] = os.path.join(scratch, "data")
        command = hide + ["--", os.path.join(REPO, "scripts", "run.sh"),
                          "--listen", "127.0.0.1:0", "--admin-user", ADMIN_USER,
                          "--admin-password", ADMIN_PASSWORD]
        print("run_path_check: WEBVOX_CMAKE_OPTIONS='%s' %s"
              % (env["WEBVOX_CMAKE_OPTIONS"], " ".join(command)), flush=True)
        # Its own session: on a failure the build and the server go with it. The scripts exec
        # into one another, so proc.pid ends up being webvoxd's.
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                start_new_session=True)
        lines = queue.Queue()
        pumper = threading.Thread(target=pump, args=(proc.stdout, lines), daemon=True)
        pumper.start()
        try:
            started = time.monotonic()
            host, port = wait_until_listening(proc, lines, started + START_TIMEOUT)
            print("run_path_check: webvoxd listening on %s:%d %.0f s after scripts/run.sh started"
                  % (host, port, time.monotonic() - started))
            check_build_tree(build_dir)
            check_serving(host, port)
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=STOP_TIMEOUT)
            if code != 0:
                raise Failure("webvoxd exited with %d after SIGTERM" % code)
        except (Failure, subprocess.TimeoutExpired, OSError) as e:
            print("run_path_check: FAILED: %s" % e, file=sys.stderr)
            return 1
        finally:
            kill_session(proc.pid)
            proc.wait()
            pumper.join(timeout=STOP_TIMEOUT)
    print("run_path_check: passed: scripts/run.sh built webvoxd and served without the test "
          "packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())

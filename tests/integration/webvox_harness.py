"""Shared helpers for the webvox integration tests (Python standard library only).

What is in here:

* ``WebvoxServer``: runs a real ``webvoxd`` in a temporary data folder, waits for its
  ``webvoxd: listening on HOST:PORT (HTTPS and HTTP)`` line (never sleeps), stops it with
  SIGTERM (checking the exit code) or SIGKILL.
* ``module_request``: one HTTP exchange made the way OpenSimulator's VivoxVoiceModule makes
  it (spec §3): GET, ``Content-Length: 0``, ``Connection: Keep-Alive``, no User-Agent or
  Accept-Encoding, a new TCP (+TLS, certificate checks off) connection per request.
* ``dotnet_uri``: the only escaping the module's URLs get (``new Uri(...)``): spaces and
  other unsafe characters become ``%XX``, everything after ``#`` is dropped.
* ``xml_find`` / ``is_ok``: a line-by-line port of the module's ``XmlFind``/``XmlSearch``
  and ``IsOK`` (spec §4). Tests read every answer through these, as the module does.
* ``VivoxModule``: the module's request flows (sign-in, provisioning, channel get-or-create,
  directories, region removal) built on the above, for master (https) and 0.9.1.x (http).

The webvoxd binary is taken from ``--webvoxd PATH`` on the command line (CTest passes it),
else from the ``WEBVOXD`` environment variable, else ``<repo>/build/webvoxd``.
"""

import base64
import os
import queue
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid
from xml.dom import minidom
from xml.parsers.expat import ExpatError

ADMIN_USER = "opensim-admin"
ADMIN_PASSWORD = "s3cret-Pass"
REALM = "voice.example.org"
HOST = "127.0.0.1"

# webvoxd's options for voice forwarded by the server (docs/signalling.md, "Server-forwarded
# voice"): every test that wants it takes them from here.
SFU_MEDIA_ARGS = ("--media-mode", "always-sfu")

START_TIMEOUT = 20.0  # seconds to wait for the "listening" line
STOP_TIMEOUT = 10.0   # seconds to wait for an exit after SIGTERM
IO_TIMEOUT = 10.0     # per socket operation

READY_LINE = re.compile(r"^webvoxd: listening on (\S+):(\d+) \(HTTPS and HTTP\)\s*$")

_HERE = os.path.dirname(os.path.abspath(__file__))


# --------------------------------------------------------------------------------------------
# Locating webvoxd, running a test file
# --------------------------------------------------------------------------------------------

def webvoxd_path():
    path = os.environ.get("WEBVOXD") or os.path.join(_HERE, "..", "..", "build", "webvoxd")
    path = os.path.abspath(path)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise RuntimeError(
            "webvoxd not found at %s: pass --webvoxd PATH or set WEBVOXD" % path)
    return path


def take_load_tool_argument():
    """--load-tool PATH off argv (main() takes --webvoxd); else $LOAD_TOOL, else build/'s."""
    if "--load-tool" in sys.argv:
        i = sys.argv.index("--load-tool")
        os.environ["LOAD_TOOL"] = sys.argv[i + 1]
        del sys.argv[i:i + 2]
    return os.environ.get("LOAD_TOOL") or os.path.join(
        _HERE, "..", "..", "build", "tools", "webvox-load", "webvox-load")


def main():
    """unittest.main() that first takes ``--webvoxd PATH`` (or ``--webvoxd=PATH``) off argv."""
    argv = [sys.argv[0]]
    args = sys.argv[1:]
    i = 0
    while i < len(args):
        if args[i] == "--webvoxd" and i + 1 < len(args):
            os.environ["WEBVOXD"] = args[i + 1]
            i += 2
            continue
        if args[i].startswith("--webvoxd="):
            os.environ["WEBVOXD"] = args[i].split("=", 1)[1]
            i += 1
            continue
        argv.append(args[i])
        i += 1
    webvoxd_path()  # fail early and clearly
    unittest.main(argv=argv, verbosity=2)


def clean_environment(extra=None):
    """The test runner's environment without any WEBVOX_* variable, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEBVOX")}
    env.pop("WEBVOXD", None)
    if extra:
        env.update(extra)
    return env


def make_tempdir(testcase, prefix="webvox-it-"):
    """A fresh temporary folder, removed when `testcase` finishes."""
    path = tempfile.mkdtemp(prefix=prefix)
    testcase.addCleanup(shutil.rmtree, path, True)
    return path


# --------------------------------------------------------------------------------------------
# WebRTC tests: a loopback-only network namespace, the aiortc peer
# --------------------------------------------------------------------------------------------

NETNS_MARK = "WEBVOX_TEST_NETNS"  # set in the re-run inside the namespace


def loopback_only():
    """True if this process's network namespace has no interface but lo."""
    try:
        return [name for _, name in socket.if_nameindex()] == ["lo"]
    except OSError:
        return False


def why_no_namespace():
    """None if `unshare -n` can be used here, else what is missing."""
    if os.geteuid() != 0:
        return "root, for `unshare -n` (a loopback-only network namespace)"
    for tool, package in (("unshare", "util-linux"), ("ip", "iproute2")):
        if shutil.which(tool) is None:
            return "`%s` (package %s)" % (tool, package)
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return "`unshare -n` failed: %s" % probe.stderr.strip()
    return None


def rerun_in_namespace(script):
    """Runs `script` (a test file) again inside `unshare -n` with lo up; returns its exit
    code."""
    env = dict(os.environ, **{NETNS_MARK: "1"})
    command = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"',
               sys.executable, os.path.abspath(script)] + sys.argv[1:]
    return subprocess.call(command, env=env)


# ── what a test cannot run without ──
#
# A test whose package (python3-aiortc, chromium, sox, …) or privilege (root for `unshare -n`)
# is missing fails, naming it: a suite that skips what it cannot run would stay green on a
# machine (CI above all) where half of it never ran. A developer who wants the rest of the
# suite anyway opts in with WEBVOX_ALLOW_SKIP=1; scripts/test.sh (what CI runs) never does.
# tests/missing_dependency.sh is the same rule for the shell runners.

ALLOW_SKIP_ENV = "WEBVOX_ALLOW_SKIP"


class MissingDependency(Exception):
    """Something a test needs is not installed (or not allowed) here."""


def skips_allowed():
    return os.environ.get(ALLOW_SKIP_ENV) == "1"


def missing_message(what):
    if skips_allowed():
        return "SKIP: missing dependency: %s (%s=1: skipped)" % (what, ALLOW_SKIP_ENV)
    return ("FAIL: missing dependency: %s. Install it (scripts/install-deps.sh --test installs "
            "every test package), or set %s=1 to skip what cannot run here instead."
            % (what, ALLOW_SKIP_ENV))


def missing(what):
    """The exception to raise (in setUpClass, or a test) when `what` is missing: `what` says
    what it is and which package brings it. SkipTest only under WEBVOX_ALLOW_SKIP=1."""
    if skips_allowed():
        return unittest.SkipTest(missing_message(what))
    return MissingDependency(missing_message(what))


def main_in_namespace(script):
    """main() for WebRTC test files: re-runs `script` inside a loopback-only namespace unless
    already in one. Without root or unshare: fails, or (WEBVOX_ALLOW_SKIP=1) says SKIP and runs
    (its cases then skip)."""
    if not loopback_only() and os.environ.get(NETNS_MARK) != "1":
        reason = why_no_namespace()
        if reason is None:
            sys.exit(rerun_in_namespace(script))
        print(missing_message(reason), file=sys.stderr)
        if not skips_allowed():
            sys.exit(1)
    main()


def require_loopback_only():
    """For setUpClass of WebRTC tests: fails (or skips, see missing()) unless in a
    loopback-only namespace."""
    if not loopback_only():
        raise missing("a loopback-only network namespace: %s"
                      % (why_no_namespace() or "run through the test file's main"))


def import_aiortc_peer():
    """tests/peers/aiortc_peer.py; fails (or skips, see missing()) when python3-aiortc is
    missing."""
    peers = os.path.join(_HERE, "..", "peers")
    if peers not in sys.path:
        sys.path.insert(0, peers)
    try:
        import aiortc_peer
        return aiortc_peer
    except ImportError as e:
        raise missing("the aiortc peer needs the python3-aiortc package (apt-get install "
                      "python3-aiortc, run with /usr/bin/python3): %s" % e)


# What driving Chromium pages takes: (command, the Debian package that brings it).
BROWSER_TOOLS = ((os.environ.get("CHROMIUM", "/usr/bin/chromium"), "chromium"),
                 ("node", "nodejs"), ("sox", "sox"))


class PageDriver:
    """Chromium pages driven through tests/browser/page_driver.mjs (one JSON command per line),
    for Python tests that want browsers next to aiortc peers. Needs node, /usr/bin/chromium
    (or $CHROMIUM), sox and tests/browser's node_modules (made by its ensure-deps.sh).
    ``await PageDriver.start()``; every command answers within `timeout` or fails."""

    BROWSER_DIR = os.path.join(_HERE, "..", "browser")

    @staticmethod
    def why_unavailable():
        """None if Chromium pages can be driven here, else the reason."""
        for tool, package in BROWSER_TOOLS:
            if shutil.which(tool) is None:
                return "%s (package %s)" % (tool, package)
        ensure = subprocess.run(["bash", os.path.join(PageDriver.BROWSER_DIR, "ensure-deps.sh")],
                                capture_output=True, text=True)
        if ensure.returncode != 0:
            return "tests/browser/ensure-deps.sh failed: %s" % ensure.stderr.strip()[-500:]
        return None

    def __init__(self, proc):
        self.proc = proc

    @classmethod
    async def start(cls, timeout=30.0):
        import asyncio
        proc = await asyncio.create_subprocess_exec(
            "node", os.path.join(cls.BROWSER_DIR, "page_driver.mjs"), cwd=cls.BROWSER_DIR,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, limit=1 << 24)
        driver = cls(proc)
        await driver._reply(timeout)  # {"ready": true}
        return driver

    async def _reply(self, timeout):
        import asyncio
        import json
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        if not line:
            raise AssertionError("page driver exited (%s)" % self.proc.returncode)
        message = json.loads(line)
        if not message.get("ok"):
            raise AssertionError("page driver: %s\npage log: %s"
                                 % (message.get("error"), "\n".join(message.get("log", []))))
        return message

    async def command(self, cmd, timeout=90.0, **fields):
        import json
        self.proc.stdin.write((json.dumps(dict(fields, cmd=cmd)) + "\n").encode("utf-8"))
        await self.proc.stdin.drain()
        return await self._reply(timeout)

    async def quit(self, timeout=30.0):
        import asyncio
        if self.proc.returncode is not None:
            return
        try:
            self.proc.stdin.write(b'{"cmd": "quit"}\n')
            await self.proc.stdin.drain()
            await asyncio.wait_for(self.proc.wait(), timeout)
        except (asyncio.TimeoutError, ConnectionError):
            self.proc.kill()
            await self.proc.wait()


# --------------------------------------------------------------------------------------------
# Running webvoxd
# --------------------------------------------------------------------------------------------

class ServerError(AssertionError):
    pass


class WebvoxServer:
    """One webvoxd process. Construct, then start(); stop() (SIGTERM) or kill9()."""

    def __init__(self, data_dir, *, admin_user=ADMIN_USER, admin_password=ADMIN_PASSWORD,
                 realm=REALM, listen="127.0.0.1:0", log_level="debug", extra_args=(),
                 env=None, args=None, log_path=None, command_prefix=()):
        self.data_dir = data_dir
        # Run webvoxd through this command, e.g. ("prlimit", "--nofile=1024:4096").
        self.command_prefix = list(command_prefix)
        if args is None:
            args = ["--data-dir", data_dir, "--listen", listen]
            if admin_user is not None:
                args += ["--admin-user", admin_user]
            if admin_password is not None:
                args += ["--admin-password", admin_password]
            if realm is not None:
                args += ["--realm", realm]
            if log_level is not None:
                args += ["--log-level", log_level]
        self.args = list(args) + list(extra_args)
        self.env = clean_environment(env)
        self.log_path = log_path or (os.path.abspath(data_dir).rstrip("/") + ".stderr.log")
        self.proc = None
        self.host = None
        self.port = None
        self.stdout_lines = []
        self._lines = None
        self._log_file = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self, timeout=START_TIMEOUT):
        if self.proc is not None and self.proc.poll() is None:
            raise ServerError("webvoxd already running")
        self._log_file = open(self.log_path, "ab")
        self._log_file.write(b"===== webvoxd started by the test harness\n")
        self._log_file.flush()
        self.proc = subprocess.Popen(self.command_prefix + [webvoxd_path()] + self.args,
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self._log_file,
                                     env=self.env)
        self._lines = queue.Queue()
        self.stdout_lines = []
        threading.Thread(target=self._pump_stdout, args=(self.proc, self._lines),
                         daemon=True).start()
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill9()
                raise ServerError("webvoxd did not print its listening line within %.0f s\n%s"
                                  % (timeout, self.describe()))
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:  # stdout closed: the process is gone
                code = self.proc.wait(timeout=STOP_TIMEOUT)
                raise ServerError("webvoxd exited with %s before listening\n%s"
                                  % (code, self.describe()))
            match = READY_LINE.match(line)
            if match:
                self.host, self.port = match.group(1), int(match.group(2))
                return self

    def _pump_stdout(self, proc, lines):
        # Drains stdout until the process is gone (so webvoxd never blocks on a full pipe).
        try:
            for raw in proc.stdout:
                line = raw.decode("utf-8", "replace")
                self.stdout_lines.append(line)
                lines.put(line)
        finally:
            proc.stdout.close()
            lines.put(None)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM; returns the exit code (webvoxd must exit 0)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise ServerError("webvoxd ignored SIGTERM for %.0f s\n%s" % (timeout, self.describe()))
        finally:
            self._close_log()
        return code

    def kill9(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self._close_log()

    def cleanup(self):
        """For addCleanup: make sure nothing is left running."""
        if self.proc is not None and self.proc.poll() is None:
            self.kill9()
        self._close_log()

    def _close_log(self):
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def stderr_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def describe(self, tail=4000):
        return ("--- webvoxd %s\n--- stdout:\n%s--- stderr (tail):\n%s"
                % (" ".join(self.args), "".join(self.stdout_lines), self.stderr_text()[-tail:]))

    # -- convenience -------------------------------------------------------------------------

    @property
    def authority(self):
        """The module's vivox_server value for this server: host:port."""
        return "%s:%d" % (self.host, self.port)

    def module(self, scheme="https", **kw):
        return VivoxModule(self.authority, scheme=scheme, **kw)

    @property
    def database_path(self):
        return os.path.join(self.data_dir, "webvox.sqlite3")

    def metrics(self, admin_user=ADMIN_USER, admin_password=ADMIN_PASSWORD):
        """GET /metrics (docs/metrics.md) with the admin's credentials: {'name{labels}': float}.
        What tests read to learn the server's state, instead of its log."""
        token = base64.b64encode(("%s:%s" % (admin_user, admin_password)).encode()).decode()
        response = module_request(self.port, "/metrics", tls=False,
                                  extra_headers=[("Authorization", "Basic " + token)])
        if response.status != 200:
            raise ServerError("GET /metrics: %r" % response)
        return parse_metrics(response.text())


def start_server(testcase, data_dir=None, prefix="webvox-it-", **kw):
    """Start a webvoxd for `testcase` (killed at cleanup if still running); without a
    data_dir, in a temporary folder named `prefix`... removed with `testcase`."""
    if data_dir is None:
        data_dir = os.path.join(make_tempdir(testcase, prefix), "data")
    server = WebvoxServer(data_dir, **kw)
    testcase.addCleanup(server.cleanup)
    server.start()
    return server


_METRIC_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$")


def parse_metrics(text):
    """The samples of a Prometheus text exposition: {'name{labels}': float}, labels as
    written. Fails on a line that is neither a comment nor a sample."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = _METRIC_SAMPLE.match(line)
        if not match:
            raise ServerError("not a Prometheus sample line: %r" % line)
        samples[match.group(1) + (match.group(2) or "")] = float(match.group(3))
    return samples


def run_to_exit(args, env=None, timeout=15.0):
    """Run webvoxd expecting it to exit by itself (bad configuration). Returns
    (exit code, stdout, stderr). If it starts serving instead, it is killed and the exit code
    is None."""
    proc = subprocess.Popen([webvoxd_path()] + list(args), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=clean_environment(env))
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return None, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


# --------------------------------------------------------------------------------------------
# HTTP on the wire
# --------------------------------------------------------------------------------------------

def client_tls_context():
    """Like WebUtil.ValidateServerCertificateNoChecks: any certificate, any name."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


_TLS = client_tls_context()


class HttpResponse:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # lower-case name -> value
        self.body = body

    def text(self):
        return self.body.decode("utf-8", "replace")

    def __repr__(self):
        return "HTTP %d %s %r" % (self.status, self.reason, self.body[:600])


class ConnectionClosed(ConnectionError):
    pass


def read_http_response(stream):
    """Reads one HTTP/1.x response from a buffered binary stream (sock.makefile('rb'))."""
    line = stream.readline(65537)
    if not line:
        raise ConnectionClosed("connection closed before a response")
    parts = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/"):
        raise ConnectionError("bad status line %r" % line)
    status = int(parts[1])
    reason = parts[2] if len(parts) > 2 else ""
    headers = {}
    while True:
        line = stream.readline(65537)
        if not line:
            raise ConnectionClosed("connection closed inside the response headers")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = b""
        while True:
            size_line = stream.readline(65537)
            if not size_line:
                raise ConnectionClosed("connection closed inside a chunked body")
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                while stream.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass
                break
            body += stream.read(size)
            stream.readline(65537)
    elif "content-length" in headers:
        length = int(headers["content-length"])
        body = stream.read(length)
        if len(body) != length:
            raise ConnectionClosed("body cut short: %d of %d bytes" % (len(body), length))
    else:
        body = stream.read()
    return HttpResponse(status, reason, headers, body)


def open_connection(port, tls, host=HOST, timeout=IO_TIMEOUT, source=None):
    """`source`: the local address to connect from (another 127.0.0.x stands for another
    machine: the server throttles credential failures per address)."""
    sock = socket.create_connection((host, port), timeout=timeout,
                                    source_address=(source, 0) if source else None)
    if tls:
        sock = _TLS.wrap_socket(sock, server_hostname=None)
    return sock


def build_request(method, target, host_header, body=b"", extra_headers=()):
    """Request bytes as .NET HttpWebRequest sends them for the module (spec §3)."""
    lines = ["%s %s HTTP/1.1" % (method, target), "Host: %s" % host_header]
    for name, value in extra_headers:
        lines.append("%s: %s" % (name, value))
    lines.append("Content-Length: %d" % len(body))
    lines.append("Connection: Keep-Alive")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def module_request(port, target, tls=True, method="GET", body=b"", extra_headers=(),
                   host=HOST, source=None):
    """One request on a NEW connection (TLS unless tls=False), like the module."""
    sock = open_connection(port, tls, host, source=source)
    try:
        sock.sendall(build_request(method, target, "%s:%d" % (host, port), body, extra_headers))
        with sock.makefile("rb") as stream:
            return read_http_response(stream)
    finally:
        sock.close()


class KeepAliveClient:
    """Several requests over one plain-HTTP (or TLS) connection; for load/burst tests."""

    def __init__(self, port, tls=False, host=HOST, timeout=IO_TIMEOUT):
        self.port, self.host = port, host
        self.sock = open_connection(port, tls, host, timeout)
        self.stream = self.sock.makefile("rb")

    def get(self, target):
        self.sock.sendall(build_request("GET", target, "%s:%d" % (self.host, self.port)))
        return read_http_response(self.stream)

    def close(self):
        try:
            self.stream.close()
        finally:
            self.sock.close()


# --------------------------------------------------------------------------------------------
# What .NET's Uri does to the module's URLs
# --------------------------------------------------------------------------------------------

_ESCAPED_ASCII = set(' "<>\\^`{|}')


def dotnet_uri(url):
    """Escape a raw URL the way `new Uri(url)` does before it goes on the wire (spec §3).

    '#' starts a fragment, which is never sent; space, control characters, non-ASCII (as
    UTF-8) and " < > \\ ^ ` { | } become %XX; a '%' not followed by two hex digits becomes
    %25; everything else (& = + ; : / ? @ , $ ! ' ( ) *) stays literal."""
    url = url.split("#", 1)[0]
    out = []
    i = 0
    while i < len(url):
        c = url[i]
        if c == "%":
            if re.match(r"[0-9A-Fa-f]{2}", url[i + 1:i + 3]):
                out.append(url[i:i + 3])
                i += 3
                continue
            out.append("%25")
        elif ord(c) < 0x21 or ord(c) >= 0x7F or c in _ESCAPED_ASCII:
            out.extend("%%%02X" % b for b in c.encode("utf-8"))
        else:
            out.append(c)
        i += 1
    return "".join(out)


def split_url(url):
    """'https://host:port/path?query' -> ('https', 'host:port', '/path?query')."""
    match = re.match(r"^(https?)://([^/]+)(/.*)?$", url)
    if not match:
        raise ValueError("not an absolute http(s) URL: %r" % url)
    return match.group(1), match.group(2), match.group(3) or "/"


def dotnet_double(value):
    """double.ToString() under en-US (OpenSim's default culture): 2.0 -> '2', 2.5 -> '2.5'."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def account_name(agent_uuid):
    """'x' + Base64(UUID bytes, network order) with + -> - and / -> _ (spec §7)."""
    raw = base64.b64encode(uuid.UUID(str(agent_uuid)).bytes).decode("ascii")
    return "x" + raw.replace("+", "-").replace("/", "_")


def module_password():
    """A password as the module makes it: new GUID, '-' -> 'Z', first 16 characters."""
    return str(uuid.uuid4()).replace("-", "Z")[:16]


# --------------------------------------------------------------------------------------------
# The module's XML reader (VivoxVoiceModule.XmlFind / XmlSearch / IsOK)
# --------------------------------------------------------------------------------------------

def parse_document(body):
    """The module's `doc.DocumentElement`, or None where the module gets null (unparseable
    body). The caller passes None for non-2xx answers (the module never sees their body)."""
    try:
        return minidom.parseString(body).documentElement
    except (ExpatError, ValueError):
        return None


def inner_text(element):
    """XmlElement.InnerText of an XmlDocument loaded with PreserveWhitespace = false:
    all descendant text and CDATA, untrimmed; whitespace-only text nodes are not kept."""
    parts = []
    for node in element.childNodes:
        if node.nodeType in (node.TEXT_NODE, node.CDATA_SECTION_NODE):
            if node.nodeType == node.CDATA_SECTION_NODE or node.data.strip(" \t\r\n"):
                parts.append(node.data)
        elif node.nodeType == node.ELEMENT_NODE:
            parts.append(inner_text(node))
    return "".join(parts)


def xml_find(root, tag, nth=0):
    """XmlFind(root, tag, nth, out result) -> (found, result)."""
    if root is None or not tag:
        return False, ""
    counter = [nth]
    return _xml_search(root, tag.split("."), 0, counter)


def _xml_search(e, tags, index, nth):
    # e.Name is the qualified name as written: 'response', or 'v:response' with a prefix.
    if index == len(tags) or e.tagName != tags[index]:
        return False, ""
    if len(tags) - index == 1:
        if nth[0] == 0:
            return True, inner_text(e)
        nth[0] -= 1
        return False, ""
    for node in e.childNodes:
        if node.nodeType == node.ELEMENT_NODE:
            found, result = _xml_search(node, tags, index + 1, nth)
            if found:
                return True, result
    return False, ""


def is_ok(root):
    """IsOK(resp): response.level0.status is exactly 'OK'."""
    _, status = xml_find(root, "response.level0.status")
    return status == "OK"


def dotnet_to_int32(text):
    """Convert.ToInt32(string): throws (here ValueError) on '' or non-integers."""
    stripped = text.strip()
    if not re.fullmatch(r"[+-]?[0-9]+", stripped):
        raise ValueError("Convert.ToInt32(%r) throws FormatException" % text)
    value = int(stripped)
    if not -2 ** 31 <= value < 2 ** 31:
        raise ValueError("Convert.ToInt32(%r) throws OverflowException" % text)
    return value


class Reply:
    """One module call: the HTTP exchange and the root element the module would get."""

    def __init__(self, target, http, error=None):
        self.target = target
        self.http = http
        self.error = error  # transport exception, if any
        ok_status = http is not None and 200 <= http.status < 300
        self.root = parse_document(http.body) if ok_status else None

    @classmethod
    def from_xml(cls, xml, status=200):
        """A Reply for a canned body (to check the reader itself)."""
        body = xml.encode("utf-8") if isinstance(xml, str) else xml
        return cls("(canned)", HttpResponse(status, "OK", {}, body))

    def find(self, tag, nth=0):
        return xml_find(self.root, tag, nth)

    def value(self, tag, nth=0):
        """The found value, or None when XmlFind returns false."""
        found, result = self.find(tag, nth)
        return result if found else None

    def is_ok(self):
        return is_ok(self.root)

    def __repr__(self):
        return "GET %s -> %r%s" % (self.target, self.http,
                                   " (%s)" % self.error if self.error else "")


# --------------------------------------------------------------------------------------------
# The module's request flows
# --------------------------------------------------------------------------------------------

# Format strings exactly as in VivoxVoiceModule.cs (master uses https, 0.9.1.x http).
LOGIN_PATH = "{scheme}://{0}/api2/viv_signin.php?userid={1}&pwd={2}"
LOGOUT_PATH = "{scheme}://{0}/api2/viv_signout.php?auth_token={1}"
GET_ACCOUNT_PATH = "{scheme}://{0}/api2/viv_get_acct.php?auth_token={1}&user_name={2}"
NEW_ACCOUNT_PATH = "{scheme}://{0}/api2/viv_adm_acct_new.php?username={1}&pwd={2}&auth_token={3}"
PASSWORD_PATH = "{scheme}://{0}/api2/viv_adm_password.php?user_name={1}&new_pwd={2}&auth_token={3}"
CHANNEL_PATH = "{scheme}://{0}/api2/viv_chan_mod.php?mode={1}&chan_name={2}&auth_token={3}"
CHANNEL_DEL = "{scheme}://{0}/api2/viv_chan_mod.php?mode={1}&chan_id={2}&auth_token={3}"
CHANNEL_SEARCH_PATH = "{scheme}://{0}/api2/viv_chan_search.php?cond_channame={1}&auth_token={2}"
CHANNEL_SEARCH_BY_PARENT = ("{scheme}://{0}/api2/viv_chan_search.php?&cond_chanparent={1}"
                            "&auth_token={2}")

LEVEL4 = "response.level0.channel-search.channels.channels.level4."
SEARCH_COUNT = "response.level0.channel-search.count"


class ModuleException(Exception):
    """What would escape a module method as an exception (e.g. Convert.ToInt32 on '')."""


def channel_in_search(resp, channel_parent, channel_name):
    """The reading half of VivoxTryGetChannel on a search Reply -> (found, id, uri)."""
    found, count = resp.find(SEARCH_COUNT)
    if not found:
        return False, "", ""
    try:
        channels = dotnet_to_int32(count)
    except ValueError as e:
        raise ModuleException(str(e))
    # "Bug in Vivox Server r2978 where count returns 0": then count the level4.id leaves.
    if channels == 0:
        for j in range(100):
            if not resp.find(LEVEL4 + "id", j)[0]:
                break
            channels = j + 1
    for i in range(channels):
        ok, type_ = resp.find(LEVEL4 + "type", i)
        if not ok or (type_ != "channel" and type_ != "positional_M"):
            continue  # not a channel
        ok, name = resp.find(LEVEL4 + "name", i)
        if not ok or name != channel_name:
            continue  # not the name we are looking for
        if channel_parent is not None and not resp.find(LEVEL4 + "parent", i)[0]:
            continue  # "parent does not match" (only its presence is checked)
        ok, id_ = resp.find(LEVEL4 + "id", i)
        if not ok:
            continue
        ok, uri = resp.find(LEVEL4 + "uri", i)
        if not ok:
            continue
        return True, id_, uri
    return False, "", ""


def directory_in_search(resp, directory_name):
    """The reading half of VivoxTryGetDirectory -> (found, id). Loops `count` only."""
    found, count = resp.find(SEARCH_COUNT)
    if not found:
        return False, ""
    try:
        channels = dotnet_to_int32(count)
    except ValueError as e:
        raise ModuleException(str(e))
    for i in range(channels):
        ok, type_ = resp.find(LEVEL4 + "type", i)
        if not ok or type_ != "dir":
            continue
        ok, name = resp.find(LEVEL4 + "name", i)
        if not ok or name != directory_name:
            continue
        ok, id_ = resp.find(LEVEL4 + "id", i)
        if not ok:
            continue
        return True, id_
    return False, ""


class VivoxModule:
    """The request side of one simulator's VivoxVoiceModule.

    `server` is the vivox_server value (host:port). scheme='https' is master (0.9.2+),
    'http' is 0.9.1.x. Every request is logged in `self.log` as Reply objects."""

    def __init__(self, server, scheme="https", admin_user=ADMIN_USER,
                 admin_password=ADMIN_PASSWORD, channel_type="positional", channel_mode="open",
                 roll_off=2.0, distance_model=2, max_range=60, clamping_distance=10):
        self.server = server
        self.scheme = scheme
        self.admin_user = admin_user
        self.admin_password = admin_password
        self.channel_type = channel_type
        self.channel_mode = channel_mode
        self.roll_off = roll_off
        self.distance_model = distance_model
        self.max_range = max_range
        self.clamping_distance = clamping_distance
        self.auth_token = ""
        self.admin_connected = False
        self.parents = {}
        self.log = []

    # -- transport -----------------------------------------------------------------------------

    def format(self, fmt, *args):
        return fmt.format(self.server, *args, scheme=self.scheme)

    def raw_call(self, requrl):
        """Sends the (raw, unescaped) URL like HttpWebRequest; never raises."""
        url = dotnet_uri(requrl)
        scheme, authority, target = split_url(url)
        host, _, port = authority.rpartition(":")
        try:
            http = module_request(int(port), target, tls=(scheme == "https"), host=host)
            reply = Reply(target, http)
        except (OSError, ValueError) as e:
            reply = Reply(target, None, e)
        self.log.append(reply)
        return reply

    def call(self, requrl, admin):
        """VivoxCall: an admin call while signed out signs in first; the URL was formatted
        before that, so it still carries the old token (spec §6)."""
        if admin and not self.admin_connected and not self.do_admin_login():
            return Reply(dotnet_uri(requrl), None, "not signed in: request not sent")
        return self.raw_call(requrl)

    # -- admin session -------------------------------------------------------------------------

    def login_url(self):
        return self.format(LOGIN_PATH, self.admin_user, self.admin_password)

    def do_admin_login(self):
        """DoAdminLogin: success iff body.status == 'Ok' and body.auth_token exists."""
        if not self.admin_connected:
            resp = self.raw_call(self.login_url())
            found, status = resp.find("response.level0.body.status")
            if found and status == "Ok":
                found, token = resp.find("response.level0.body.auth_token")
                self.auth_token = token
                if found:
                    self.admin_connected = True
        return self.admin_connected

    def logout(self):
        return self.raw_call(self.format(LOGOUT_PATH, self.auth_token))

    # -- accounts ------------------------------------------------------------------------------

    def get_account_info(self, user):
        return self.call(self.format(GET_ACCOUNT_PATH, self.auth_token, user), True)

    def create_account(self, user, password):
        return self.call(self.format(NEW_ACCOUNT_PATH, user, password, self.auth_token), True)

    def set_password(self, user, password):
        return self.call(self.format(PASSWORD_PATH, user, password, self.auth_token), True)

    def provision(self, agent_uuid, password=None, max_rounds=5):
        """ProvisionVoiceAccountRequest. Returns the viewer's map, or None for undef.
        The module's retry loop never ends after a 201 (spec §6): more than `max_rounds`
        rounds raises ModuleException instead of hanging."""
        agentname = account_name(agent_uuid)
        password = password or module_password()
        code = ""
        retry = False
        rounds = 0
        while True:
            rounds += 1
            if rounds > max_rounds:
                raise ModuleException("provisioning loops on viv_get_acct (spec §6 loop bug)")
            resp = self.get_account_info(agentname)
            found, code = resp.find("response.level0.status")
            if found and code != "OK":
                found, code = resp.find("response.level0.body.code")
                if found:
                    if code == "201":
                        self.admin_connected = False
                        retry = self.do_admin_login()
                    elif code == "403":
                        resp = self.create_account(agentname, password)
                        found, code = resp.find("response.level0.status")
                        if found and code == "201":
                            self.admin_connected = False
                            retry = self.do_admin_login()
            if not retry:
                break
        if code != "OK":
            return None
        self.set_password(agentname, password)
        return {"username": agentname, "password": password,
                "voice_account_server_name": "http://%s/api2" % self.server}

    # -- channels ------------------------------------------------------------------------------

    def search_by_name(self, name):
        return self.call(self.format(CHANNEL_SEARCH_PATH, name, self.auth_token), True)

    def try_get_channel(self, channel_parent, channel_name):
        """VivoxTryGetChannel -> (found, id, uri). Master passes channel_parent='' (non-null,
        so a <parent> leaf is required); None skips that check."""
        return channel_in_search(self.search_by_name(channel_name), channel_parent, channel_name)

    def create_channel_url(self, parent, name, description):
        requrl = self.format(CHANNEL_PATH, "create", name, self.auth_token)
        if parent:
            requrl += "&chan_parent=%s" % parent
        if description:
            requrl += "&chan_desc=%s" % description
        requrl += "&chan_type=%s" % self.channel_type
        requrl += "&chan_mode=%s" % self.channel_mode
        requrl += "&chan_roll_off=%s" % (self.roll_off if isinstance(self.roll_off, str)
                                         else dotnet_double(self.roll_off))
        requrl += "&chan_dist_model=%s" % self.distance_model
        requrl += "&chan_max_range=%s" % self.max_range
        requrl += "&chan_clamping_distance=%s" % self.clamping_distance
        return requrl

    def try_create_channel(self, parent, name, description):
        """VivoxTryCreateChannel -> (ok, uri): ok iff body.chan_uri exists (status unread)."""
        resp = self.call(self.create_channel_url(parent, name, description), True)
        found, uri = resp.find("response.level0.body.chan_uri")
        return (True, uri) if found else (False, "")

    def get_or_create_channel(self, parent, name, description):
        """RegionGetOrCreateChannel's core -> (uri, created). Raises ModuleException where the
        module throws ('vivox channel uri not available' -> viewer gets undef)."""
        found, _, uri = self.try_get_channel(parent, name)
        if found:
            return uri, False
        ok, uri = self.try_create_channel(parent, name, description)
        if ok:
            return uri, True
        raise ModuleException("vivox channel uri not available")

    def parcel_voice_info(self, region_uuid, region_name, parcel_global_id, parcel_name,
                          parcel_local_id, use_estate_channel, legacy=False):
        """ParcelVoiceInfoRequest (voice allowed) -> channel_uri. Master: the region channel
        only with UseEstateVoiceChan; 0.9.1.x: also for LocalID 1."""
        parent = self.parents[region_uuid]
        region_channel = use_estate_channel or (legacy and parcel_local_id == 1)
        if region_channel:
            name, desc = region_uuid, "%s:%s" % (region_name, region_name)
        else:
            name, desc = parcel_global_id, "%s:%s" % (region_name, parcel_name)
        return self.get_or_create_channel(parent, name, desc)[0]

    # -- directories (0.9.1.x) and region lifecycle --------------------------------------------

    def try_get_directory(self, directory_name):
        """VivoxTryGetDirectory -> (found, id)."""
        return directory_in_search(self.search_by_name(directory_name), directory_name)

    def try_create_directory(self, dir_name, description):
        """VivoxTryCreateDirectory -> (ok, id): needs IsOK and body.chan_id."""
        requrl = self.format(CHANNEL_PATH, "create", dir_name, self.auth_token)
        if description:
            requrl += "&chan_desc=%s" % description
        requrl += "&chan_type=dir"
        resp = self.call(requrl, True)
        if resp.is_ok():
            found, chan_id = resp.find("response.level0.body.chan_id")
            if found:
                return True, chan_id
        return False, ""

    def list_children(self, dir_id):
        return self.call(self.format(CHANNEL_SEARCH_BY_PARENT, dir_id, self.auth_token), True)

    def child_ids(self, dir_id):
        """What the module reads from a listing: count, then level4.id for i < count."""
        children = self.list_children(dir_id)
        ids = []
        found, count = children.find(SEARCH_COUNT)
        if found:
            try:
                cnum = dotnet_to_int32(count)
            except ValueError as e:
                raise ModuleException(str(e))
            for i in range(cnum):
                ok, id_ = children.find(LEVEL4 + "id", i)
                if ok:
                    ids.append(id_)
        return ids

    def delete_channel(self, parent, channel_id):
        requrl = self.format(CHANNEL_DEL, "delete", channel_id, self.auth_token)
        if parent:
            requrl += "&chan_parent=%s" % parent
        return self.call(requrl, True)

    def _delete_directory_children(self, dir_id):
        """Returns the list of (child id, delete Reply)."""
        return [(cid, self.delete_channel(dir_id, cid)) for cid in self.child_ids(dir_id)]

    def add_region(self, region_uuid, region_name, legacy=False):
        """AddRegion. Master: no request. 0.9.1.x: find or create the region directory,
        emptying it if found. Returns the parent id stored for the region."""
        if not legacy:
            if region_uuid in self.parents:
                self.remove_region(region_uuid, region_name)
            self.parents[region_uuid] = ""
            return ""
        found, channel_id = self.try_get_directory(region_uuid + "D")
        if found:
            self._delete_directory_children(channel_id)
        else:
            ok, channel_id = self.try_create_directory(region_uuid + "D", region_name)
            if not ok:
                channel_id = ""
        if region_uuid in self.parents:
            self.remove_region(region_uuid, region_name, legacy=True)
        self.parents[region_uuid] = channel_id
        return channel_id

    def remove_region(self, region_uuid, region_name, legacy=False, old_legacy=False):
        """RemoveRegion. Deletes children and the directory only if a 'dir' named
        {RegionUUID}D exists; `old_legacy` (before 523d6dd2da) also sends the directory
        delete with an empty id when none was found. Returns the directory id or ''."""
        found, channel_id = self.try_get_directory(region_uuid + "D")
        if found:
            self._delete_directory_children(channel_id)
        if found or old_legacy:
            self.delete_channel(None, channel_id)
        self.parents.pop(region_uuid, None)
        return channel_id if found else ""


# --------------------------------------------------------------------------------------------
# Looking at the stored state (read-only)
# --------------------------------------------------------------------------------------------

def db_connect(database_path):
    """A read-only connection to webvoxd's SQLite file (safe while webvoxd runs)."""
    import sqlite3
    return sqlite3.connect("file:%s?mode=ro" % database_path, uri=True, timeout=10)


def db_rows(database_path, sql, params=()):
    conn = db_connect(database_path)
    try:
        conn.row_factory = __import__("sqlite3").Row
        return [dict(row) for row in conn.execute(sql, params)]
    finally:
        conn.close()


def integrity_check(database_path):
    """PRAGMA integrity_check on a copy of the database files (so that opening it does not
    checkpoint or otherwise change the original). Returns the result text ('ok')."""
    import sqlite3
    folder = tempfile.mkdtemp(prefix="webvox-db-copy-")
    try:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(database_path + suffix):
                shutil.copy2(database_path + suffix,
                             os.path.join(folder, "copy.sqlite3" + suffix))
        conn = sqlite3.connect(os.path.join(folder, "copy.sqlite3"))
        try:
            return "\n".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
        finally:
            conn.close()
    finally:
        shutil.rmtree(folder, True)


def pbkdf2_matches(stored_hash, password):
    """Checks a 'pbkdf2-sha256$ITER$SALT$DIGEST' hash (base64) against a password."""
    import hashlib
    scheme, iterations, salt, digest = stored_hash.split("$")
    if scheme != "pbkdf2-sha256":
        raise ValueError("unknown hash scheme %r" % scheme)
    derived = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), base64.b64decode(salt),
                                  int(iterations))
    return derived == base64.b64decode(digest)


# --------------------------------------------------------------------------------------------
# Signalling (docs/signalling.md): URLs, join tokens (the WebSocket client itself is in
# signalling_client.py, which needs python3-websockets)
# --------------------------------------------------------------------------------------------

def signal_url(server, tls=False):
    """ws://127.0.0.1:PORT/signal (or wss://) for a running WebvoxServer."""
    return "%s://%s:%d/signal" % ("wss" if tls else "ws", server.host, server.port)


def basic_auth(user=ADMIN_USER, password=ADMIN_PASSWORD):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode("utf-8")).decode("ascii")


def admin_join_token_request(server, body, user=ADMIN_USER, password=ADMIN_PASSWORD, tls=False):
    """POST /admin/join-tokens with HTTP Basic credentials. `body` is a dict (sent as JSON) or
    raw bytes. Returns (HttpResponse, parsed JSON body or None)."""
    import json
    raw = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    headers = [("Content-Type", "application/json")]
    if user is not None:
        headers.append(("Authorization", basic_auth(user, password)))
    http = module_request(server.port, "/admin/join-tokens", tls=tls, method="POST", body=raw,
                          extra_headers=headers)
    try:
        parsed = json.loads(http.body.decode("utf-8"))
    except ValueError:
        parsed = None
    return http, parsed


def admin_join_token(server, account, channel, name=None, ttl=None):
    """A join token from the admin endpoint (asserts a 200); returns the answer's dict
    {token, expires, url}."""
    body = {"account": account, "channel": channel}
    if name is not None:
        body["name"] = name
    if ttl is not None:
        body["ttl"] = ttl
    http, parsed = admin_join_token_request(server, body)
    if http.status != 200 or not isinstance(parsed, dict) or "token" not in parsed:
        raise ServerError("POST /admin/join-tokens %r -> %r" % (body, http))
    return parsed


def cli_join_token(server, account, channel, name=None, ttl=None):
    """`webvoxd token ...` with the server's own configuration (data dir, realm, admin); returns
    (exit code, stdout, stderr)."""
    args = ["token", "--account", account, "--channel", channel]
    if name is not None:
        args += ["--name", name]
    if ttl is not None:
        args += ["--ttl", str(ttl)]
    config = [a for a in server.args]
    # The same settings as the server, minus where it listens.
    if "--listen" in config:
        i = config.index("--listen")
        del config[i:i + 2]
    return run_to_exit(args + config)


def _b64url(raw):
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _b64url_decode(text):
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_key(data_dir):
    """The join-token key webvoxd generated into DATA_DIR/token-key (raw bytes)."""
    with open(os.path.join(data_dir, "token-key"), "r", encoding="ascii") as f:
        return _b64url_decode(f.read())


def mint_join_token(key, account, channel, expires, name=None, payload=None):
    """A v1 join token signed with `key` (raw bytes) the way docs/signalling.md describes:
    v1.<base64url JSON payload>.<base64url HMAC-SHA256 over 'v1.<payload>'>. `payload`
    (a dict) replaces the usual claims, for malformed-token tests."""
    import hashlib
    import hmac
    import json
    if payload is None:
        payload = {"acct": account, "chan": channel, "exp": int(expires)}
        if name is not None:
            payload["name"] = name
    signed = "v1." + _b64url(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
    return signed + "." + _b64url(hmac.new(key, signed.encode("ascii"), hashlib.sha256).digest())


def turn_credential(secret, username):
    """coturn's REST credential: base64(HMAC-SHA1(secret, username))."""
    import hashlib
    import hmac
    return base64.b64encode(hmac.new(secret.encode("utf-8"), username.encode("utf-8"),
                                     hashlib.sha1).digest()).decode("ascii")


def start_shared_server(cls, **kw):
    """setUpClass for cases sharing one server: cls.server (start_server's keywords), kept
    alive by cls._holder until stop_shared_server."""
    cls._holder = unittest.TestCase()
    cls.server = start_server(cls._holder, **kw)
    return cls.server


def sign_in_module(cls):
    """After start_shared_server: cls.url (the signalling WebSocket) and cls.module, signed in
    over plain HTTP as the region module does."""
    cls.url = signal_url(cls.server)
    cls.module = cls.server.module(scheme="http")
    if not cls.module.do_admin_login():
        raise AssertionError("admin sign-in failed: %r" % cls.module.log)


class SharedServerCase(unittest.TestCase):
    """One webvoxd shared by the tests of a class (start-up is the slow part), started with
    the class's server_kwargs."""

    server_kwargs = {}

    @classmethod
    def setUpClass(cls):
        start_shared_server(cls, **cls.server_kwargs)

    @classmethod
    def tearDownClass(cls):
        stop_shared_server(cls)


def stop_shared_server(cls):
    """tearDownClass for cases sharing one server (cls.server, cls._holder): it must stop
    cleanly on SIGTERM (exit 0, which under AddressSanitizer also means no leaks)."""
    try:
        code = cls.server.stop()
        if code != 0:
            raise AssertionError("webvoxd exited %s on SIGTERM\n%s"
                                 % (code, cls.server.describe()))
    finally:
        cls._holder.doCleanups()

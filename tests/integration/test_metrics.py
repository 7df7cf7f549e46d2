#!/usr/bin/env python3
"""The operator's endpoints of a real webvoxd (docs/metrics.md): GET /metrics behind the admin
credentials by default and open with metrics-public, its text checked by Prometheus's own
`promtool check metrics`, its Vivox and sign-in counters moving as calls are made; /healthz;
/readyz answering 503 with the reason while the store cannot take a write; log-format json.

promtool comes with Debian's prometheus package (scripts/install-deps.sh --test); without it
this test fails (webvox_harness.missing), it does not pass unchecked.
"""

import base64
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webvox_harness as h  # noqa: E402

def admin_header(user=h.ADMIN_USER, password=h.ADMIN_PASSWORD):
    token = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
    return [("Authorization", "Basic " + token)]


parse_metrics = h.parse_metrics


def promtool_check(testcase, text):
    promtool = shutil.which("promtool")
    if promtool is None:
        raise h.missing("promtool (package prometheus)")
    result = subprocess.run([promtool, "check", "metrics"], input=text.encode(),
                            capture_output=True, timeout=60)
    testcase.assertEqual(result.returncode, 0,
                         "promtool check metrics:\n%s%s"
                         % (result.stdout.decode(), result.stderr.decode()))
    # promtool prints lint problems (names, units, HELP) and still exits 0 for some.
    testcase.assertEqual(result.stdout.decode().strip() + result.stderr.decode().strip(), "",
                         "promtool found problems")


def wait_ready(server, timeout=10.0):
    """GET /readyz until it answers 200 (the last answer after `timeout`); while not ready
    it may only say that the media thread has not ticked yet."""
    deadline = time.monotonic() + timeout
    while True:
        ready = h.module_request(server.port, "/readyz", tls=False)
        if ready.status == 200 or time.monotonic() > deadline:
            return ready
        if ready.text() != "not ready: media: the media thread is not ticking\n":
            return ready
        time.sleep(0.02)  # the media thread ticks every 20 ms


class GuardedMetricsTest(unittest.TestCase):
    """The default: /metrics needs the admin's credentials."""

    @classmethod
    def setUpClass(cls):
        h.start_shared_server(cls, prefix="webvox-metrics-")

    @classmethod
    def tearDownClass(cls):
        h.stop_shared_server(cls)

    def get(self, target, headers=(), tls=False):
        return h.module_request(self.server.port, target, tls=tls, extra_headers=headers)

    def scrape(self):
        response = self.get("/metrics", admin_header())
        self.assertEqual(response.status, 200, response)
        self.assertTrue(response.headers["content-type"].startswith("text/plain; version=0.0.4"),
                        response.headers)
        return response.text()

    def test_metrics_need_the_admin_credentials(self):
        self.assertEqual(self.get("/metrics").status, 401)
        self.assertEqual(self.get("/metrics", admin_header(password="wrong")).status, 401)
        self.assertEqual(self.get("/metrics", admin_header(), tls=True).status, 200)

    def test_health_and_readiness_need_no_credentials(self):
        health = self.get("/healthz")
        self.assertEqual((health.status, health.text()), (200, "ok\n"))
        # The media thread starts right after the listening line: until its first tick,
        # /readyz says so.
        ready = wait_ready(self.server)
        self.assertEqual((ready.status, ready.text()), (200, "ready\n"))

    def test_vivox_calls_and_failed_sign_ins_move_the_counters(self):
        before = parse_metrics(self.scrape())
        good = self.server.module()
        self.assertTrue(good.do_admin_login())
        good.get_account_info("nobody-here")
        bad = self.server.module(admin_password="not-the-password")
        self.assertFalse(bad.do_admin_login())
        text = self.scrape()
        after = parse_metrics(text)

        def moved(series):
            return after.get(series, 0) - before.get(series, 0)

        self.assertEqual(moved('webvox_vivox_requests_total{endpoint="viv_signin.php",'
                               'result="ok"}'), 1)
        self.assertEqual(moved('webvox_vivox_requests_total{endpoint="viv_signin.php",'
                               'result="not_authorized"}'), 1)
        self.assertEqual(moved('webvox_vivox_requests_total{endpoint="viv_get_acct.php",'
                               'result="account_not_found"}'), 1)
        self.assertEqual(moved('webvox_sign_in_failures_total{door="vivox_admin",'
                               'reason="refused"}'), 1)
        self.assertEqual(moved('webvox_vivox_request_duration_seconds_count'
                               '{endpoint="viv_signin.php"}'), 2)
        self.assertGreater(moved('webvox_vivox_request_duration_seconds_sum'
                                 '{endpoint="viv_signin.php"}'), 0)
        # The scrapes themselves are connections the edge admitted.
        self.assertGreater(moved("webvox_http_connections_accepted_total"), 3)
        # Each drop reason is its own series (at zero here: no media flowed).
        for reason in ("srtp_replayed", "srtp_auth_failed", "late_dtls", "media_before_keys",
                       "no_path", "unknown_kind", "stray_sctp"):
            self.assertIn('webvox_media_dropped_packets_total{layer="transport",reason="%s"}'
                          % reason, after)
        for reason in ("unknown_speaker", "slot_duplicate", "malformed"):
            self.assertIn('webvox_media_dropped_packets_total{layer="sfu",reason="%s"}'
                          % reason, after)
        self.assertIn('webvox_media_dropped_packets_total{layer="udp",reason="sendmmsg_unsent"}',
                      after)
        # The media port runs (media-mode auto): its thread answered the scrape.
        self.assertEqual(after['webvox_channels{mode="mesh"}'], 0)
        self.assertEqual(after["webvox_media_connections"], 0)
        promtool_check(self, text)

    def test_a_failed_admin_http_sign_in_is_counted(self):
        before = parse_metrics(self.scrape())
        self.assertEqual(self.get("/metrics", admin_header(password="nope")).status, 401)
        after = parse_metrics(self.scrape())
        series = 'webvox_sign_in_failures_total{door="admin_http",reason="refused"}'
        self.assertEqual(after[series] - before[series], 1)


class PublicMetricsAndJsonLogTest(unittest.TestCase):
    """metrics-public = true and log-format = "json", from the config file."""

    def test_public_metrics_json_logs_and_readiness_while_the_store_is_locked(self):
        folder = h.make_tempdir(self, "webvox-metrics-public-")
        config = os.path.join(folder, "webvox.toml")
        with open(config, "w") as f:
            f.write('metrics-public = true\nlog-format = "json"\n')
        server = h.start_server(self, data_dir=os.path.join(folder, "data"), log_level="info",
                                extra_args=["--config", config])
        response = h.module_request(server.port, "/metrics", tls=False)
        self.assertEqual(response.status, 200, response)
        promtool_check(self, response.text())

        self.assertEqual(wait_ready(server).status, 200)
        # Another process holds the database's write lock: not ready, and says why.
        holder = sqlite3.connect(server.database_path, timeout=1, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            ready = h.module_request(server.port, "/readyz", tls=False)
            self.assertEqual(ready.status, 503, ready)
            self.assertIn("not ready: store: cannot start a write: database is locked",
                          ready.text())
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        self.assertEqual(wait_ready(server).status, 200)
        # Liveness does not depend on the store.
        self.assertEqual(h.module_request(server.port, "/healthz", tls=False).status, 200)

        self.assertEqual(server.stop(), 0)
        lines = [line for line in server.stderr_text().splitlines()
                 if line and not line.startswith("=====")]
        self.assertTrue(lines)
        for line in lines:
            entry = json.loads(line)  # every log line is one JSON object
            self.assertEqual(sorted(entry), ["level", "logger", "message", "time"], line)
        self.assertTrue(any("GET /metrics open (metrics-public)" in json.loads(line)["message"]
                            for line in lines), lines)


if __name__ == "__main__":
    h.main()

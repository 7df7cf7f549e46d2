"""The SFU load generator against a real webvoxd in media-mode always-sfu, small and short, so the tool
(tools/webvox-load) cannot rot: 4 sessions, 2 speakers, everyone within hearing range, for a
few seconds. Every session must connect, each listener must receive every speaker it hears
(the two speakers hear each other, the others hear both), with low loss and latencies that
make sense for loopback.

Run alone:
    /usr/bin/python3 tests/integration/test_sfu_load.py --webvoxd build/webvoxd \\
        --load-tool build/tools/webvox-load/webvox-load
"""

import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)

import unittest  # noqa: E402

import webvox_harness as h  # noqa: E402

PROVISION = os.path.join(_HERE, "..", "..", "tools", "webvox-load", "provision.py")
SESSIONS = 4
SPEAKERS = 2
SECONDS = 3.0


LOAD_TOOL = h.take_load_tool_argument()


class SfuLoadSmokeTest(unittest.TestCase):

    def test_a_small_load_is_forwarded_with_low_loss(self):
        server = h.start_server(self, log_level="info", extra_args=list(h.SFU_MEDIA_ARGS))
        tmp = h.make_tempdir(self)
        tokens = os.path.join(tmp, "tokens.txt")
        subprocess.run([sys.executable, PROVISION, "--server", server.authority,
                        "--admin-user", h.ADMIN_USER, "--admin-password", h.ADMIN_PASSWORD,
                        "--count", str(SESSIONS), "--out", tokens],
                       check=True, capture_output=True, timeout=30)
        result_path = os.path.join(tmp, "result.json")
        run = subprocess.run([LOAD_TOOL, "--server", server.authority, "--tokens", tokens,
                              "--speakers", str(SPEAKERS), "--warmup", "1.5",
                              "--seconds", str(SECONDS), "--connect-timeout", "20",
                              "--server-pid", str(server.proc.pid), "--json", result_path],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr + server.describe())
        with open(result_path) as f:
            result = json.load(f)
        self.assertEqual(result["ready"], SESSIONS, result)
        # Speakers hear the other speaker, listeners hear both: 1 + 1 + 2 + 2 streams.
        self.assertEqual(result["streams_expected"], 6, result)
        self.assertEqual(result["streams_heard"], 6, result)
        # 6 streams × 50 packets/s; allow for a loaded CI machine.
        self.assertGreater(result["received"], 0.8 * 6 * 50 * SECONDS, result)
        self.assertLess(result["loss"], 0.01, result)
        latency = result["latency_us"]
        self.assertGreater(latency["p50"], 0, result)
        self.assertLessEqual(latency["p50"], latency["p99"], result)
        self.assertLess(latency["p99"], 200_000, result)  # 200 ms: anything more is a bug
        self.assertGreater(result["server"]["kib_per_session"], 0, result)


if __name__ == "__main__":
    h.main()

"""The viewer mode of the load generator (tools/webvox-load --mode viewer) against a real
webvoxd with both viewer-voice doors on, small and short, so the tool behind
bench/viewer_mix_bench.sh cannot rot: 4 simulated SL viewers in one region, 2 speaking a
coded tone, everyone within a few metres, through each door in turn (the JSON-RPC door as
WebRtcVoiceServiceConnector posts to it, the Janus door as os-webrtc-janus drives Janus).
Every viewer must connect with its SLData channel, be told of the others by the roster, and
hear a mixed audio frame for (nearly) every 20 ms of the measured window.

Run alone:
    /usr/bin/python3 tests/integration/test_viewer_load.py --webvoxd build/webvoxd \\
        --load-tool build/tools/webvox-load/webvox-load
"""

import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "viewer-emulator"))

import unittest  # noqa: E402

import webvox_harness as h  # noqa: E402
import webvoxd_doors as doors  # noqa: E402

SESSIONS = 4
SPEAKERS = 2
SECONDS = 3.0


LOAD_TOOL = h.take_load_tool_argument()


class ViewerLoadSmokeTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        doors.start_shared_server(cls, "viewer-load")

    @classmethod
    def tearDownClass(cls):
        doors.stop_shared_server(cls)

    def run_load(self, door, region):
        tmp = h.make_tempdir(self)
        result_path = os.path.join(tmp, "result.json")
        command = [LOAD_TOOL, "--mode", "viewer", "--server", self.server.authority,
                   "--sessions", str(SESSIONS), "--speakers", str(SPEAKERS), "--layout", "crowded",
                   "--region", region, "--warmup", "1.5", "--seconds", str(SECONDS),
                   "--connect-timeout", "20", "--server-pid", str(self.server.proc.pid),
                   "--json", result_path]
        if door == "jsonrpc":
            command += ["--door", "jsonrpc", "--voice-rpc-path",
                        doors.JSONRPC_PATH.format(secret=doors.SETTINGS["viewer-voice-secret"])]
        else:
            command += ["--door", "janus", "--janus-path", doors.JANUS_PATH,
                        "--janus-api-secret", doors.SETTINGS["janus-api-secret"]]
        before = doors.status(self.server)["service"]["speaker_packets"]
        run = subprocess.run(command, capture_output=True, text=True, timeout=90)
        self.assertEqual(run.returncode, 0, run.stderr + self.server.describe())
        with open(result_path) as f:
            result = json.load(f)
        # What the speakers' jitter buffers did, as the admin status counts it (the rooms may
        # be closed by now: their counters stay).
        after = doors.wait_for_status(
            self.server, lambda st: st["service"]["speaker_packets"]["played"] > before["played"])
        result["speaker_packets"] = {k: after["service"]["speaker_packets"][k] - before[k] for k in before}
        return result

    def check(self, result):
        self.assertEqual(result["ready"], SESSIONS, result)
        # The server kept every viewer's data channel, and its roster named the others.
        self.assertEqual(result["sl_data"]["sessions_with_channel"], SESSIONS, result)
        self.assertEqual(result["sl_data"]["sessions_with_roster_join"], SESSIONS, result)
        # Everyone hears someone (the two speakers each other): one mixed audio frame per
        # 20 ms each. Loose bounds for a loaded CI machine; the benchmark holds 1 %.
        self.assertEqual(result["hearing_listeners"], SESSIONS, result)
        frames = result["frames"]
        self.assertGreaterEqual(frames["expected"], SESSIONS * 50 * SECONDS - SESSIONS, result)
        self.assertGreater(frames["received"], 0.95 * frames["expected"], result)
        self.assertLess(frames["late_or_lost_fraction"], 0.05, result)
        self.assertGreater(result["speaker_frames_sent"], SPEAKERS * 50 * SECONDS, result)
        self.assertGreater(result["server"]["kib_per_session"], 0, result)
        # Every speaker packet webvoxd took in is accounted for, and nearly all were played.
        packets = result["speaker_packets"]
        self.assertGreater(packets["played"], 0.9 * result["speaker_frames_sent"], result)
        self.assertLessEqual(packets["played"], packets["pushed"], result)
        self.assertEqual(packets["malformed"] + packets["decode_error"], 0, result)

    def test_viewers_through_the_json_rpc_door_hear_their_mix(self):
        self.check(self.run_load("jsonrpc", "22222222-2222-4222-8222-222222222222"))

    def test_viewers_through_the_janus_door_hear_their_mix(self):
        self.check(self.run_load("janus", "33333333-3333-4333-8333-333333333333"))


if __name__ == "__main__":
    h.main()

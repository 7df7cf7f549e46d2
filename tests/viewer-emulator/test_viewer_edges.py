#!/usr/bin/python3
"""Viewer voice edge cases through webvoxd that a browser cannot produce, with the scripted
aiortc viewer (aiortc_viewer.py) behind the addon simulator (simulator.py), through both front
doors (webvoxd_doors.py): EdgesJsonRpc (option B) and EdgesJanus (option A, [OS] addon).

Every case has a witness viewer W (440 Hz) joined in the region's estate room first, and
asserts what webvoxd must do:

* test_answer_to_the_raw_offer: the munged offer as raw text (duplicate fmtp after a lone \\r,
  bare \\n) is answered with audio first and the data channel kept (port ≠ 0, sctp-port),
  opus/48000/2 with stereo=1, sprop-stereo=1, useinbandfec=1, sendrecv, BUNDLE of both, ICE-lite,
  one SSRC; SLData opens and V and W hear each other;
* test_weird_trickles: prefixed, garbage, empty, IPv6, mDNS, TCP active port 9, data m-line,
  1000 candidates in one request, completed twice, unknown and foreign viewer_session: every
  request answered as the door answers (HTTP 200 / Janus ack), the session unharmed;
* test_sldata_garbage: binary, 10 KB, invalid JSON, non-objects, nil UUID keys, out-of-range
  and mistyped numbers, 100 000-deep nesting: the server stays up, the sender's session keeps
  working, W still hears V and keeps its roster, and each bad message is counted as dropped
  (webvoxd_doors.sldata_drops);
* test_logout_by_viewer_session: W gets `l` for V within LOGOUT_BOUND, V's media stops;
* test_logout_all_by_zero_uuid: V's two sessions (estate and a parcel) both end;
* test_second_provision_replaces_first: the first connection of the same agent in the same
  room stops getting media, the second works, and W ends with V in its roster;
* test_vanished_viewer_is_reaped: V's sockets closed without a word (no logout, no packet): W
  gets `l` for V within VANISH_BOUND (ICE consent freshness: RFC 7675's 30 s); the two doors'
  cases run at once (VanishedViewers), so their waits overlap.

One webvoxd serves the whole file; every case has a region (voice room) of its own.

Runs in a loopback-only network namespace (re-runs itself under `unshare -n` as root); needs
Debian's python3-aiortc (/usr/bin/python3).
    /usr/bin/python3 tests/viewer-emulator/test_viewer_edges.py --webvoxd build/webvoxd
"""

import asyncio
import json
import math
import os
import sys
import time
import unittest
import uuid

sys.dont_write_bytecode = True
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "integration"))

import webvox_harness as h  # noqa: E402
import webvoxd_doors as doors  # noqa: E402
import hearing  # noqa: E402
import simulator  # noqa: E402

SCALE = float(os.environ.get("WEBVOX_TIMEOUT_SCALE", "1"))
ORIGIN = (256000.0, 256000.0, 25.0)
CONNECT_TIMEOUT = 20.0 * SCALE
HEAR_TIMEOUT = 20.0 * SCALE
LOGOUT_BOUND = 5.0 * SCALE
VANISH_BOUND = 30.0 * SCALE
STALL_SECONDS = 2.0
NEWCOMER_FROM_W = 25.0  # metres, see test_sldata_garbage


def sections(sdp):
    out = [[]]
    for line in sdp.replace("\r\n", "\n").split("\n"):
        if line.startswith("m="):
            out.append([])
        if line:
            out[-1].append(line)
    return out[0], out[1:]


class SharedServer:
    """One webvoxd with both doors on for the whole file (start-up and the sanitizer's exit
    are the slow part): every case has a region of its own."""
    server = None


def setUpModule():
    h.require_loopback_only()
    Edges.aiortc_viewer = _import_aiortc_viewer()
    doors.start_shared_server(SharedServer, "webvox-edges-")
    Edges.server = SharedServer.server


def tearDownModule():
    if SharedServer.server is not None:
        doors.stop_shared_server(SharedServer)


class Edges:
    """The cases; mixed into a TestCase per door."""

    door = None
    flavour = "OS"
    server = None
    aiortc_viewer = None

    async def asyncSetUp(self):
        self.region = str(uuid.uuid4())
        self.viewers = []
        self.addon = doors.make_addon(self.door, self.server.host, self.server.port,
                                      self.flavour)
        try:
            await self.addon.start()
        except Exception as e:
            self.fail("%s door: start-up failed: %s\n%s" % (self.door, e, self.server.describe()))
        self.w = await self.connect(440, x=0)

    async def asyncTearDown(self):
        try:
            await self.addon.close()
        except Exception:
            pass
        for v in self.viewers:
            await v.close()
        self.assertTrue(self.server.running(), "webvoxd died\n%s" % self.server.describe())

    # -- helpers ---------------------------------------------------------------------------

    async def provision(self, v, parcel=None, offer=None):
        try:
            reply = await self.addon.provision(v.agent_id, self.region, offer or v.offer,
                                               parcel_local_id=parcel)
        except Exception as e:
            self.fail("provision through %s failed: %s\n%s" % (self.door, e, self.server.describe()))
        self.assertIsInstance(reply, dict)
        self.assertEqual(reply.get("jsep", {}).get("type"), "answer", "reply: %r" % (reply,))
        self.assertIn("viewer_session", reply)
        return reply

    async def connect(self, hz, x, agent_id=None, parcel=None, join=True):
        v = self.aiortc_viewer.ScriptedViewer(agent_id or uuid.uuid4(), hz)
        self.viewers.append(v)
        await v.make_offer()
        reply = await self.provision(v, parcel)
        v.viewer_session = reply["viewer_session"]
        v.answer = reply["jsep"]["sdp"]
        await v.apply_answer(v.answer)
        await self.addon.signal(v.agent_id, self.region, v.viewer_session,
                                candidates=v.candidates())
        await self.addon.signal(v.agent_id, self.region, v.viewer_session, completed=True)
        await asyncio.wait_for(v.channel_open.wait(), CONNECT_TIMEOUT)
        if join:
            v.join(primary=True)
            v.position(ORIGIN[0] + x, ORIGIN[1], ORIGIN[2])
        return v

    async def wait_hears(self, v, hz):
        try:
            await v.wait_until(lambda: v.hears(hz)[0], HEAR_TIMEOUT, "hearing %d Hz" % hz)
        except AssertionError as failure:
            # What it heard instead, and what the server counted: the failure's evidence.
            heard, frequency, level = v.hears(hz)
            raise AssertionError("%s; heard %s Hz at level %s over %d frames; server: %s"
                                 % (failure, frequency, level, v.heard.frames,
                                    doors.status(self.server)["service"])) from None

    async def wait_media_stops(self, v):
        """True once no frame has arrived for STALL_SECONDS."""
        deadline = time.monotonic() + LOGOUT_BOUND + STALL_SECONDS
        last, since = v.heard.frames, time.monotonic()
        while time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            if v.heard.frames != last:
                last, since = v.heard.frames, time.monotonic()
            elif time.monotonic() - since >= STALL_SECONDS:
                return
        self.fail("%s still receives media (%d frames)" % (v.agent_id, v.heard.frames))

    # -- cases -----------------------------------------------------------------------------

    async def test_answer_to_the_raw_offer(self):
        v = await self.connect(660, x=5)
        self.assertIn("a=fmtp:96 minptime=10;useinbandfec=1\ra=fmtp:96 minptime=10", v.offer)
        session, media = sections(v.answer)
        kinds = [m[0].split(" ")[0] for m in media]
        self.assertEqual(kinds, ["m=audio", "m=application"], v.answer)
        audio, data = media
        self.assertNotEqual(data[0].split(" ")[1], "0", "data channel rejected: %s" % data[0])
        self.assertTrue(any(l.startswith("a=sctp-port:") for l in data), data)
        pt = audio[0].split(" ")[3]
        self.assertIn("a=rtpmap:%s opus/48000/2" % pt, audio)
        fmtp = [l for l in audio if l.startswith("a=fmtp:%s " % pt)]
        self.assertEqual(len(fmtp), 1, fmtp)
        params = dict(p.strip().split("=", 1) for p in fmtp[0].split(" ", 1)[1].split(";") if "=" in p)
        for key in ("stereo", "sprop-stereo", "useinbandfec"):
            self.assertEqual(params.get(key), "1", fmtp)
        self.assertIn("a=sendrecv", audio)
        self.assertTrue(any(l.startswith("a=group:BUNDLE") and l.split()[1:] == ["0", "1"]
                            for l in session + audio), v.answer)
        self.assertIn("a=ice-lite", session + audio, "ICE-lite answer expected")
        self.assertEqual(len({l.split()[0] for l in audio if l.startswith("a=ssrc:")}), 1,
                         "one server stream (the listener's mix)")
        await self.wait_hears(v, 440)
        await self.wait_hears(self.w, 660)

    async def test_weird_trickles(self):
        v = self.aiortc_viewer.ScriptedViewer(uuid.uuid4(), 660)
        self.viewers.append(v)
        await v.make_offer()
        reply = await self.provision(v)
        vs = reply["viewer_session"]
        await v.apply_answer(reply["jsep"]["sdp"])
        real = v.candidates()
        weird = [
            {"candidate": "candidate:" + real[0]["candidate"], "sdpMid": "0", "sdpMLineIndex": 0},
            {"candidate": "not a candidate at all", "sdpMid": "0", "sdpMLineIndex": 0},
            {"candidate": "", "sdpMid": "0", "sdpMLineIndex": 0},
            {"candidate": "1 1 udp 2122260223 ::1 50000 typ host", "sdpMid": "0", "sdpMLineIndex": 0},
            {"candidate": "2 1 udp 2122260223 0f1e2d3c-aaaa-bbbb-cccc-000000000000.local 50001 typ host",
             "sdpMid": "0", "sdpMLineIndex": 0},
            {"candidate": "3 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active",
             "sdpMid": "1", "sdpMLineIndex": 1},
            {"candidate": "4 1 udp 99999999999999 127.0.0.1 70000 typ relay raddr x rport -1",
             "sdpMid": "7", "sdpMLineIndex": 42},
        ]
        # Over any per-request candidate limit of the doors (50 and 64), within the HTTP body
        # limit (64 KiB; over it the request is refused 413 before a door sees it).
        many = [{"candidate": "%d 1 udp 1 127.0.0.%d %d typ host" % (i, i % 250 + 1, 10000 + i),
                 "sdpMid": "0", "sdpMLineIndex": 0} for i in range(300)]
        for batch in (weird, many, real):
            await self.addon.signal(v.agent_id, self.region, vs, candidates=batch)
        for _ in range(2):
            await self.addon.signal(v.agent_id, self.region, vs, completed=True)
        await self.addon.signal(v.agent_id, self.region, str(uuid.uuid4()), candidates=real)
        await self.addon.signal(v.agent_id, self.region, self.w.viewer_session, completed=True)
        await asyncio.wait_for(v.channel_open.wait(), CONNECT_TIMEOUT)
        v.join()
        v.position(ORIGIN[0] + 5, ORIGIN[1], ORIGIN[2])
        await self.wait_hears(v, 440)
        await self.wait_hears(self.w, 660)

    async def test_sldata_garbage(self):
        v = await self.connect(660, x=5)
        await self.wait_hears(self.w, 660)
        await self.w.wait_until(lambda: v.agent_id in self.w.roster, CONNECT_TIMEOUT, "V in W's roster")
        drops_before = doors.sldata_drops(self.server)
        nil = simulator.ZERO_UUID
        garbage_text = [
            "x" * 10240,
            '{"sp": {"x": 1',
            "[]", "null", "42", '"text"', "",
            json.dumps({nil: {"j": {"p": True}}}),
            json.dumps({"sp": {"x": 1e300, "y": 0, "z": 0}}),
            json.dumps({"sp": {"x": 2 ** 63, "y": -2 ** 63, "z": 2 ** 70}}),
            json.dumps({"sp": {"x": "east", "y": None, "z": [1]}}),
            json.dumps({"lh": {"x": 0, "y": 0, "z": 0, "w": 0}}),
            json.dumps({"ug": {self.w.agent_id: -5}}),
            json.dumps({"ug": {self.w.agent_id: 2 ** 40}}),
            json.dumps({"ug": {"not-a-uuid": 110}}),
            json.dumps({"m": {self.w.agent_id: "yes"}}),
            json.dumps({"j": 5}),
            "[" * 100000 + "]" * 100000,
            '{"j":{"p":true}}\x00trailing',
        ]
        for text in garbage_text:
            v.send_text(text)
        v.send_binary(os.urandom(1024))
        v.send_binary(b'{"j":{"p":true}}')
        # A well-formed message after the garbage still counts.
        v.position(ORIGIN[0] + 5, ORIGIN[1], ORIGIN[2])
        # Each message above has nothing usable in it: refused whole, or (the ug/m entries with
        # bad keys or values) kept without the entry and counted as skipped entries. The one
        # keyed by the nil UUID is a well-formed message with nothing the server reads.
        expected_drops = len(garbage_text) + 2 - 1
        deadline = time.monotonic() + LOGOUT_BOUND
        while doors.sldata_drops(self.server) - drops_before < expected_drops:
            if time.monotonic() > deadline:
                self.fail("webvoxd counted %d dropped SLData messages of %d bad ones sent: %s"
                          % (doors.sldata_drops(self.server) - drops_before,
                             expected_drops, doors.status(self.server)["service"]))
            await asyncio.sleep(0.1)
        self.assertTrue(self.server.running())
        frames = v.heard.frames
        await v.wait_until(lambda: v.heard.frames > frames + 25, HEAR_TIMEOUT, "V still receiving")
        self.assertTrue(v.hears(440)[0], "V no longer hears W after its garbage")
        self.assertIn(v.agent_id, self.w.roster)
        # A newcomer still hears W. It stands where, under the region channel's distance model
        # (the module's defaults: linear, full within 10 m, silent from 35 m), W is the louder
        # tone by 6 dB and V still heard: nearer, both within 10 m, the two came equally loud
        # and either could dominate; 35 m or more from W, it hears nobody once its position
        # lands (a hearing that passed only on the frames before that).
        w_gain, v_gain = hearing.gain(NEWCOMER_FROM_W), hearing.gain(NEWCOMER_FROM_W + 5)
        self.assertGreater(v_gain, 0)
        self.assertGreaterEqual(20 * math.log10(w_gain / v_gain), 6)
        other = await self.connect(880, x=-NEWCOMER_FROM_W)
        await self.wait_hears(other, 440)
        # And keeps hearing it once its position has surely landed (sent with the join).
        frames = other.heard.frames
        await other.wait_until(lambda: other.heard.frames > frames + 50, HEAR_TIMEOUT,
                               "the newcomer still receiving")
        await self.wait_hears(other, 440)

    async def test_logout_by_viewer_session(self):
        v = await self.connect(660, x=5)
        await self.wait_hears(v, 440)
        await self.w.wait_until(lambda: v.agent_id in self.w.roster, CONNECT_TIMEOUT, "V joined")
        reply = await self.addon.logout(v.agent_id, self.region, v.viewer_session)
        if self.door == "jsonrpc":
            self.assertNotIn("error", reply)
        await self.w.wait_until(lambda: self.w.left_messages(v.agent_id), LOGOUT_BOUND, "l for V")
        self.assertNotIn(v.agent_id, self.w.roster)
        await self.wait_media_stops(v)

    async def test_logout_all_by_zero_uuid(self):
        agent = str(uuid.uuid4())
        estate = await self.connect(660, x=5, agent_id=agent)
        parcel = await self.connect(660, x=5, agent_id=agent, parcel=7)
        await self.wait_hears(estate, 440)
        await self.w.wait_until(lambda: agent in self.w.roster, CONNECT_TIMEOUT, "V joined")
        reply = await self.addon.logout_all(agent, self.region)
        if self.door == "jsonrpc":
            self.assertNotIn("error", reply)
        await self.w.wait_until(lambda: self.w.left_messages(agent), LOGOUT_BOUND, "l for V")
        await self.wait_media_stops(estate)
        await self.wait_media_stops(parcel)

    async def test_second_provision_replaces_first(self):
        agent = str(uuid.uuid4())
        first = await self.connect(660, x=5, agent_id=agent)
        await self.wait_hears(first, 440)
        second = await self.connect(660, x=5, agent_id=agent)
        await self.wait_media_stops(first)
        frames = second.heard.frames
        await self.wait_hears(second, 440)
        await second.wait_until(lambda: second.heard.frames > frames + 50, HEAR_TIMEOUT, "media")
        await self.w.wait_until(lambda: agent in self.w.roster, CONNECT_TIMEOUT,
                                "V (second connection) in W's roster")
        await self.wait_hears(self.w, 660)

    async def reap_vanished_viewer(self):
        """test_vanished_viewer_is_reaped's case for this door (VanishedViewers runs it)."""
        v = await self.connect(660, x=5)
        await self.wait_hears(self.w, 660)
        await self.w.wait_until(lambda: v.agent_id in self.w.roster, CONNECT_TIMEOUT, "V joined")
        v.vanish()
        started = time.monotonic()
        await self.w.wait_until(lambda: self.w.left_messages(v.agent_id), VANISH_BOUND,
                                "l for the vanished V")
        print("# %s: a vanished viewer was reaped after %.1f s"
              % (self.door, time.monotonic() - started))
        self.assertNotIn(v.agent_id, self.w.roster)
        self.assertTrue(self.server.running())


def _import_aiortc_viewer():
    try:
        import aiortc_viewer
        return aiortc_viewer
    except ImportError as e:
        raise h.missing("the aiortc viewer needs the python3-aiortc package (apt-get install "
                        "python3-aiortc, run with /usr/bin/python3): %s" % e)


class EdgesJsonRpc(Edges, unittest.IsolatedAsyncioTestCase):
    door = "jsonrpc"


class EdgesJanus(Edges, unittest.IsolatedAsyncioTestCase):
    door = "janus"


class VanishedViewers(unittest.IsolatedAsyncioTestCase):
    """test_vanished_viewer_is_reaped through both doors at once: most of it is waiting for ICE
    consent to expire (VANISH_BOUND), so the doors wait together, each in its own region with
    its own witness, each asserting on its own."""

    async def test_vanished_viewer_is_reaped(self):
        cases = [door("reap_vanished_viewer") for door in (EdgesJsonRpc, EdgesJanus)]
        started = []
        try:
            for case in cases:
                await case.asyncSetUp()
                started.append(case)
            results = await asyncio.gather(*(c.reap_vanished_viewer() for c in cases),
                                           return_exceptions=True)
        finally:
            for case in started:
                await case.asyncTearDown()
        failed = ["%s door: %s" % (case.door, result) for case, result in zip(cases, results)
                  if isinstance(result, BaseException)]
        if failed:
            raise AssertionError("\n".join(failed))


if __name__ == "__main__":
    h.main_in_namespace(__file__)

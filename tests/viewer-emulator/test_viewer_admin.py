#!/usr/bin/python3
"""The grid operator's channel admin API (docs/admin.md) on SL viewers: two scripted aiortc
viewers (aiortc_viewer.py) behind the addon simulator's JSON-RPC door, in one region's estate
room, which webvoxd bridges to the region's channel (one world):

1. GET /admin/channels/{uri} lists both agents as `viewer` members of a forwarded channel with
   the viewer mix;
2. mute V: W stops hearing V's tone while the server counts V's packets as kept out of the mix
   (GET /admin/viewer-voice, rtp_operator_muted); unmute: W hears V again;
3. kick V: V's media stops, W's roster says V left, the channel lists W only, and V's new
   provision into that room is refused for the cool-down;
4. close: W's media stops and the channel has nobody in it.

Runs in a loopback-only network namespace (re-runs itself under `unshare -n` as root); needs
Debian's python3-aiortc (/usr/bin/python3).
    /usr/bin/python3 tests/viewer-emulator/test_viewer_admin.py --webvoxd build/webvoxd
"""

import asyncio
import json
import os
import sys
import time
import unittest
import urllib.parse
import uuid

sys.dont_write_bytecode = True
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "integration"))

import webvox_harness as h  # noqa: E402
import webvoxd_doors as doors  # noqa: E402

SCALE = float(os.environ.get("WEBVOX_TIMEOUT_SCALE", "1"))
ORIGIN = (256000.0, 256000.0, 25.0)
CONNECT_TIMEOUT = 20.0 * SCALE
HEAR_TIMEOUT = 20.0 * SCALE
STOP_BOUND = 5.0 * SCALE
STALL_SECONDS = 2.0


class ViewerAdminTest(unittest.IsolatedAsyncioTestCase):

    @classmethod
    def setUpClass(cls):
        h.require_loopback_only()
        try:
            import aiortc_viewer
        except ImportError as e:
            raise h.missing("the aiortc viewer needs the python3-aiortc package (apt-get "
                            "install python3-aiortc, run with /usr/bin/python3): %s" % e)
        cls.aiortc_viewer = aiortc_viewer
        doors.start_shared_server(cls, "webvox-viewer-admin-")

    @classmethod
    def tearDownClass(cls):
        doors.stop_shared_server(cls)

    async def asyncSetUp(self):
        asyncio.get_running_loop().set_debug(False)
        self.region = str(uuid.uuid4())
        self.viewers = []
        self.addon = doors.make_addon("jsonrpc", self.server.host, self.server.port)
        await self.addon.start()

    async def asyncTearDown(self):
        try:
            await self.addon.close()
        except Exception:
            pass
        for v in self.viewers:
            await v.close()
        self.assertTrue(self.server.running(), "webvoxd died\n%s" % self.server.describe())

    # -- helpers -------------------------------------------------------------------------------

    async def connect(self, hz, x, agent_id=None):
        v = self.aiortc_viewer.ScriptedViewer(agent_id or uuid.uuid4(), hz)
        self.viewers.append(v)
        await v.make_offer()
        reply = await self.addon.provision(v.agent_id, self.region, v.offer)
        self.assertIn("viewer_session", reply, reply)
        v.viewer_session = reply["viewer_session"]
        await v.apply_answer(reply["jsep"]["sdp"])
        await self.addon.signal(v.agent_id, self.region, v.viewer_session,
                                candidates=v.candidates())
        await self.addon.signal(v.agent_id, self.region, v.viewer_session, completed=True)
        await asyncio.wait_for(v.channel_open.wait(), CONNECT_TIMEOUT)
        v.join(primary=True)
        v.position(ORIGIN[0] + x, ORIGIN[1], ORIGIN[2])
        return v

    def admin(self, method, path, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        headers = [("Authorization", h.basic_auth())]
        if data:
            headers.append(("Content-Type", "application/json"))
        response = h.module_request(self.server.port, path, tls=False, method=method, body=data,
                                    extra_headers=headers)
        return response.status, json.loads(response.body.decode("utf-8"))

    def channel(self, uri):
        status, body = self.admin("GET", "/admin/channels/" + urllib.parse.quote(uri, safe=""))
        self.assertEqual(status, 200, body)
        return body

    def act(self, uri, action, body=None):
        status, reply = self.admin(
            "POST", "/admin/channels/%s/%s" % (urllib.parse.quote(uri, safe=""), action), body)
        self.assertEqual(status, 200, reply)
        return reply

    async def until(self, check, timeout, what):
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError("no %s within %.0f s; server: %s"
                                     % (what, timeout, doors.status(self.server)["service"]))
            await asyncio.sleep(0.1)  # the deadline decides; this only paces the polling

    async def media_stops(self, v):
        """Returns once no frame has come to `v` for STALL_SECONDS (within STOP_BOUND more)."""
        deadline = time.monotonic() + STOP_BOUND + STALL_SECONDS
        last, since = v.heard.frames, time.monotonic()
        while time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            if v.heard.frames != last:
                last, since = v.heard.frames, time.monotonic()
            elif time.monotonic() - since >= STALL_SECONDS:
                return
        self.fail("%s still receives media (%d frames)" % (v.agent_id, v.heard.frames))

    # -- the case ------------------------------------------------------------------------------

    async def test_mute_kick_and_close_reach_viewers(self):
        w = await self.connect(440, x=0)
        v = await self.connect(660, x=5)
        await w.wait_until(lambda: w.hears(660)[0], HEAR_TIMEOUT, "W hearing V")
        room = doors.estate_room_id(self.region)
        uri = await self.until(lambda: doors.bridged_channel_uri(self.server, room),
                               CONNECT_TIMEOUT, "bridged channel")

        def members():
            return {m["member"]: m for m in self.channel(uri)["members"]}
        v_member, w_member = "viewer-" + v.agent_id.lower(), "viewer-" + w.agent_id.lower()
        listed = await self.until(lambda: (lambda m: m if {v_member, w_member} <= set(m)
                                           else None)(members()), CONNECT_TIMEOUT,
                                  "both agents in the channel")
        state = self.channel(uri)
        self.assertEqual(state["mode"], "forwarded")
        self.assertTrue(state["viewer_mix"])
        self.assertEqual(listed[v_member]["kind"], "viewer")
        v_account = listed[v_member]["account"]

        # Mute: V's packets are kept out of the mix, and W stops hearing V.
        before = doors.status(self.server)["service"]["rtp_operator_muted"]
        reply = self.act(uri, "mute", {"account": v_account})
        self.assertEqual(reply["members"], 1)
        await self.until(lambda: doors.status(self.server)["service"]["rtp_operator_muted"]
                         > before + 50, HEAR_TIMEOUT, "V's packets kept out of the mix")
        heard_level = w.hears(660)[2]
        w.heard = self.aiortc_viewer.aiortc_peer.Listener()

        def silenced():
            # What W gets now (the mix sends a little, then nothing, while W hears nobody) is
            # not V: gone, or down in the codec's noise.
            hears, _, level = w.hears(660, min_seconds=0)
            return w.heard.frames >= 10 and (not hears or level < heard_level - 30)
        try:
            await w.wait_until(silenced, HEAR_TIMEOUT, "W no longer hearing V")
        except AssertionError as failure:
            raise AssertionError("%s: heard %r in %.2f s, %d frames (before the mute: %.1f dBFS)"
                                 % (failure, w.hears(660), w.heard.seconds, w.heard.frames,
                                    heard_level)) from None
        self.assertTrue(members()[v_member]["operator_muted"])
        self.act(uri, "mute", {"account": v_account, "muted": False})
        await w.wait_until(lambda: w.hears(660)[0], HEAR_TIMEOUT, "W hearing V again")

        # Kick: V's session ends, W sees it leave, and V may not come back for now.
        reply = self.act(uri, "kick", {"account": v_account})
        self.assertEqual(reply["kicked"], [{"member": v_member, "kind": "viewer"}])
        await self.media_stops(v)
        await w.wait_until(lambda: w.left_messages(v.agent_id), STOP_BOUND, "l for V")
        await self.until(lambda: v_member not in members(), STOP_BOUND, "V out of the channel")
        again = self.aiortc_viewer.ScriptedViewer(v.agent_id, 660)
        self.viewers.append(again)
        await again.make_offer()
        try:
            refused = await self.addon.provision(again.agent_id, self.region, again.offer)
        except Exception as e:  # a door may answer the refusal as an error
            refused = {"error": str(e)}
        self.assertNotIn("viewer_session", refused, refused)

        # Close: W's call ends too.
        reply = self.act(uri, "close")
        self.assertEqual(reply["channel"], uri)
        await self.media_stops(w)
        await self.until(lambda: self.channel(uri)["mode"] == "idle", STOP_BOUND,
                         "an empty channel")


if __name__ == "__main__":
    h.main_in_namespace(__file__)

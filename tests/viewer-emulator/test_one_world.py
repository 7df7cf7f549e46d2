#!/usr/bin/python3
"""One world (issue 11, docs/viewers.md "Browser residents in the same world"): a browser
resident and an emulated SL viewer in one region hear each other, at the same gains.

Region R (a fixed UUID, corner (256000, 256000), X-SecondLife-Region "Oneworld (256000,
256000)"). Emulated viewer V (a Chromium page running page/viewer.mjs, 660 Hz tone) provisions
into R's estate room through the os-webrtc-janus addon's JSON-RPC connector (simulator.py),
primary, standing at region-local (100, 100, 25) m facing north. A browser resident B (the
webvox web client in Chromium, tests/browser/page_driver.mjs, 440 Hz tone), signed in as
avatar U's voice account, gets into R's voice two ways:

* test_1_hud         — U's HUD reports U at (105, 100, 25) (POST /world/position, and again
                       every 5 s as the script's timer does) and asks for a link (POST
                       /world/link, estate_voice=1), exactly as OpenSimulator sends them
                       (tests/integration/world_hud.py); B's browser opens the /j/<code>;
* test_2_admin_link  — an admin finds R's room in GET /admin/viewer-voice, makes a join token
                       for U's account and the room's channel (POST /admin/join-tokens); B
                       opens it and places itself 5 m east of V (window.webvox.setPosition).

webvoxd runs with both viewer doors, a world secret, admin credentials and media-mode auto; a
fresh one for each case (no region corner or channel left over from the other). Then, in both:

1. B's channel: the one the listing gives for R's estate room; forwarded by the server even
   with one browser in it; the module's default properties (positional, linear 10/60/2);
   B is there as U's account;
2. B's member list holds V's agent as a member with "viewer": true and U's-style account
   (the avatar's Vivox account name), placed in region-local metres at about (100, 100, 25);
   B plays it on its left (B faces north, V is west of it), at gain 1;
3. hearing: B hears V's 660 Hz on V's slot, V hears B's 440 Hz;
4. V's roster holds U joined and primary (j, p), and speaking (v true, p > 0) while B's tone
   plays;
5. pan at V (facing north, B east: on V's right): R at least 25 dB over L; V turning east
   (B straight ahead) centres it (L = R), and R facing north is +3.01 dB over R centred
   (the browser's equal-power law), within PAN_TOLERANCE_DB;
6. distance: B at 5 m, then 25 m: the drop at V and at B matches core::positional_gain for
   linear 10/60/2 (−7.96 dB) within LEVEL_TOLERANCE_DB, and B plays V at that gain; at 40 m
   (beyond the 35 m where linear 10/60/2 ends) V no longer hears B (codec-noise-aware
   silence) and B plays nothing of V.

Every wait is on a condition, bounded and scaled by WEBVOX_TIMEOUT_SCALE. Runs in a
loopback-only network namespace (re-runs itself under `unshare -n` as root); needs Chromium,
node, sox (tests/browser's playwright-core), and fails naming what is missing (skips only
under WEBVOX_ALLOW_SKIP=1).
    nice -n 5 /usr/bin/python3 tests/viewer-emulator/test_one_world.py --webvoxd build/webvoxd
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
import world_hud as hud  # noqa: E402
import hearing  # noqa: E402
import simulator  # noqa: E402
import viewers  # noqa: E402

SCALE = viewers.SCALE

REGION_ID = "3f6c1e2a-8d4b-4a7e-9c05-1b2d3e4f5a60"
REGION_NAME = "Oneworld"
CORNER = (256000.0, 256000.0)
REGION_HEADER = hud.region_header(REGION_NAME, CORNER)
PARCEL_ID = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"   # the parcel's GlobalID; it uses estate voice
WORLD_SECRET = "one-world-" + uuid.uuid4().hex
SERVER_ARGS = ("--world-secret", WORLD_SECRET, "--media-mode", "auto")

V_HZ, B_HZ = 660, 440
V_AT = (100.0, 100.0, 25.0)            # region-local metres
NORTH = math.pi / 2                    # yaw, counter-clockwise from east
B_EAST_OF_V = {d: (V_AT[0] + d, V_AT[1], V_AT[2]) for d in (5, 25, 40)}
B_NAME = "Browser Resident"

CHANNEL = hearing.MODULE_DEFAULTS
CHANNEL_INFO = {"type": "positional", "distanceModel": 2, "clampingDistance": 10.0,
                "maxRange": 60.0, "rollOff": 2.0}
LEVEL_TOLERANCE_DB = 0.5     # as test_viewer_voice: the bar for levels against the gain function
PAN_TOLERANCE_DB = 1.0
VIEWER_AUDIBLE_DB = -50.0       # the viewer's meter: a tone it hears
PAGE_AUDIBLE_DB = -45.0         # the web client: a tone played at gain 1 arrives about -9 dBFS
PAGE_SILENT_DB = -100.0         # the web client: nothing played reads -200
TONE_TOLERANCE_HZ = 15.0
POSITION_TOLERANCE_M = 0.05
CONNECT_TIMEOUT = 30.0
SETTLE_TIMEOUT = 20.0
HUD_KEEPALIVE = 5.0             # webvox-hud.lsl's KEEPALIVE: a report at least this often


def global_pose(local, yaw_radians):
    """A region-local point as the viewer reports it: grid-global metres, yaw in degrees."""
    return {"x": CORNER[0] + local[0], "y": CORNER[1] + local[1], "z": local[2],
            "yaw": math.degrees(yaw_radians)}


def yaw_rotation(yaw):
    """LSL rotation <x, y, z, s> of an avatar turned `yaw` radians about z."""
    return (0.0, 0.0, math.sin(yaw / 2), math.cos(yaw / 2))


class Hud:
    """U's webvox HUD (integrations/opensim/webvox-hud.lsl) as the simulator sends its
    requests: reports where U stands on a move and every HUD_KEEPALIVE seconds (the script's
    timer; webvoxd lets a world position stand over the browser's own for 10 s), and asks for
    a join link on a touch."""

    def __init__(self, server, owner_key, owner_name):
        self.server = server
        self.owner_key = owner_key
        self.owner_name = owner_name
        self.pose = None
        self.answers = []       # (path, status, body) of every request
        self.timer = None
        self.lock = asyncio.Lock()

    async def _post(self, path, make_body):
        """One request at a time, as the script waits for each answer; the body is made when
        the request goes out (the latest pose, not the one of when it was asked for)."""
        async with self.lock:
            body, pos = make_body(), self.pose[0]
            response = await asyncio.get_running_loop().run_in_executor(
                None, lambda: hud.llhttprequest(self.server, path, body, self.owner_key,
                                                self.owner_name, REGION_HEADER, pos=pos))
        self.answers.append((path, response.status, response.text()))
        return response

    def _position_body(self):
        pos, yaw = self.pose
        return hud.position_body(WORLD_SECRET, pos, yaw_rotation(yaw))

    async def report(self, pos, yaw):
        self.pose = (pos, yaw)
        return await self._post(hud.POSITION_PATH, self._position_body)

    async def touch(self, parcel_id, estate_voice):
        return await self._post(hud.LINK_PATH,
                                lambda: hud.link_body(WORLD_SECRET, parcel_id, estate_voice))

    def start_timer(self):
        async def keep_reporting():
            while True:
                await asyncio.sleep(HUD_KEEPALIVE)  # the script's timer, not a wait for anything
                await self._post(hud.POSITION_PATH, self._position_body)
        self.timer = asyncio.ensure_future(keep_reporting())

    async def stop_timer(self):
        if self.timer:
            self.timer.cancel()
            try:
                await self.timer
            except (asyncio.CancelledError, Exception):
                pass

    def refused(self):
        return [a for a in self.answers if a[0] == hud.POSITION_PATH and a[1] != 200]


class OneWorld(unittest.IsolatedAsyncioTestCase):

    @classmethod
    def setUpClass(cls):
        h.require_loopback_only()
        reason = viewers.why_unavailable() or h.PageDriver.why_unavailable()
        if reason:
            raise h.missing("emulated viewers and browser pages: %s" % reason)

    async def asyncSetUp(self):
        asyncio.get_running_loop().set_debug(False)  # debug mode is far too slow for media
        self.notes = []
        self.server = doors.start_server(self, "webvox-oneworld-", SERVER_ARGS)
        self.base = "http://%s:%d" % (self.server.host, self.server.port)
        self.addon = simulator.JsonRpcAddon(doors.jsonrpc_uri(self.server.host, self.server.port),
                                            log=self.notes.append)
        self.bridge = await viewers.ViewerBridge.start()
        self.addAsyncCleanup(self.bridge.quit)
        self.pages = await h.PageDriver.start()
        self.addAsyncCleanup(self.pages.quit)
        self.v = viewers.EmulatedViewer(self.bridge, "v", uuid.uuid4(), V_HZ)
        self.u = str(uuid.uuid4())                  # B's avatar
        self.u_account = h.account_name(self.u)
        self.hud = None

    async def asyncTearDown(self):
        if self.hud:
            await self.hud.stop_timer()
        if self.v.viewer_session:
            try:
                await self.v.logout()
            except Exception as e:  # the server side may be what failed
                self.notes.append("logout: %s" % e)
        await self.addon.close()
        await self.pages.quit()
        await self.bridge.quit()
        for line in self.notes:
            print("# " + line)
        doors.stop_server(self.server, {"world-secret": WORLD_SECRET})

    # -- V, the viewer ---------------------------------------------------------------------------

    async def connect_viewer(self):
        """V in R's estate room, primary, at V_AT facing north; returns once its session is up
        (SLData open, join and pose sent)."""
        v = self.v
        await v.open(processing="off")
        pose = global_pose(V_AT, NORTH)
        await v.call("setPose", {"speaker": pose, "listener": pose})
        try:
            await v.connect(self.addon, REGION_ID)
        except Exception as e:
            self.fail("V: provision through the JSON-RPC door failed: %s\n%s"
                      % (e, self.server.describe()))
        await v.wait(lambda s: s["state"] == "SESSION_UP" and s["connection"] == "connected"
                     and s["lastPoseSent"], CONNECT_TIMEOUT, "SESSION_UP (SLData open, join and "
                     "pose sent)")

    async def turn_viewer(self, yaw):
        pose = global_pose(V_AT, yaw)
        await self.v.call("setPose", {"speaker": pose, "listener": pose})
        await self.v.wait(lambda s: not s["poseDirty"], 5, "the pose sent")

    async def bridged_channel(self):
        """R's estate room's channel as GET /admin/viewer-voice lists it (waiting for the
        room: it is listed from the service's published figures)."""
        room = doors.estate_room_id(REGION_ID)
        deadline = time.monotonic() + 10 * SCALE
        while True:
            uri = doors.bridged_channel_uri(self.server, room)
            if uri:
                return uri
            if time.monotonic() > deadline:
                self.fail("GET %s lists no bridged channel (%s) for room %s, where V talks: %s"
                          % (doors.STATUS_PATH, doors.ROOM_CHANNEL_FIELD, room,
                             json.dumps(doors.status(self.server))[:3000]))
            await asyncio.sleep(0.2)  # polling pace; the deadline decides

    # -- B, the browser resident -----------------------------------------------------------------

    async def page(self, method, *args):
        return (await self.pages.command("call", key="b", method=method, args=list(args)))["value"]

    async def open_browser(self, path):
        try:
            opened = await self.pages.command("open", timeout=120 * SCALE, key="b",
                                              base=self.base, hz=B_HZ, path=path)
        except AssertionError as e:
            self.fail("B could not open %s and get into a channel: %s\n%s"
                      % (path, e, self.server.describe()))
        self.assertEqual(opened["account"], self.u_account, "B is signed in as U's account")
        self.assertEqual(opened["name"], B_NAME)
        return opened

    async def wait_page(self, check, what, timeout=SETTLE_TIMEOUT):
        """Polls B's read-outs (positions, audible, levels) until check(read) is true."""
        deadline = time.monotonic() + timeout * SCALE
        while True:
            seen = {"positions": await self.page("positions"), "audible": await self.page("audible"),
                    "heard": await self.page("heardLevels"), "remote": await self.page("remoteLevels")}
            if check(seen):
                return seen
            if time.monotonic() > deadline:
                self.fail("B: no %s within %.0f s; last read: %s"
                          % (what, timeout * SCALE, json.dumps(seen)[:3000]))
            await asyncio.sleep(0.25)  # polling pace for the page; the deadline decides

    async def page_levels(self, member):
        """What B plays of `member` (heard, after gain and pan, both channels' power) and what
        arrives of it (remote, before), once two readings in a row agree within 0.3 dB."""
        prev = None

        def read(seen):
            nonlocal prev
            remote = next((r for r in seen["remote"] if r["member"] == member), None)
            cur = (seen["heard"].get(member, -200.0), remote["levelDb"] if remote else -200.0)
            settled = prev and all(abs(a - b) < 0.3 for a, b in zip(prev, cur))
            if settled:
                read.levels = {"heard": (prev[0] + cur[0]) / 2, "remote": (prev[1] + cur[1]) / 2}
            prev = cur
            return settled
        await self.wait_page(read, "settled levels of %s" % member)
        return read.levels

    async def move_browser(self, how, distance):
        """B to `distance` m east of V, facing north: by U's HUD, or by the page itself."""
        pos = B_EAST_OF_V[distance]
        if how == "hud":
            response = await self.hud.report(pos, NORTH)
            self.assertEqual((response.status, response.text()), (200, "ok\n"), response)
            source = "world"
        else:
            sent = (await self.page("positions"))["positionsSent"]
            await self.page("setPosition", {"x": pos[0], "y": pos[1], "z": pos[2], "yaw": NORTH})
            await self.wait_page(lambda s: s["positions"]["positionsSent"] > sent,
                                 "position sent", 5)
            source = "client"
        # As B sees itself: for the HUD, webvoxd's `positions` placing it from the world.
        await self.wait_page(lambda s: s["positions"]["self"].get("source") == source and all(
            abs(s["positions"]["self"].get(k, 1e9) - p) < POSITION_TOLERANCE_M
            for k, p in zip("xyz", pos)), "own position %s from the %s" % (pos, source))

    # -- the scenario ----------------------------------------------------------------------------

    async def one_world(self, how, opened):
        v, u = self.v, self.u
        uri = await self.bridged_channel()

        # 1. B's channel.
        self.assertEqual(opened["channel"], uri, "B's channel is R's bridged channel")
        info = opened["channelInfo"]
        self.assertEqual(info.get("forwarding"), "sfu",
                         "a bridged channel is forwarded, even with one browser: %s" % info)
        for k, want in CHANNEL_INFO.items():
            self.assertEqual(info.get(k), want, "channelInfo %s: %s" % (k, info))

        # 2. V among B's members: "viewer": true, the avatar's account, region-local metres.
        deadline = time.monotonic() + SETTLE_TIMEOUT * SCALE
        while True:
            members = (await self.pages.command("members", key="b"))["members"]
            viewer = [m for m in members if doors.is_viewer_member(m)]
            if viewer:
                break
            if time.monotonic() > deadline:
                self.fail("B's members hold no %s: true member for V: %s"
                          % (doors.VIEWER_MEMBER_FIELD, members))
            await asyncio.sleep(0.25)  # polling pace; the deadline decides
        self.assertEqual(len(viewer), 1, viewer)
        viewer = viewer[0]
        self.assertEqual(viewer.get("account"), h.account_name(v.agent_id), viewer)
        vid = viewer["member"]
        self.notes.append("%s: V is B's member %s: %s" % (how, vid, json.dumps(viewer)))

        def placed(s):
            mine = next((m for m in s["positions"]["members"] if m["member"] == vid), None)
            return mine and mine["position"] and all(
                abs(mine["position"][k] - p) < POSITION_TOLERANCE_M for k, p in zip("xyz", V_AT))
        seen = await self.wait_page(placed, "V placed at %s (region-local)" % (V_AT,))
        mine = next(m for m in seen["positions"]["members"] if m["member"] == vid)
        self.assertAlmostEqual(mine["gain"], hearing.gain(5), delta=0.01, msg=mine)
        self.assertAlmostEqual(mine["pan"], -1.0, delta=0.02,
                               msg="V (west) on the left of B facing north: %s" % mine)

        # 3. Hearing each other.
        def hears_v(s):
            remote = next((r for r in s["remote"] if r["member"] == vid), None)
            return (remote and abs(remote["peakHz"] - V_HZ) <= TONE_TOLERANCE_HZ
                    and remote["levelDb"] > PAGE_AUDIBLE_DB
                    and s["heard"].get(vid, -200) > PAGE_AUDIBLE_DB)
        await self.wait_page(hears_v, "V's %d Hz on V's slot, played" % V_HZ, CONNECT_TIMEOUT)
        try:
            north = await hearing.settled_levels(v, B_HZ)
        except AssertionError as e:
            self.fail("V does not hear B steadily: %s\n%s" % (e, await self.diagnose()))
        if max(north.values()) <= VIEWER_AUDIBLE_DB:
            self.fail("V does not hear B's %d Hz: %s\n%s" % (B_HZ, north, await self.diagnose()))

        # 4. V's roster: U joined, primary, speaking.
        await v.wait(lambda s: s["roster"].get(u, {}).get("primary") is True, 10,
                     "U in V's roster with j {p: true}")
        await v.wait(lambda s: s["roster"][u].get("speaking") is True
                     and s["roster"][u].get("level", 0) > 0, 10, "U speaking (v true, p > 0) at V")

        # 5. Pan at V: B on the right, then straight ahead.
        self.assertGreater(north["R"], north["L"] + 25, "B east of V facing north: on the right %s"
                           % north)
        await self.turn_viewer(0.0)
        centre = await hearing.settled_levels(v, B_HZ)
        self.assertDb(centre["L"] - centre["R"], 0.0, PAN_TOLERANCE_DB,
                      "L − R with B straight ahead %s" % centre)
        self.assertDb(north["R"] - centre["R"], hearing.db(1 / hearing.pan_gains(0)[1]),
                      PAN_TOLERANCE_DB, "R with B 90° right over R centred (equal power)")
        await self.turn_viewer(NORTH)
        at5 = await hearing.settled_levels(v, B_HZ)
        self.assertDb(at5["R"], north["R"], PAN_TOLERANCE_DB, "R facing north again")

        # 6. Distance: 5 m, 25 m, 40 m.
        page5 = await self.page_levels(vid)
        self.assertDb(page5["heard"] - page5["remote"], hearing.db(hearing.gain(5)),
                      LEVEL_TOLERANCE_DB, "B plays V at 5 m at the gain of the function")
        await self.move_browser(how, 25)
        expected = hearing.db(hearing.gain(25) / hearing.gain(5))
        at25 = await hearing.settled_levels(v, B_HZ)
        self.notes.append("%s: B at V: 5 m R %.2f, 25 m R %.2f dBFS (expected %+.2f dB)"
                          % (how, at5["R"], at25["R"], expected))
        self.assertDb(at25["R"] - at5["R"], expected, LEVEL_TOLERANCE_DB, "B at V, 25 m against 5 m")
        page25 = await self.page_levels(vid)
        self.notes.append("%s: V at B: 5 m %.2f, 25 m %.2f dBFS played (%.2f, %.2f arriving)"
                          % (how, page5["heard"], page25["heard"], page5["remote"], page25["remote"]))
        self.assertDb(page25["heard"] - page5["heard"], expected, LEVEL_TOLERANCE_DB,
                      "V at B, 25 m against 5 m")
        self.assertDb(page25["heard"] - page25["remote"], hearing.db(hearing.gain(25)),
                      LEVEL_TOLERANCE_DB, "B plays V at 25 m at the gain of the function")

        await self.move_browser(how, 40)
        await self.wait_page(lambda s: s["audible"] is not None and vid not in s["audible"]
                             and s["heard"].get(vid, -200) < PAGE_SILENT_DB,
                             "V out of B's hearing at 40 m")
        try:
            await hearing.assert_silenced(v, B_HZ, at5["R"], "B 40 m from V")
        except AssertionError as e:
            before = (await v.call("stats"))["inbound"] or {}
            m = await v.measure(2000)
            after = (await v.call("stats"))["inbound"] or {}
            self.fail("%s\nthen over 2 s V received %d RTP packets, %d bytes of payload, and "
                      "heard L %.1f / R %.1f dBFS RMS, peaks at %s / %s Hz"
                      % (e, after.get("packetsReceived", 0) - before.get("packetsReceived", 0),
                         after.get("bytesReceived", 0) - before.get("bytesReceived", 0),
                         m["L"]["rmsDb"], m["R"]["rmsDb"], m["L"]["peakHz"], m["R"]["peakHz"]))

    def assertDb(self, measured, expected, tolerance, what):
        self.assertLessEqual(abs(measured - expected), tolerance,
                             "%s: %.2f dB, expected %.2f ± %.1f" % (what, measured, expected, tolerance))

    async def diagnose(self):
        v = self.v
        return "V snapshot: %s\nV log: %s\nadmin status: %s" % (
            json.dumps(await v.snapshot())[:3000], "\n  ".join((await v.log())[-40:]),
            json.dumps(doors.status(self.server))[:3000])

    # -- the two ways in -------------------------------------------------------------------------

    async def test_1_hud(self):
        await self.connect_viewer()
        self.hud = Hud(self.server, self.u, B_NAME)
        response = await self.hud.report(B_EAST_OF_V[5], NORTH)
        self.assertEqual((response.status, response.text()), (200, "ok\n"), response)
        self.hud.start_timer()
        response = await self.hud.touch(PARCEL_ID, estate_voice=True)
        if response.status != 200:
            self.fail("POST /world/link from R (estate voice), where webvoxd has seen V: %d %r; "
                      "the region's bridged channel was expected\n%s"
                      % (response.status, response.text(), self.server.describe()))
        path = response.text().strip()
        self.assertRegex(path, r"^/j/[A-Za-z0-9_-]{22}$")
        opened = await self.open_browser(path)
        link = opened["link"]
        self.assertEqual(link["status"], 303, link)
        self.assertTrue(link["location"].startswith("/?token=v1."), link)
        self.assertEqual(link["cacheControl"], "no-store", link)
        # Placed by the HUD from the start (a connection joining within 60 s of a report).
        await self.wait_page(lambda s: s["positions"]["self"].get("source") == "world",
                             "B placed from the world")
        await self.one_world("hud", opened)
        await self.hud.stop_timer()
        self.assertEqual(self.hud.refused(), [], "HUD position reports refused")

    async def test_2_admin_link(self):
        await self.connect_viewer()
        uri = await self.bridged_channel()
        token = h.admin_join_token(self.server, self.u_account, uri, name=B_NAME)
        self.assertTrue(token["url"].startswith("/?token="), token)
        opened = await self.open_browser(token["url"])
        await self.move_browser("page", 5)
        await self.one_world("page", opened)


if __name__ == "__main__":
    h.main_in_namespace(__file__)

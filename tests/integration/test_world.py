"""The in-world HUD endpoints (docs/world.md) against a real webvoxd, sent exactly as an
OpenSimulator llHTTPRequest sends them, then followed through to the signalling WebSocket:

* POST /world/position places the wearer's signalling connection (``positions`` with
  ``source`` ``world``);
* POST /world/link answers a short /j/<code> path; GET on it redirects once to
  /?token=<join token>, and that token signs in to /signal as the wearer, into the parcel's
  channel (or the region's, for a parcel using the estate voice channel);
* wrong secret 403, malformed 400, flooding 429, unknown parcel 404, a link works once, and
  without world-secret the endpoints do not exist (404).

What the simulator sends (OpenSim's LSL_Api.llHTTPRequest and HttpRequestModule, HttpClient
since 0.9.3): the method and Content-Type the script chose (HTTP_METHOD, HTTP_MIMETYPE; GET and
"text/plain;charset=utf-8" by default), the X-SecondLife-* headers the simulator sets and a
script cannot override (Shard, Object-Name, Object-Key, Region "Name (x, y)", Local-Position,
Local-Velocity, Local-Rotation, Owner-Name, Owner-Key), User-Agent only when [Network]
user_agent is set, "Connection: close", a Content-Length, and the body as UTF-8.

Needs Debian's python3-websockets for the signalling half. Run alone:
    /usr/bin/python3 tests/integration/test_world.py --webvoxd build/webvoxd
Every receive has a timeout; nothing sleeps to synchronise.
"""

import asyncio
import itertools
import json
import os
import sys
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import unittest  # noqa: E402

import webvox_harness as h  # noqa: E402
import world_hud as hud  # noqa: E402

try:
    import websockets  # noqa: E402,F401
    from signalling_client import SignalClient  # noqa: E402
except ImportError as e:  # pragma: no cover
    websockets = None
    _IMPORT_ERROR = e

WORLD_SECRET = "grid-world-secret-7f3c9a1e5b2d"
REGION_UUID = "5b0c7d2e-8a41-4f3b-9c6d-1e2f3a4b5c6d"
REGION_NAME = "Wright Plaza"
REGION_HEADER = hud.region_header(REGION_NAME, (256000, 256000))
FORM = hud.FORM
ll_escape_url = hud.ll_escape_url
lsl_vector = hud.lsl_vector

_serial = itertools.count(1)


def hud_body(fields, secret=WORLD_SECRET):
    return hud.hud_body(fields, secret)


class Avatar:
    """An avatar wearing the HUD: its key, name, and the voice account the module provisions."""

    def __init__(self, name):
        self.key = str(uuid.uuid4())
        self.name = name
        self.account = h.account_name(self.key)
        self.password = None


def llhttprequest(server, path, body, avatar, mimetype=FORM, tls=True,
                  pos=(128.5, 64.0, 22.1)):
    """One POST from `avatar`'s HUD in the test's region (world_hud.llhttprequest)."""
    return hud.llhttprequest(server, path, body, avatar.key, avatar.name, REGION_HEADER,
                             mimetype=mimetype, tls=tls, pos=pos)


def browser_get(server, target):
    """What the resident's browser does with the link llLoadURL offered."""
    return h.module_request(server.port, target, tls=True)


class WorldCase(unittest.IsolatedAsyncioTestCase):
    """One webvoxd with world-secret for the class; each test makes its own avatars."""

    @classmethod
    def setUpClass(cls):
        if websockets is None:
            raise h.missing("python3-websockets (not importable: %s)" % _IMPORT_ERROR)
        h.start_shared_server(cls, extra_args=("--world-secret", WORLD_SECRET))
        h.sign_in_module(cls)
        cls.module.add_region(REGION_UUID, REGION_NAME)

    @classmethod
    def tearDownClass(cls):
        h.stop_shared_server(cls)

    async def asyncSetUp(self):
        asyncio.get_running_loop().set_debug(False)

    # -- fixtures --------------------------------------------------------------------------------

    def avatar(self, provisioned=True):
        avatar = Avatar("Resident %d" % next(_serial))
        if provisioned:
            reply = self.module.provision(avatar.key)
            self.assertIsNotNone(reply)
            self.assertEqual(reply["username"], avatar.account)
            avatar.password = reply["password"]
        return avatar

    def parcel(self, estate=False):
        """A parcel whose channel the module has made (a viewer asked for its voice info)
        -> (parcel GlobalID, channel URI)."""
        parcel_id = str(uuid.uuid4())
        uri = self.module.parcel_voice_info(REGION_UUID, REGION_NAME, parcel_id,
                                            "Parcel %d" % next(_serial), 2, estate)
        self.assertRegex(uri, r"^sip:confctl-\d+@")
        return parcel_id, uri

    def position(self, avatar, x=128.5, y=64.0, z=22.1, rot=(0, 0, 0.70711, 0.70711),
                 secret=WORLD_SECRET, **kw):
        body = hud_body([("pos", lsl_vector(x, y, z)), ("rot", lsl_vector(*rot))], secret)
        return llhttprequest(self.server, "/world/position", body, avatar, pos=(x, y, z), **kw)

    def link(self, avatar, parcel_id, estate=False, secret=WORLD_SECRET):
        body = hud_body([("parcel", parcel_id), ("estate_voice", "1" if estate else "0")], secret)
        return llhttprequest(self.server, "/world/link", body, avatar)

    async def connect(self, label=""):
        client = await SignalClient.connect(self.url, label)
        self.addAsyncCleanup(client.close)
        return client

    async def follow_link(self, response):
        """The browser's part: open /j/<code>, follow the redirect, sign in with the token."""
        self.assertEqual(response.status, 200, response)
        path = response.text()
        self.assertRegex(path, r"^/j/[A-Za-z0-9_-]{22}$")
        # llLoadURL takes at most 255 characters: even a long public base URL leaves room.
        self.assertLess(len("https://voice.some-long-grid-name.example.org:8443" + path), 255)
        redirect = browser_get(self.server, path)
        self.assertEqual(redirect.status, 303, redirect)
        location = redirect.headers.get("location", "")
        self.assertTrue(location.startswith("/?token=v1."), location)
        self.assertEqual(redirect.headers.get("cache-control"), "no-store")
        page = browser_get(self.server, location)
        self.assertEqual(page.status, 200, page)  # the browser client itself
        client = await self.connect("link")
        welcome = await client.hello(token=location[len("/?token="):])
        return path, client, welcome

    # -- positions ---------------------------------------------------------------------------------

    async def test_a_position_from_the_hud_places_the_wearer(self):
        avatar = self.avatar()
        _, uri = self.parcel()
        client = await self.connect(avatar.account)
        await client.hello(account=avatar.account, password=avatar.password)
        await client.join(uri)

        response = self.position(avatar, 128.5, 64.0, 22.1)
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.text(), "ok\n")

        # The hub pushes positions on its own tick: read until ours arrives (bounded; read off
        # the socket directly, whatever the client helper does with `positions`).
        mine = await self.world_position_of(client)
        self.assertAlmostEqual(mine["x"], 128.5, places=3)
        self.assertAlmostEqual(mine["y"], 64.0, places=3)
        self.assertAlmostEqual(mine["z"], 22.1, places=3)
        self.assertAlmostEqual(mine["yaw"], 1.5708, places=3)  # facing north

    async def world_position_of(self, client, timeout=10.0):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        seen = []
        while loop.time() < deadline:
            try:
                raw = await asyncio.wait_for(client.ws.recv(), deadline - loop.time())
            except asyncio.TimeoutError:
                break
            message = json.loads(raw)
            seen.append(message)
            if message.get("type") != "positions":
                continue
            for member in message.get("members", []):
                if member.get("member") == client.member and member.get("source") == "world":
                    return member
        self.fail("no positions message placing %s from the world; got %r" % (client, seen[-5:]))

    def test_the_simulators_default_content_type_is_read_as_a_form(self):
        response = self.position(self.avatar(provisioned=False), mimetype="text/plain;charset=utf-8")
        self.assertEqual(response.status, 200, response)

    def test_plain_http_from_the_simulator_works_too(self):
        response = self.position(self.avatar(provisioned=False), tls=False)
        self.assertEqual(response.status, 200, response)

    # -- links -------------------------------------------------------------------------------------

    async def test_a_link_signs_the_browser_in_as_the_wearer_once(self):
        avatar = self.avatar()
        parcel_id, uri = self.parcel()
        path, client, welcome = await self.follow_link(self.link(avatar, parcel_id))
        self.assertEqual(welcome["account"], avatar.account)
        self.assertEqual(welcome["name"], avatar.name)
        self.assertEqual(welcome["channel"], uri)
        joined = await client.join(uri)
        self.assertEqual(joined["self"]["account"], avatar.account)
        self.assertEqual(joined["self"].get("role", "participant"), "participant")

        again = browser_get(self.server, path)
        self.assertEqual(again.status, 404, again)
        self.assertIn("touch the HUD again", again.text())

    async def test_an_estate_voice_parcel_links_to_the_region_channel(self):
        avatar = self.avatar()
        parcel_id, _ = self.parcel()
        _, region_uri = self.parcel(estate=True)
        _, _, welcome = await self.follow_link(self.link(avatar, parcel_id, estate=True))
        self.assertEqual(welcome["channel"], region_uri)

    def test_an_unknown_parcel_is_404(self):
        response = self.link(self.avatar(), str(uuid.uuid4()))
        self.assertEqual(response.status, 404, response)
        self.assertIn("no voice channel", response.text())

    # -- refusals ----------------------------------------------------------------------------------

    def test_a_wrong_or_missing_secret_is_403(self):
        avatar = self.avatar(provisioned=False)
        parcel_id, _ = self.parcel()
        for response in (self.position(avatar, secret="not-the-grid-secret"),
                         self.link(avatar, parcel_id, secret="not-the-grid-secret"),
                         llhttprequest(self.server, "/world/position",
                                       "pos=" + ll_escape_url(lsl_vector(1, 2, 3)), avatar)):
            self.assertEqual(response.status, 403, response)
            self.assertNotIn(WORLD_SECRET, response.text())
        self.assertNotIn(WORLD_SECRET, self.server.stderr_text())

    def test_malformed_requests_are_400_with_a_reason(self):
        avatar = self.avatar(provisioned=False)
        missing = llhttprequest(self.server, "/world/position", hud_body([]), avatar)
        self.assertEqual(missing.status, 400, missing)
        self.assertIn("'pos' is missing", missing.text())
        self.assertEqual(missing.text().count("\n"), 1)
        outside = self.position(avatar, x=9000.0)
        self.assertEqual(outside.status, 400, outside)
        bad_parcel = llhttprequest(self.server, "/world/link",
                                   hud_body([("parcel", "not-a-key")]), avatar)
        self.assertEqual(bad_parcel.status, 400, bad_parcel)
        self.assertIn("'parcel' is not a UUID", bad_parcel.text())

    def test_flooding_one_avatar_is_429(self):
        flooder = self.avatar(provisioned=False)
        statuses = [self.position(flooder, x=10.0 + i, tls=False).status for i in range(12)]
        self.assertEqual(statuses[:5], [200] * 5, statuses)  # the burst
        self.assertIn(429, statuses)
        self.assertEqual(set(statuses), {200, 429}, statuses)
        # Someone else is not held back by it.
        self.assertEqual(self.position(self.avatar(provisioned=False)).status, 200)


class WithoutWorldSecretTest(unittest.TestCase):
    def test_the_endpoints_do_not_exist(self):
        server = h.start_server(self)
        avatar = Avatar("Nobody")
        body = hud_body([("pos", lsl_vector(1, 2, 3))])
        self.assertEqual(llhttprequest(server, "/world/position", body, avatar).status, 404)
        self.assertEqual(llhttprequest(server, "/world/link", body, avatar).status, 404)
        self.assertEqual(browser_get(server, "/j/AAAAAAAAAAAAAAAAAAAAAA").status, 404)
        self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    h.main()

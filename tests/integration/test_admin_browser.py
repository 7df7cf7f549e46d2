"""The grid operator's mute and kick as a resident sees them in the web client (docs/admin.md),
with two Chromium pages (tests/browser/page_driver.mjs) in a channel that is a peer-to-peer
mesh, where the server carries no audio and the clients enforce the mute:

1. A hears B's tone;
2. the operator mutes B (POST /admin/channels/{uri}/mute): A stops playing B (heardLevels
   silent) and B's page shows the operator_muted banner; unmuted, A hears B again and the
   banner goes;
3. the operator kicks B: B's page leaves the call and shows the `removed` banner, and stays
   out (no rejoin by itself); A no longer has B.

Runs inside a loopback-only network namespace (re-runs itself under `unshare -n` as root);
needs Chromium, node and sox (tests/browser), and fails naming what is missing.
    /usr/bin/python3 tests/integration/test_admin_browser.py --webvoxd build/webvoxd
"""

import asyncio
import json
import os
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import unittest  # noqa: E402

import webvox_harness as h  # noqa: E402

SCALE = float(os.environ.get("WEBVOX_TIMEOUT_SCALE", "1"))
HEAR_TIMEOUT = 60.0 * SCALE
UI_TIMEOUT = 20.0 * SCALE
HEARD_DB = -60.0    # B's tone as A plays it, well above silence
SILENT_DB = -100.0  # the web client reads -200 for what it does not play


class AdminBrowserTest(unittest.IsolatedAsyncioTestCase):

    @classmethod
    def setUpClass(cls):
        h.require_loopback_only()
        reason = h.PageDriver.why_unavailable()
        if reason:
            raise h.missing("Chromium pages: %s" % reason)
        h.start_shared_server(cls)
        h.sign_in_module(cls)
        cls.accounts = []
        for name in ("xpage-a==", "xpage-b=="):
            password = h.module_password()
            if not cls.module.create_account(name, password).is_ok():
                raise AssertionError("could not create %s: %r" % (name, cls.module.log[-1]))
            cls.accounts.append((name, password))
        cls.channel, _ = cls.module.get_or_create_channel("", "admin-pages", "operator in pages")

    @classmethod
    def tearDownClass(cls):
        h.stop_shared_server(cls)

    async def asyncSetUp(self):
        asyncio.get_running_loop().set_debug(False)
        self.pages = await h.PageDriver.start()
        self.addAsyncCleanup(self.pages.quit)

    def act(self, action, body):
        path = "/admin/channels/%s/%s" % (urllib.parse.quote(self.channel, safe=""), action)
        response = h.module_request(self.server.port, path, tls=False, method="POST",
                                    body=json.dumps(body).encode(),
                                    extra_headers=[("Authorization", h.basic_auth()),
                                                   ("Content-Type", "application/json")])
        self.assertEqual(response.status, 200, response)

    async def wait_page(self, key, check, what, timeout=UI_TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            seen = await self.pages.command("read", key=key)
            if check(seen):
                return seen
            if time.monotonic() > deadline:
                raise AssertionError("page %s: no %s within %.0f s: state %s, heard %s"
                                     % (key, what, timeout, seen["state"], seen["heard"]))
            await asyncio.sleep(0.2)  # the deadline decides; this only paces the reads

    async def test_mute_and_kick_as_the_web_client_shows_them_in_a_mesh(self):
        (a_name, a_password), (b_name, b_password) = self.accounts
        base = "http://%s:%d" % (self.server.host, self.server.port)
        a = await self.pages.command("open", key="a", base=base, hz=440, account=a_name,
                                     password=a_password, channel=self.channel,
                                     position={"x": 100, "y": 100, "z": 20, "yaw": 0})
        b = await self.pages.command("open", key="b", base=base, hz=660, account=b_name,
                                     password=b_password, channel=self.channel,
                                     position={"x": 102, "y": 100, "z": 20, "yaw": 0})
        self.assertEqual(b["channelInfo"]["forwarding"], "mesh")
        b_id = b["member"]
        await self.wait_page("a", lambda s: s["heard"].get(b_id, -200) > HEARD_DB,
                             "B's tone at A", HEAR_TIMEOUT)

        self.act("mute", {"account": b_name})
        await self.wait_page("b", lambda s: s["state"]["error"] == "operator_muted",
                             "operator_muted banner at B")
        await self.wait_page("a", lambda s: s["heard"].get(b_id, -200) < SILENT_DB,
                             "B silent at A")

        self.act("mute", {"account": b_name, "muted": False})
        await self.wait_page("b", lambda s: s["state"]["error"] != "operator_muted",
                             "the banner gone at B")
        await self.wait_page("a", lambda s: s["heard"].get(b_id, -200) > HEARD_DB,
                             "B's tone at A again", HEAR_TIMEOUT)

        self.act("kick", {"account": b_name})
        await self.wait_page("b", lambda s: s["state"]["error"] == "removed"
                             and s["state"]["channel"] is None, "B out of the call, told why")
        await self.wait_page("a", lambda s: all(m["member"] != b_id
                                                for m in s["state"]["members"]),
                             "B gone from A's members")
        # B does not come back by itself.
        seen = await self.pages.command("read", key="b")
        self.assertIsNone(seen["state"]["channel"], seen["state"])


if __name__ == "__main__":
    h.main_in_namespace(__file__)

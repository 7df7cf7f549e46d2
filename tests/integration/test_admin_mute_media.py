"""The grid operator's mute in a forwarded channel, proven on the media path (docs/admin.md):
two aiortc peers (tests/peers/aiortc_peer.py, SfuPeer) in a channel webvoxd forwards
(--media-mode always-sfu), each sending its own tone. Before the mute the listener hears the
speaker's tone and the server counts the speaker's packets as carried; once the operator mutes
the speaker through the admin API the server's count of carried packets stands still while its
count of silenced packets rises (read from GET /admin/channels/{uri}, not from the log); after
`webvoxd admin mute … --off` the speaker is carried and heard again.

Runs inside a loopback-only network namespace (re-runs itself under `unshare -n` as root);
fails without root/unshare or python3-aiortc (WEBVOX_ALLOW_SKIP=1: skips).
    /usr/bin/python3 tests/integration/test_admin_mute_media.py --webvoxd build/webvoxd
"""

import asyncio
import json
import os
import sys
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import unittest  # noqa: E402

import webvox_harness as h  # noqa: E402

SCALE = float(os.environ.get("WEBVOX_TIMEOUT_SCALE", "1"))
SETUP_TIMEOUT = 60.0 * SCALE
FLOW_TIMEOUT = 30.0 * SCALE
TONE_A_HZ, TONE_B_HZ = 440.0, 660.0
TOLERANCE_HZ = 15.0
SILENCED_WINDOW = 50  # packets (a second of 20 ms Opus) dropped while the count must stand


class AdminMuteMediaTest(unittest.IsolatedAsyncioTestCase):

    @classmethod
    def setUpClass(cls):
        h.require_loopback_only()
        cls.peer_module = h.import_aiortc_peer()
        h.start_shared_server(cls, extra_args=h.SFU_MEDIA_ARGS + ("--media-port", "0"))
        h.sign_in_module(cls)
        cls.accounts = []
        for name in ("xmute-a==", "xmute-b=="):
            password = h.module_password()
            if not cls.module.create_account(name, password).is_ok():
                raise AssertionError("could not create %s: %r" % (name, cls.module.log[-1]))
            cls.accounts.append((name, password))
        cls.channel, _ = cls.module.get_or_create_channel("", "admin-mute", "operator mute")

    @classmethod
    def tearDownClass(cls):
        h.stop_shared_server(cls)

    async def asyncSetUp(self):
        asyncio.get_running_loop().set_debug(False)  # debug mode is far too slow for media

    def channel_state(self):
        path = "/admin/channels/" + urllib.parse.quote(self.channel, safe="")
        response = h.module_request(self.server.port, path, tls=False,
                                    extra_headers=[("Authorization", h.basic_auth())])
        self.assertEqual(response.status, 200, response)
        return json.loads(response.body.decode("utf-8"))

    def speaker(self, account):
        for member in self.channel_state()["members"]:
            if member["account"] == account:
                return member
        raise AssertionError("%s is not in the channel: %r" % (account, self.channel_state()))

    async def wait_for(self, check, what, timeout=FLOW_TIMEOUT):
        """Polls the admin API until check() returns something true (the server's counters
        move with the media: there is no event to wait on)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = check()
            if value:
                return value
            if loop.time() > deadline:
                raise AssertionError("no %s within %.0f s: %r" % (what, timeout,
                                                                 self.channel_state()))
            await asyncio.sleep(0.2)  # the deadline decides; this only paces the polling

    async def test_muted_speaker_is_no_longer_carried_and_comes_back_when_unmuted(self):
        (a_name, a_password), (b_name, b_password) = self.accounts
        url = h.signal_url(self.server)
        a = self.peer_module.SfuPeer(url, self.channel, TONE_A_HZ, a_name, a_password,
                                     position={"x": 100, "y": 100, "z": 20, "yaw": 0}, label="A")
        b = self.peer_module.SfuPeer(url, self.channel, TONE_B_HZ, b_name, b_password,
                                     position={"x": 102, "y": 100, "z": 20, "yaw": 0}, label="B")
        for peer in (a, b):
            self.addAsyncCleanup(peer.stop)
            await peer.start()
            self.assertEqual(peer.joined["channelInfo"]["forwarding"], "sfu")
        state = self.channel_state()
        self.assertEqual(state["mode"], "forwarded")

        # B hears A's tone, and the server counts A's packets as carried.
        def hears_a():
            heard = b.heard.get(a.member)
            if heard is None or heard.seconds < 1.0:
                return False
            frequency, _ = heard.analyse()
            return frequency is not None and abs(frequency - TONE_A_HZ) < TOLERANCE_HZ
        await b.wait_until(hears_a, SETUP_TIMEOUT, "tone of A at B")
        await self.wait_for(lambda: self.speaker(a_name).get("packets_carried", 0) > 50,
                            "packets of A carried")
        self.assertEqual(self.speaker(a_name)["packets_silenced"], 0)

        # The operator mutes A: from the moment the forwarding applies it (the first silenced
        # packet), nothing more of A is carried.
        path = "/admin/channels/%s/mute" % urllib.parse.quote(self.channel, safe="")
        response = h.module_request(
            self.server.port, path, tls=False, method="POST",
            body=json.dumps({"account": a_name}).encode(),
            extra_headers=[("Authorization", h.basic_auth()),
                           ("Content-Type", "application/json")])
        self.assertEqual(response.status, 200, response)
        first = await self.wait_for(
            lambda: (lambda m: m if m["packets_silenced"] > 0 else None)(self.speaker(a_name)),
            "silenced packets of A")
        self.assertTrue(first["operator_muted"])
        later = await self.wait_for(
            lambda: (lambda m: m if m["packets_silenced"] >= first["packets_silenced"] +
                     SILENCED_WINDOW else None)(self.speaker(a_name)),
            "more silenced packets of A")
        self.assertEqual(later["packets_carried"], first["packets_carried"],
                         "packets of a muted speaker were carried: %r then %r" % (first, later))
        # B, not muted, is still carried meanwhile.
        b_before = self.speaker(b_name)["packets_carried"]
        await self.wait_for(lambda: self.speaker(b_name)["packets_carried"] > b_before + 20,
                            "packets of B carried while A is muted")

        # Unmuted through the subcommand: carried and heard again.
        code, out, err = h.run_to_exit(
            ["admin", "--url", "http://127.0.0.1:%d" % self.server.port, "mute", self.channel,
             a_name, "--off", "--data-dir", self.server.data_dir,
             "--admin-user", h.ADMIN_USER, "--realm", h.REALM],
            env={"WEBVOX_ADMIN_PASSWORD": h.ADMIN_PASSWORD})
        self.assertEqual(code, 0, err)
        await self.wait_for(
            lambda: self.speaker(a_name)["packets_carried"] > later["packets_carried"] + 50,
            "packets of A carried after unmute")
        self.assertFalse(self.speaker(a_name)["operator_muted"])
        b.reset_heard()
        await b.wait_until(hears_a, FLOW_TIMEOUT, "tone of A at B after unmute")


if __name__ == "__main__":
    h.main_in_namespace(__file__)

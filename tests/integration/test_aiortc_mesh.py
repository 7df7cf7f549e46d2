"""Real WebRTC through webvoxd's signalling: three aiortc peers (tests/peers/aiortc_peer.py),
each sending a different sine tone, join one channel; each must hear the other two, each with
the right tone, and never itself. A member of another channel is never connected to.

WebRTC must stay on loopback: this file re-runs itself inside a new network namespace that
has only `lo` (`unshare -n`, as root), where webvoxd and the peers run. Without root or
unshare the tests are skipped with the reason. The peers offer only 127.0.0.1 as ICE host
candidate and use no STUN/TURN servers.

Needs Debian's python3-aiortc and python3-websockets. Run alone (as root):
    /usr/bin/python3 tests/integration/test_aiortc_mesh.py --webvoxd build/webvoxd
"""

import asyncio
import os
import sys

sys.dont_write_bytecode = True
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)

import unittest  # noqa: E402

import webvox_harness as h  # noqa: E402

TONES = {"xmesh-ann==": 440.0, "xmesh-bob==": 700.0, "xmesh-cy==": 1100.0}
TOLERANCE_HZ = 15.0
HEAR_SECONDS = 1.5       # audio each peer must have received from each other peer
HEAR_TIMEOUT = 20.0


class AiortcMeshTest(unittest.IsolatedAsyncioTestCase):

    @classmethod
    def setUpClass(cls):
        h.require_loopback_only()
        cls.peer_module = h.import_aiortc_peer()
        # aiortc peers speak only the peer-to-peer mesh: no channel may switch to forwarding.
        h.start_shared_server(cls, extra_args=("--media-mode", "mesh"))
        h.sign_in_module(cls)
        cls.passwords = {}
        for account in list(TONES) + ["xmesh-other=="]:
            password = h.module_password()
            if not cls.module.create_account(account, password).is_ok():
                raise AssertionError("could not create %s: %r" % (account, cls.module.log[-1]))
            cls.passwords[account] = password

    @classmethod
    def tearDownClass(cls):
        h.stop_shared_server(cls)

    async def asyncSetUp(self):
        asyncio.get_running_loop().set_debug(False)  # debug mode is far too slow for media

    def channel(self, name):
        uri, _ = self.module.get_or_create_channel("", name, "mesh test")
        return uri

    def peer(self, account, channel, tone=None, **kw):
        peer = self.peer_module.TonePeer(self.url, channel, tone or TONES[account],
                                         account=account, password=self.passwords[account],
                                         label=account, **kw)
        self.addAsyncCleanup(peer.stop)
        return peer

    def assert_heard(self, peer, expected, report):
        """`expected`: member id -> (account, tone). The report must have exactly these."""
        self.assertEqual(set(report["remote"]), set(expected), report)
        for member, (account, tone) in expected.items():
            heard = report["remote"][member]
            self.assertEqual(heard["account"], account, report)
            self.assertEqual(heard["connection_state"], "connected", report)
            self.assertGreaterEqual(heard["received_seconds"], HEAR_SECONDS, report)
            self.assertIsNotNone(heard["dominant_hz"], report)
            self.assertLess(abs(heard["dominant_hz"] - tone), TOLERANCE_HZ,
                            "%s heard %s at %s Hz, expected %s Hz\n%r"
                            % (peer.label, account, heard["dominant_hz"], tone, report))
            self.assertGreater(abs(heard["dominant_hz"] - peer.tone_hz), TOLERANCE_HZ,
                               "%s heard its own tone from %s" % (peer.label, account))
            self.assertGreater(heard["level_dbfs"], -40.0, report)
        self.assertEqual(report["errors"], [], report)

    async def test_three_peers_hear_each_other_and_not_themselves(self):
        channel = self.channel("mesh-three")
        elsewhere = self.channel("mesh-elsewhere")
        # Someone in another channel, with a tone of its own: nobody may connect to it.
        other = self.peer("xmesh-other==", elsewhere, tone=1500.0)
        await other.start()

        peers = []
        for account in TONES:  # one after the other: each newcomer offers to those present
            peer = self.peer(account, channel)
            await peer.start()
            self.assertEqual(len(peer.joined["members"]), len(peers))
            peers.append(peer)

        await asyncio.gather(*(p.wait_for_audio(len(peers) - 1, HEAR_SECONDS, HEAR_TIMEOUT)
                               for p in peers))
        for peer in peers:
            expected = {p.member: (p.account, p.tone_hz) for p in peers if p is not peer}
            self.assert_heard(peer, expected, peer.report())
        # The protocol's rule: only newcomers offered.
        for index, peer in enumerate(peers):
            for member, heard in peer.report()["remote"].items():
                newer = [p.member for p in peers[index + 1:]]
                self.assertEqual((heard["offers_sent"], heard["offers_received"]),
                                 (0, 1) if member in newer else (1, 0), (peer.label, heard))
        self.assertEqual(other.report()["remote"], {})

        # One leaves: the others see it go.
        leaver = peers.pop()
        await leaver.stop()
        for peer in peers:
            await asyncio.wait_for(peer.remotes[leaver.member].gone.wait(), 10)

    async def test_join_token_peer_and_password_peer(self):
        channel = self.channel("mesh-token")
        token = h.admin_join_token(self.server, "xmesh-guest==", channel, name="Guest")["token"]
        first = self.peer("xmesh-ann==", channel)
        await first.start()
        guest = self.peer_module.TonePeer(self.url, None, 880.0, token=token, label="guest")
        self.addAsyncCleanup(guest.stop)
        await guest.start()
        self.assertEqual(guest.channel, channel)  # taken from the token
        await asyncio.gather(first.wait_for_audio(1, HEAR_SECONDS, HEAR_TIMEOUT),
                             guest.wait_for_audio(1, HEAR_SECONDS, HEAR_TIMEOUT))
        self.assert_heard(first, {guest.member: ("xmesh-guest==", 880.0)}, first.report())
        self.assert_heard(guest, {first.member: ("xmesh-ann==", TONES["xmesh-ann=="])},
                          guest.report())
        self.assertEqual(first.report()["remote"][guest.member]["name"], "Guest")


if __name__ == "__main__":
    h.main_in_namespace(__file__)

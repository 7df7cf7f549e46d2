"""Server-forwarded voice with twelve real WebRTC peers: each listener receives exactly the
speakers in range, and a member that drops off without a word is cleaned up within seconds.

Twelve members of one positional channel (linear, 10 m clamping, 60 m max, roll-off 2: silent
from 35 m) stand in a row 10 m apart, so each hears its three nearest neighbours on either
side and not the rest. Each sends its own sine tone through webvoxd (--media-mode always-sfu): aiortc
peers (tests/peers/aiortc_peer.py, SfuPeer) and, with WEBVOX_TEST_BROWSERS=N, N of them are
headless Chromium pages (tests/browser/page_driver.mjs). For every listener the test checks,
from a settled `slots` table on:

* the server's `audible` list and the members on its slots are exactly the speakers in range
  (by the gain formula of docs/signalling.md over the channel's own properties);
* aiortc: every in-range speaker is heard for HEAR_SECONDS on the slot the table gives it, with
  its own tone; nothing is heard of anyone else, and slots the table leaves empty get zero RTP
  packets;
* Chromium: the page's slots hold the same members, it plays each in-range speaker's tone
  on its slot (remoteLevels), out-of-range members are silent (heardLevels) and their
  inbound byte counters stand still while the in-range ones rise (rtpCounters).

Then one member is killed: a Chromium page's whole browser gets SIGKILL (with browsers), or
an aiortc peer's socket is cut and its media stopped without any goodbye (without). Every
other member must see it leave within DROP_BOUND_SECONDS, the server's /metrics must show its
SFU state gone (what is left: one forwarding room, and the connections, network paths and
forwarded members of the others only), and the remaining eleven must still hear exactly the
speakers in range. When all have left, /metrics shows no forwarding state left.

Runs inside a loopback-only network namespace (re-runs itself under `unshare -n` as root);
skipped without root/unshare or python3-aiortc (and, with browsers, Chromium, node or sox).
    /usr/bin/python3 tests/integration/test_sfu_aiortc.py --webvoxd build/webvoxd
    WEBVOX_TEST_BROWSERS=2 /usr/bin/python3 tests/integration/test_sfu_aiortc.py ...
"""

import asyncio
import math
import os
import sys
import time

sys.dont_write_bytecode = True
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)

import unittest  # noqa: E402

import webvox_harness as h  # noqa: E402

PEERS = 12
BROWSERS = int(os.environ.get("WEBVOX_TEST_BROWSERS", "0"))
# Scales the waits for audio, for slow or busy machines (as in tests/browser). On a 2-core
# machine under a load of 15 the Python process of ten aiortc peers got audio at a third of
# real time: 1.5 s of every speaker took up to 30 s.
SCALE = float(os.environ.get("WEBVOX_TIMEOUT_SCALE", "1"))
SPACING_M = 10.0
TONE_BASE_HZ, TONE_STEP_HZ = 300.0, 100.0   # 300, 400, … 1400 Hz: one per member
TOLERANCE_HZ = 15.0
HEAR_SECONDS = 1.5          # of each in-range speaker, after the slots settled
SETTLE_TIMEOUT = 60.0 * SCALE       # joining, ICE, DTLS and the first slot decisions, for everyone
HEAR_TIMEOUT = 90.0 * SCALE
DROP_BOUND_SECONDS = 10.0   # a killed member must be gone for the others within this
AUDIBLE_DB = -45.0          # Chromium: a tone played at gain 1 arrives around -9 dBFS
SILENT_DB = -100.0          # Chromium: the floor is -200 (nothing played)
STALL_SECONDS = 3.0         # Chromium: how long an out-of-range byte counter must stand still

def gain(info, distance):
    """docs/signalling.md, "Positions and hearing", over a channel's channelInfo."""
    model, ref, top, r = (info["distanceModel"], info["clampingDistance"], info["maxRange"],
                          info["rollOff"])
    if distance > top:
        return 0.0
    if distance <= ref or ref >= top or model == 0:
        return 1.0
    if model == 1:
        ref = max(ref, 1.0)
        return ref / (ref + r * (distance - ref))
    if model == 2:
        return max(0.0, 1 - r * (distance - ref) / (top - ref))
    return (distance / max(ref, 1.0)) ** -r


class Member:
    """One of the twelve: where it stands, its tone, and its aiortc peer or Chromium page."""

    def __init__(self, index, account, password):
        self.index = index
        self.account = account
        self.password = password
        self.tone = TONE_BASE_HZ + TONE_STEP_HZ * index
        self.position = {"x": 20.0 + SPACING_M * index, "y": 100.0, "z": 20.0, "yaw": 0.0}
        self.peer = None      # SfuPeer
        self.page = None      # page key in the PageDriver
        self.id = None        # member id

    @property
    def label(self):
        return "%s%d@%.0fm/%.0fHz" % ("page" if self.page else "aiortc", self.index,
                                      self.position["x"], self.tone)


def browser_indices():
    """Which of the members are Chromium pages: spread over the middle of the row, where
    each has speakers in range on both sides and out of range on one."""
    if BROWSERS <= 0:
        return set()
    step = PEERS / (BROWSERS + 1)
    return {int(round(step * (i + 1))) for i in range(BROWSERS)}


class SfuTwelvePeersTest(unittest.IsolatedAsyncioTestCase):

    @classmethod
    def setUpClass(cls):
        h.require_loopback_only()
        cls.peer_module = h.import_aiortc_peer()
        if BROWSERS:
            reason = h.PageDriver.why_unavailable()
            if reason:
                raise h.missing("Chromium pages: %s" % reason)
        h.start_shared_server(cls, extra_args=h.SFU_MEDIA_ARGS + ("--media-port", "0"))
        h.sign_in_module(cls)
        cls.members = []
        for index in range(PEERS):
            account, password = "xsfu-%02d==" % index, h.module_password()
            if not cls.module.create_account(account, password).is_ok():
                raise AssertionError("could not create %s: %r" % (account, cls.module.log[-1]))
            cls.members.append(Member(index, account, password))
        cls.channel, _ = cls.module.get_or_create_channel("", "sfu-twelve", "twelve peers")

    @classmethod
    def tearDownClass(cls):
        h.stop_shared_server(cls)

    async def asyncSetUp(self):
        asyncio.get_running_loop().set_debug(False)  # debug mode is far too slow for media
        self.pages = None
        if BROWSERS:
            self.pages = await h.PageDriver.start()
            self.addAsyncCleanup(self.pages.quit)

    # -- who should hear whom -------------------------------------------------------------------

    def expected(self, listener, present):
        """The member ids `listener` must hear: the others present with a gain above 0."""
        info = self.info
        out = set()
        for m in present:
            if m is listener:
                continue
            d = math.dist([listener.position[k] for k in "xyz"], [m.position[k] for k in "xyz"])
            if gain(info, d) > 0:
                out.add(m.id)
        return out

    def name(self, ids):
        by_id = {m.id: m.label for m in self.members}
        return sorted(by_id.get(i, i) for i in ids)

    # -- joining ------------------------------------------------------------------------------------

    async def join_all(self):
        pages = browser_indices()
        # The pages first: a browser starts faster while no audio is flowing yet.
        for m in sorted(self.members, key=lambda m: m.index not in pages):
            if m.index in pages:
                m.page = "p%d" % m.index
                joined = await self.pages.command(
                    "open", key=m.page, base="http://%s:%d" % (self.server.host, self.server.port),
                    hz=m.tone, account=m.account, password=m.password, channel=self.channel,
                    position=m.position)
                m.id, info = joined["member"], joined["channelInfo"]
            else:
                m.peer = self.peer_module.SfuPeer(self.url, self.channel, m.tone, m.account,
                                                  m.password, position=m.position, label=m.label)
                self.addAsyncCleanup(m.peer.stop)
                await m.peer.start()
                m.id, info = m.peer.member, m.peer.joined["channelInfo"]
            self.assertEqual(info["forwarding"], "sfu", info)
            self.info = info
        # Enough slots for everyone in range: then "the loudest first" picks nobody out, and
        # each listener must get exactly the speakers in range.
        most = max(len(self.expected(m, self.members)) for m in self.members)
        self.assertLessEqual(most, self.info["slots"], "the layout needs more slots than %d"
                             % self.info["slots"])
        self.assertTrue(all(len(self.expected(m, self.members)) < PEERS - 1 for m in self.members),
                        "every listener must have someone out of range")

    # -- checking what each listener gets ------------------------------------------------------------

    async def read_page(self, m):
        return await self.pages.command("read", key=m.page)

    async def wait_page(self, m, check, what, timeout):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            seen = await self.read_page(m)
            if check(seen):
                return seen
            if loop.time() > deadline:
                raise AssertionError("%s: no %s within %.0f s; last read: %r"
                                     % (m.label, what, timeout, seen))
            await asyncio.sleep(0.25)  # polling pace for the page; the deadline decides

    async def check_hearing(self, present):
        """Every member in `present` gets exactly the speakers in range, and hears them."""
        expect = {m.id: self.expected(m, present) for m in present}
        peers = [m for m in present if m.peer]
        pages = [m for m in present if m.page]

        # 1. The server's lists and the slot tables settle to the speakers in range.
        async def settled_peer(m):
            await m.peer.wait_until(
                lambda: (m.peer.pc.connectionState == "connected"
                         and set(m.peer.audible or ()) == expect[m.id]
                         and m.peer.slotted() == expect[m.id]),
                SETTLE_TIMEOUT, "connection with exactly %s on its slots"
                % self.name(expect[m.id]))

        async def settled_page(m):
            await self.wait_page(m, lambda s: (
                s["peers"][0]["connectionState"] == "connected"
                and set(s["audible"] or ()) == expect[m.id]
                and {v for v in (s["slots"] or {}).values() if v} == expect[m.id]),
                "connection with exactly %s on its slots" % self.name(expect[m.id]),
                SETTLE_TIMEOUT)
        started = time.monotonic()
        await asyncio.gather(*(settled_peer(m) for m in peers))
        for m in pages:
            await settled_page(m)
        settle_s = time.monotonic() - started

        # 2. aiortc: measured from the settled tables on, each in-range speaker is heard with its
        # own tone on its slot, nobody else is heard, and empty slots receive nothing.
        changes = {m.id: m.peer.table_changes for m in peers}
        for m in peers:
            m.peer.reset_heard()
        started = time.monotonic()
        await asyncio.gather(*(m.peer.wait_until(
            lambda m=m: all(m.peer.heard.get(s) and m.peer.heard[s].seconds >= HEAR_SECONDS
                            for s in expect[m.id]),
            HEAR_TIMEOUT, "%.1f s of each of %s" % (HEAR_SECONDS, self.name(expect[m.id])))
            for m in peers))
        # On the wire: the slots with someone on them keep receiving, the empty ones receive
        # nothing (after what was on its way when they emptied).
        await asyncio.gather(*(self.wait_slot_packets(m) for m in peers))
        hear_s = time.monotonic() - started
        tones = {m.id: m.tone for m in present}
        for m in peers:
            report = m.peer.report()
            self.assertEqual(m.peer.table_changes, changes[m.id],
                             "%s: the slots changed although nobody moved: %r" % (m.label, report))
            self.assertEqual(set(report["heard"]), expect[m.id],
                             "%s heard %s, expected %s: %r" % (m.label, self.name(report["heard"]),
                                                               self.name(expect[m.id]), report))
            for speaker, heard in report["heard"].items():
                self.assertIsNotNone(heard["dominant_hz"], report)
                self.assertLess(abs(heard["dominant_hz"] - tones[speaker]), TOLERANCE_HZ,
                                "%s: the slot of %s carried %s Hz, its tone is %s Hz: %r"
                                % (m.label, self.name([speaker]), heard["dominant_hz"],
                                   tones[speaker], report))
                self.assertGreater(heard["level_dbfs"], -40.0, report)
            # (Frames of an emptied slot may still be drained from aiortc's queues after the
            # table said so; what arrives on the wire is counted below.)
            self.assertEqual(report["errors"], [], report)

        # 3. Chromium: the same from the page's read-outs.
        for m in pages:
            await self.check_page(m, expect[m.id], tones, present)
        return settle_s, hear_s

    async def wait_slot_packets(self, m):
        """Waits until, over the last STALL_SECONDS, every slot of `m` the table fills got RTP
        packets and every slot it leaves empty got none."""
        history = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + HEAR_TIMEOUT
        while True:
            history.append((loop.time(), await m.peer.packets_per_slot()))
            now, last = history[-1]
            base = next((c for t, c in reversed(history) if now - t >= STALL_SECONDS), None)
            if base is not None:
                table = m.peer.table
                filled = [mid for mid, who in table.items() if who is not None]
                empty = [mid for mid, who in table.items() if who is None]
                if (all(last.get(mid, 0) > base.get(mid, 0) for mid in filled)
                        and all(last.get(mid, 0) == base.get(mid, 0) for mid in empty)):
                    return
            if loop.time() > deadline:
                raise AssertionError("%s: slots %r: packets %r then %r" % (m.label, m.peer.table,
                                                                          base, last))
            await asyncio.sleep(0.25)  # polling pace; the deadline decides

    async def check_page(self, m, expect, tones, present):
        out_of_range = {o.id for o in present if o is not m and o.id not in expect}
        # Each in-range speaker's tone must come out of its slot, audible (a starved aiortc
        # speaker may deliver in bursts, so not necessarily all in the same read); at no read
        # may an out-of-range member be played.
        confirmed = set()

        def check(seen):
            for sid in out_of_range:
                self.assertLess(seen["heard"].get(sid, -200), SILENT_DB, "%s plays %s: %r"
                                % (m.label, self.name([sid]), seen["heard"]))
            for r in seen["remote"]:
                if (r["member"] in expect and abs(r["peakHz"] - tones[r["member"]]) <= TOLERANCE_HZ
                        and r["levelDb"] > AUDIBLE_DB):
                    confirmed.add(r["member"])
            return confirmed == expect
        await self.wait_page(m, check, "tone of each of %s on its slot" % self.name(expect),
                             HEAR_TIMEOUT)
        # Inbound bytes: in-range speakers' rise, out-of-range ones' stand still.
        first = await self.read_page(m)
        t0 = time.monotonic()
        last = await self.wait_page(m, lambda s: time.monotonic() - t0 >= STALL_SECONDS,
                                    "%.0f s of counters" % STALL_SECONDS, STALL_SECONDS + 30)

        def received(s, sid):
            return (s["rtp"].get(sid) or {}).get("bytesReceived", 0)
        for sid in expect:
            self.assertGreater(received(last, sid), received(first, sid),
                               "%s: no bytes from %s" % (m.label, self.name([sid])))
        for sid in out_of_range:
            self.assertEqual(received(last, sid), received(first, sid),
                             "%s: bytes from %s, out of range" % (m.label, self.name([sid])))

    # -- the test -------------------------------------------------------------------------------

    async def test_each_listener_gets_exactly_the_speakers_in_range_then_one_is_killed(self):
        started = time.monotonic()
        await self.join_all()
        joined_s = time.monotonic() - started
        settle_s, hear_s = await self.check_hearing(self.members)
        print("\n# %d peers (%d Chromium): joined in %.1f s, slots settled in %.1f s, "
              "%.1f s of every in-range speaker in %.1f s"
              % (PEERS, BROWSERS, joined_s, settle_s, HEAR_SECONDS, hear_s), file=sys.stderr)

        # Kill one: a Chromium page if there are any, else an aiortc peer.
        victims = [m for m in self.members if m.page] or self.members[PEERS // 3:]
        victim = victims[0]
        remaining = [m for m in self.members if m is not victim]
        killed_at = time.monotonic()
        if victim.page:
            await self.pages.command("kill", key=victim.page)
        else:
            victim.peer.abort()

        # Everyone else sees it leave, within the bound.
        await asyncio.gather(*(m.peer.wait_until(lambda m=m: victim.id in m.peer.left_at,
                                                 DROP_BOUND_SECONDS, "member-left for " + victim.label)
                               for m in remaining if m.peer))
        gone_after = [m.peer.left_at[victim.id] - killed_at for m in remaining if m.peer]
        for m in remaining:
            if m.page:
                await self.wait_page(m, lambda s: all(x["member"] != victim.id
                                                      for x in s["state"]["members"]),
                                     "member list without " + victim.label,
                                     DROP_BOUND_SECONDS - (time.monotonic() - killed_at))
                gone_after.append(time.monotonic() - killed_at)

        # The server's SFU state for it is gone; only the others' is left (read from /metrics).
        n = float(len(remaining))
        state = await self.wait_for_metrics(
            lambda m: (m["webvox_media_connections"], m["webvox_media_paths"],
                       m["webvox_sfu_rooms"], m['webvox_channel_members{mode="forwarded"}'])
            == (n, n, 1.0, n),
            DROP_BOUND_SECONDS)
        # What was forwarded so far shows in /metrics: packets, and their bytes (each at least
        # an RTP header).
        forwarded = state["webvox_forwarded_packets_total"]
        self.assertGreater(forwarded, 0)
        self.assertGreaterEqual(state["webvox_forwarded_bytes_total"], 12 * forwarded)
        self.assertEqual(state['webvox_media_dropped_packets_total{layer="transport",'
                               'reason="srtp_auth_failed"}'], 0)
        print("# killed %s: gone for all others after %.2f s at most (bound %.0f s); server: "
              "%d connection(s), %d path(s) on the media port"
              % (victim.label, max(gone_after), DROP_BOUND_SECONDS,
                 state["webvox_media_connections"], state["webvox_media_paths"]),
              file=sys.stderr)

        # The rest still hear exactly who they should.
        settle_s, hear_s = await self.check_hearing(remaining)
        print("# the remaining %d: slots settled in %.1f s, heard in %.1f s"
              % (len(remaining), settle_s, hear_s), file=sys.stderr)

        # Everyone leaves: nothing of the SFU is left behind.
        for m in remaining:
            if m.peer:
                await m.peer.stop()
        if self.pages:
            await self.pages.quit()
        await self.wait_for_metrics(
            lambda m: (m["webvox_media_connections"], m["webvox_media_paths"],
                       m["webvox_sfu_rooms"]) == (0.0, 0.0, 0.0),
            DROP_BOUND_SECONDS)

    async def wait_for_metrics(self, check, timeout):
        """webvoxd's /metrics once check(samples) holds; fails with the last samples after
        `timeout`. Read off the event loop, which carries the peers' media."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            samples = await loop.run_in_executor(None, self.server.metrics)
            if check(samples):
                return samples
            if loop.time() > deadline:
                raise AssertionError(
                    "webvoxd's SFU state did not clean up within %.0f s: %s"
                    % (timeout, {k: v for k, v in samples.items()
                                 if k.startswith(("webvox_media_connections",
                                                  "webvox_media_paths", "webvox_sfu_rooms",
                                                  "webvox_channel_members"))}))
            await asyncio.sleep(0.1)  # polling the endpoint; the deadline decides


if __name__ == "__main__":
    h.main_in_namespace(__file__)

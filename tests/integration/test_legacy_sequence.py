"""The 0.9.1.x VivoxVoiceModule (spec §8 and the end of the replay section) over plain
http://: region directories, channels created with &chan_parent=D1, listing children by
parent, deleting children then the directory.

Run alone:  /usr/bin/python3 tests/integration/test_legacy_sequence.py --webvoxd build/webvoxd
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import unittest  # noqa: E402

import webvox_harness as h  # noqa: E402

REGION = "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"
REGION_NAME = "Test Region"
PARCEL1 = "9d2f6c1a-7e4b-4c3d-9a8b-1f2e3d4c5b6a"   # LocalID 1: the region channel in 0.9.1.x
PARCEL2 = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"   # UseEstateVoiceChan: the region channel
PARCEL3 = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"   # "Garden", LocalID 3: its own channel
AGENT_A = "e669132a-6c43-4ee1-a78d-6c82fff59f32"
AGENT_B = "fbefbeaa-1111-4222-8333-444455556666"


class LegacySequenceTest(unittest.TestCase):

    def setUp(self):
        self.server = h.start_server(self)
        # 0.9.1.x: plain http, max range default 80.
        self.module = self.server.module(scheme="http", max_range=80)
        self.assertTrue(self.module.do_admin_login(), self.module.log[-1])
        self.t = self.module.auth_token

    def last(self):
        reply = self.module.log[-1]
        self.assertIsNone(reply.error, reply)
        self.assertEqual(reply.http.status, 200, reply)
        self.assertIsNotNone(reply.root, reply)
        return reply

    def targets_since(self, n):
        return [r.target for r in self.module.log[n:]]

    def test_legacy_region_lifecycle(self):
        m, t = self.module, self.t

        # AddRegion: search {RegionUUID}D (count 0), then create the directory.
        n = len(m.log)
        d1 = m.add_region(REGION, REGION_NAME, legacy=True)
        self.assertEqual(self.targets_since(n), [
            "/api2/viv_chan_search.php?cond_channame=%sD&auth_token=%s" % (REGION, t),
            "/api2/viv_chan_mod.php?mode=create&chan_name=%sD&auth_token=%s"
            "&chan_desc=Test%%20Region&chan_type=dir" % (REGION, t),
        ])
        self.assertEqual(m.log[n].find(h.SEARCH_COUNT), (True, "0"), m.log[n])
        r = self.last()
        self.assertTrue(r.is_ok(), r)
        self.assertRegex(d1, r"^[1-9][0-9]*$", r)
        self.assertEqual(r.find("response.level0.body.chan_id"), (True, d1))

        # The directory is now found by name, as a 'dir'.
        self.assertEqual(m.try_get_directory(REGION + "D"), (True, d1), self.last())
        r = self.last()
        self.assertEqual(r.find(h.LEVEL4 + "type"), (True, "dir"), r)
        # A dir is not a channel for VivoxTryGetChannel.
        self.assertFalse(h.channel_in_search(r, d1, REGION + "D")[0], r)

        # Agents provision (unchanged from master apart from http).
        self.assertIsNotNone(m.provision(AGENT_A), m.log[-3:])
        self.assertIsNotNone(m.provision(AGENT_B), m.log[-3:])

        # Agent A on Parcel One (LocalID 1) -> region channel, created under D1.
        n = len(m.log)
        uri_region = m.parcel_voice_info(REGION, REGION_NAME, PARCEL1, "Parcel One", 1, False,
                                         legacy=True)
        self.assertEqual(self.targets_since(n), [
            "/api2/viv_chan_search.php?cond_channame=%s&auth_token=%s" % (REGION, t),
            "/api2/viv_chan_mod.php?mode=create&chan_name=%s&auth_token=%s&chan_parent=%s"
            "&chan_desc=Test%%20Region:Test%%20Region&chan_type=positional&chan_mode=open"
            "&chan_roll_off=2&chan_dist_model=2&chan_max_range=80&chan_clamping_distance=10"
            % (REGION, t, d1),
        ])
        self.assertEqual(m.log[n].find(h.SEARCH_COUNT), (True, "0"))
        self.assertRegex(uri_region, r"^sip:confctl-\d+@voice\.example\.org$", self.last())

        # Agent B on Town Square (estate channel) -> the same region channel: one search.
        n = len(m.log)
        self.assertEqual(m.parcel_voice_info(REGION, REGION_NAME, PARCEL2, "Town Square", 2,
                                             True, legacy=True), uri_region)
        self.assertEqual(len(m.log) - n, 1, self.targets_since(n))
        r = self.last()
        self.assertEqual(r.find(h.SEARCH_COUNT), (True, "1"), r)
        self.assertEqual(r.find(h.LEVEL4 + "parent"), (True, d1), r)
        self.assertEqual(r.find(h.LEVEL4 + "type"), (True, "positional_M"), r)
        region_chan_id = r.value(h.LEVEL4 + "id")

        # A third parcel gets its own child channel under D1.
        uri_garden = m.parcel_voice_info(REGION, REGION_NAME, PARCEL3, "Garden", 3, False,
                                         legacy=True)
        self.assertNotEqual(uri_garden, uri_region)
        found, garden_id, _ = m.try_get_channel(d1, PARCEL3)
        self.assertTrue(found, self.last())
        self.assertEqual(self.last().find(h.LEVEL4 + "parent"), (True, d1))

        # Children of D1: `?&cond_chanparent=D1` lists both, read through count and ids.
        children = m.list_children(d1)
        self.assertEqual(children.target,
                         "/api2/viv_chan_search.php?&cond_chanparent=%s&auth_token=%s" % (d1, t))
        self.assertTrue(children.is_ok(), children)
        self.assertEqual(children.find(h.SEARCH_COUNT), (True, "2"), children)
        self.assertEqual(sorted(m.child_ids(d1)), sorted([region_chan_id, garden_id]))
        for i in range(2):
            self.assertEqual(children.find(h.LEVEL4 + "parent", i), (True, d1), children)

        # Agents walking around again: hits only.
        n = len(m.log)
        self.assertEqual(m.parcel_voice_info(REGION, REGION_NAME, PARCEL1, "Parcel One", 1,
                                             False, legacy=True), uri_region)
        self.assertEqual(m.parcel_voice_info(REGION, REGION_NAME, PARCEL3, "Garden", 3,
                                             False, legacy=True), uri_garden)
        self.assertEqual(len(m.log) - n, 2, self.targets_since(n))

        # RemoveRegion: find D1, list children, delete each with chan_parent, delete D1.
        n = len(m.log)
        self.assertEqual(m.remove_region(REGION, REGION_NAME, legacy=True), d1)
        targets = self.targets_since(n)
        self.assertEqual(targets[0], "/api2/viv_chan_search.php?cond_channame=%sD&auth_token=%s"
                         % (REGION, t))
        self.assertEqual(targets[1], "/api2/viv_chan_search.php?&cond_chanparent=%s"
                         "&auth_token=%s" % (d1, t))
        self.assertEqual(sorted(targets[2:4]), sorted(
            "/api2/viv_chan_mod.php?mode=delete&chan_id=%s&auth_token=%s&chan_parent=%s"
            % (cid, t, d1) for cid in (region_chan_id, garden_id)))
        self.assertEqual(targets[4], "/api2/viv_chan_mod.php?mode=delete&chan_id=%s"
                         "&auth_token=%s" % (d1, t))
        self.assertEqual(len(targets), 5, targets)
        for reply in m.log[n + 2:]:
            self.assertEqual(reply.http.status, 200, reply)
            self.assertTrue(reply.is_ok(), "delete refused: %r" % reply)

        # Everything is gone.
        self.assertEqual(m.try_get_directory(REGION + "D"), (False, ""), self.last())
        self.assertEqual(self.last().find(h.SEARCH_COUNT), (True, "0"), self.last())
        self.assertFalse(m.try_get_channel(d1, REGION)[0], self.last())
        self.assertFalse(m.try_get_channel(d1, PARCEL3)[0], self.last())
        self.assertEqual(m.list_children(d1).find(h.SEARCH_COUNT), (True, "0"), self.last())

        # Older 0.9.1.x (before 523d6dd2da) then also deleted `chan_id=` (empty) when no
        # directory exists: a clean ERR, not an HTTP error.
        n = len(m.log)
        m.remove_region(REGION, REGION_NAME, legacy=True, old_legacy=True)
        self.assertEqual(self.targets_since(n)[-1],
                         "/api2/viv_chan_mod.php?mode=delete&chan_id=&auth_token=%s" % t)
        r = self.last()
        self.assertFalse(r.is_ok(), r)
        self.assertEqual(r.find("response.level0.status"), (True, "ERR"), r)

        self.assertTrue(m.logout().is_ok(), self.last())

    def test_add_region_again_empties_existing_directory(self):
        """A simulator restarted without RemoveRegion finds its directory and deletes the
        children it left behind, then reuses the directory id."""
        m = self.module
        d1 = m.add_region(REGION, REGION_NAME, legacy=True)
        self.assertTrue(d1, self.last())
        uri = m.parcel_voice_info(REGION, REGION_NAME, PARCEL3, "Garden", 3, False, legacy=True)
        self.assertTrue(uri.startswith("sip:confctl-"), self.last())

        restarted = self.server.module(scheme="http", max_range=80)
        self.assertTrue(restarted.do_admin_login())
        n = len(restarted.log)
        self.assertEqual(restarted.add_region(REGION, REGION_NAME, legacy=True), d1)
        kinds = [r.target.split("&auth_token")[0] for r in restarted.log[n:]]
        self.assertEqual(kinds[0], "/api2/viv_chan_search.php?cond_channame=%sD" % REGION)
        self.assertEqual(kinds[1], "/api2/viv_chan_search.php?&cond_chanparent=%s" % d1)
        self.assertEqual(len(kinds), 3, kinds)
        self.assertTrue(restarted.log[-1].is_ok(), restarted.log[-1])
        self.assertEqual(restarted.child_ids(d1), [])
        # The channel is re-created on the next visit, under the same directory.
        uri2 = restarted.parcel_voice_info(REGION, REGION_NAME, PARCEL3, "Garden", 3, False,
                                           legacy=True)
        self.assertTrue(uri2.startswith("sip:confctl-"), restarted.log[-1])
        self.assertEqual(len(restarted.child_ids(d1)), 1)

    def test_remove_region_with_many_parcels(self):
        """RemoveRegion (spec §2): list the children with one `?&cond_chanparent=` search,
        delete each, then delete the directory. A region with more parcel channels than one
        result page must still end up with no directory and no children."""
        m = self.module
        d1 = m.add_region(REGION, REGION_NAME, legacy=True)
        self.assertTrue(d1, self.last())
        total = 130
        for i in range(total):
            ok, _ = m.try_create_channel(d1, "parcel-%03d" % i, "Test Region:P%d" % i)
            self.assertTrue(ok, self.last())
        n = len(m.log)
        m.remove_region(REGION, REGION_NAME, legacy=True)
        listing = m.log[n + 1]
        self.assertTrue(self.last().is_ok(),
                        "directory delete refused: %r\n(the module lists the children with ONE "
                        "search, which said count=%s, and deletes only those)"
                        % (self.last(), listing.value(h.SEARCH_COUNT)))
        self.assertEqual(m.try_get_directory(REGION + "D"), (False, ""), self.last())
        for i in (0, total - 1):
            self.assertFalse(m.try_get_channel(d1, "parcel-%03d" % i)[0], self.last())

    def test_create_under_unknown_parent_has_no_uri(self):
        """A create the server refuses must not carry body/chan_uri (the module only reads
        that), and must still be HTTP 200."""
        m = self.module
        ok, uri = m.try_create_channel("999999", PARCEL3, "Test Region:Garden")
        r = self.last()
        self.assertFalse(ok, r)
        self.assertFalse(r.is_ok(), r)
        self.assertEqual(r.find("response.level0.body.chan_uri"), (False, ""), r)
        # A plain (master-style) create of the same name still works.
        ok, uri = m.try_create_channel("", PARCEL3, "Test Region:Garden")
        self.assertTrue(ok, self.last())


if __name__ == "__main__":
    h.main()

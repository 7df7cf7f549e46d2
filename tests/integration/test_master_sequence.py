"""The spec's replay script (vivox-api.md, "Replay script", steps 1-18): OpenSimulator master
(0.9.3.x) VivoxVoiceModule against webvoxd over HTTPS, every answer read through the
module's own XmlFind port.

Run alone:  /usr/bin/python3 tests/integration/test_master_sequence.py --webvoxd build/webvoxd
"""

import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import unittest  # noqa: E402

import webvox_harness as h  # noqa: E402

REGION = "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"
REGION_NAME = "Test Region"
PARCEL1 = "9d2f6c1a-7e4b-4c3d-9a8b-1f2e3d4c5b6a"   # Parcel One, LocalID 1, AllowVoiceChat
PARCEL2 = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"   # Town Square, LocalID 2, + UseEstateVoiceChan
AGENT_A = "e669132a-6c43-4ee1-a78d-6c82fff59f32"
AGENT_B = "fbefbeaa-1111-4222-8333-444455556666"
ACCOUNT_A = "x5mkTKmxDTuGnjWyC__WfMg=="
ACCOUNT_B = "x----qhERQiKDM0REVVVmZg=="


class XmlFindPortTest(unittest.TestCase):
    """The reader must behave like the module's, or every other assertion is meaningless."""

    FOUND = ("<response><level0><status>OK</status><channel-search><count>1</count><channels>"
             "<channels><level4><id>1001</id><name>9d2f6c1a-7e4b-4c3d-9a8b-1f2e3d4c5b6a</name>"
             "<type>positional_M</type><parent></parent>"
             "<uri>sip:confctl-1001@voice.example.org</uri></level4></channels></channels>"
             "</channel-search></level0></response>")

    def test_spec_example_found(self):
        reply = h.Reply.from_xml(self.FOUND)
        self.assertTrue(reply.is_ok())
        self.assertEqual(reply.find(h.SEARCH_COUNT), (True, "1"))
        self.assertEqual(reply.find(h.LEVEL4 + "parent"), (True, ""))
        self.assertEqual(h.channel_in_search(reply, "", PARCEL1),
                         (True, "1001", "sip:confctl-1001@voice.example.org"))
        # Not under body, and names are case-sensitive.
        self.assertEqual(reply.find("response.level0.body.channel-search.count"), (False, ""))
        self.assertEqual(reply.find("Response.level0.status"), (False, ""))

    def test_nth_counts_leaves_across_the_whole_walk(self):
        xml = ("<response><level0><a><b>1</b><b>2</b></a><a><c>x</c><b>3</b></a></level0>"
               "</response>")
        reply = h.Reply.from_xml(xml)
        self.assertEqual([reply.find("response.level0.a.b", n) for n in range(4)],
                         [(True, "1"), (True, "2"), (True, "3"), (False, "")])
        # Non-leaf match: InnerText of all descendants.
        self.assertEqual(reply.find("response.level0.a", 1), (True, "x3"))

    def test_whitespace_prefix_and_status(self):
        self.assertFalse(h.Reply.from_xml(
            "<response><level0><status> OK</status></level0></response>").is_ok())
        self.assertTrue(h.Reply.from_xml(
            '<response xmlns="http://www.vivox.com"><level0><status>OK</status></level0>'
            "</response>").is_ok())
        self.assertFalse(h.Reply.from_xml(
            '<v:response xmlns:v="http://www.vivox.com"><v:level0><v:status>OK</v:status>'
            "</v:level0></v:response>").is_ok())
        self.assertFalse(h.Reply.from_xml("not xml").is_ok())
        self.assertFalse(h.Reply.from_xml(
            "<response><level0><status>OK</status></level0></response>", status=500).is_ok())
        self.assertEqual(h.Reply.from_xml(
            "<response><level0><body><msg>a &amp; b</msg></body></level0></response>")
            .find("response.level0.body.msg"), (True, "a & b"))

    def test_count_zero_falls_back_to_counting_ids(self):
        reply = h.Reply.from_xml(self.FOUND.replace("<count>1</count>", "<count>0</count>"))
        self.assertEqual(h.channel_in_search(reply, "", PARCEL1)[0], True)
        # ... which the directory lookup does not do.
        reply = h.Reply.from_xml(self.FOUND.replace("<count>1</count>", "<count>0</count>")
                                 .replace("positional_M", "dir"))
        self.assertEqual(h.directory_in_search(reply, PARCEL1), (False, ""))

    def test_missing_parent_leaf_skips_item(self):
        reply = h.Reply.from_xml(self.FOUND.replace("<parent></parent>", ""))
        self.assertEqual(h.channel_in_search(reply, "", PARCEL1)[0], False)
        self.assertEqual(h.channel_in_search(reply, None, PARCEL1)[0], True)

    def test_empty_count_throws(self):
        reply = h.Reply.from_xml(self.FOUND.replace("<count>1</count>", "<count/>"))
        with self.assertRaises(h.ModuleException):
            h.channel_in_search(reply, "", PARCEL1)

    def test_uri_escaping_and_names(self):
        self.assertEqual(h.dotnet_uri("https://s/api2/x.php?a=Test Region:Bob & Alice #2&b=1"),
                         "https://s/api2/x.php?a=Test%20Region:Bob%20&%20Alice%20")
        self.assertEqual(h.dotnet_uri("http://s/?p=a+b&q=%41%zz&r=\u00e9"),
                         "http://s/?p=a+b&q=%41%25zz&r=%C3%A9")
        self.assertEqual(h.account_name(AGENT_A), ACCOUNT_A)
        self.assertEqual(h.account_name(AGENT_B), ACCOUNT_B)
        self.assertRegex(h.module_password(), r"^[0-9a-f]{8}Z[0-9a-f]{4}Z4[0-9a-f]$")
        self.assertEqual(h.dotnet_double(2.0), "2")
        self.assertEqual(h.dotnet_double(2.5), "2.5")


class MasterReplayTest(unittest.TestCase):
    """Steps 1-18, one request at a time, each answer checked as the module reads it."""

    def setUp(self):
        self.server = h.start_server(self)
        self.module = self.server.module(scheme="https")

    def check_http(self, reply):
        self.assertIsNone(reply.error, reply)
        self.assertEqual(reply.http.status, 200, reply)
        self.assertIsNotNone(reply.root, "module would get a null document: %r" % reply)
        self.assertEqual(reply.root.tagName, "response", reply)
        return reply

    def last(self):
        return self.check_http(self.module.log[-1])

    def assert_status(self, reply, status):
        self.assertEqual(reply.find("response.level0.status"), (True, status), reply)

    def test_replay_script(self):
        m = self.module
        realm = h.REALM

        # 1. Start-up sign-in.
        self.assertTrue(m.do_admin_login(), m.log[-1])
        r = self.last()
        self.assertEqual(r.target,
                         "/api2/viv_signin.php?userid=opensim-admin&pwd=s3cret-Pass")
        self.assertEqual(r.find("response.level0.body.status"), (True, "Ok"), r)
        found, token = r.find("response.level0.body.auth_token")
        self.assertTrue(found, r)
        self.assertRegex(token, r"^[A-Za-z0-9_-]{16,}$")
        self.assertEqual(m.auth_token, token)
        t = token

        # 2. AddRegion: no request in master.
        before = len(m.log)
        self.assertEqual(m.add_region(REGION, REGION_NAME), "")
        self.assertEqual(len(m.log), before, "master AddRegion must not call the server")

        # 3-5. Agent A provisions: 403, create, password.
        r = self.check_http(m.get_account_info(ACCOUNT_A))
        self.assertEqual(r.target,
                         "/api2/viv_get_acct.php?auth_token=%s&user_name=%s" % (t, ACCOUNT_A))
        self.assert_status(r, "ERR")
        self.assertEqual(r.find("response.level0.body.code"), (True, "403"), r)
        r = self.check_http(m.create_account(ACCOUNT_A, "c0a8f3e1Z5b2dZ4a"))
        self.assertTrue(r.is_ok(), r)
        r = self.check_http(m.set_password(ACCOUNT_A, "c0a8f3e1Z5b2dZ4a"))
        self.assertTrue(r.is_ok(), r)

        # 6. Parcel One: search finds nothing.
        found, _, _ = m.try_get_channel("", PARCEL1)
        r = self.last()
        self.assertEqual(r.target, "/api2/viv_chan_search.php?cond_channame=%s&auth_token=%s"
                         % (PARCEL1, t))
        self.assertTrue(r.is_ok(), r)
        self.assertEqual(r.find(h.SEARCH_COUNT), (True, "0"), r)
        self.assertFalse(found, r)

        # 7. Create: chan_uri sip:confctl-1001@realm.
        ok, uri1 = m.try_create_channel("", PARCEL1, "%s:%s" % (REGION_NAME, "Parcel One"))
        r = self.last()
        self.assertEqual(
            r.target,
            "/api2/viv_chan_mod.php?mode=create&chan_name=%s&auth_token=%s"
            "&chan_desc=Test%%20Region:Parcel%%20One&chan_type=positional&chan_mode=open"
            "&chan_roll_off=2&chan_dist_model=2&chan_max_range=60&chan_clamping_distance=10"
            % (PARCEL1, t))
        self.assertTrue(ok, r)
        self.assertEqual(uri1, "sip:confctl-1001@%s" % realm, r)
        self.assertTrue(r.is_ok(), r)
        self.assertEqual(r.find("response.level0.body.chan_id"), (True, "1001"), r)

        # 8-10. Agent B provisions.
        r = self.check_http(m.get_account_info(ACCOUNT_B))
        self.assert_status(r, "ERR")
        self.assertEqual(r.find("response.level0.body.code"), (True, "403"), r)
        self.assertTrue(self.check_http(m.create_account(ACCOUNT_B, "7d3e9b20Z11f4Z4c")).is_ok())
        self.assertTrue(self.check_http(m.set_password(ACCOUNT_B, "7d3e9b20Z11f4Z4c")).is_ok())

        # 11-12. Town Square uses the estate (region) channel: miss, then create.
        found, _, _ = m.try_get_channel("", REGION)
        self.assertEqual(self.last().find(h.SEARCH_COUNT), (True, "0"))
        self.assertFalse(found)
        ok, uri2 = m.try_create_channel("", REGION, "%s:%s" % (REGION_NAME, REGION_NAME))
        self.assertTrue(ok, self.last())
        self.assertEqual(uri2, "sip:confctl-1002@%s" % realm, self.last())

        # 13. Agent A walks to Town Square: found, no create.
        n = len(m.log)
        uri, created = m.get_or_create_channel("", REGION, "%s:%s" % (REGION_NAME, REGION_NAME))
        self.assertEqual(len(m.log), n + 1, "a hit must be exactly one search")
        self.assertFalse(created)
        self.assertEqual(uri, uri2)
        r = self.last()
        self.assertEqual(r.find(h.SEARCH_COUNT), (True, "1"), r)
        self.assertEqual(r.find(h.LEVEL4 + "id"), (True, "1002"), r)
        self.assertEqual(r.find(h.LEVEL4 + "name"), (True, REGION), r)
        self.assertEqual(r.find(h.LEVEL4 + "type"), (True, "positional_M"), r)
        self.assertEqual(r.find(h.LEVEL4 + "parent"), (True, ""), r)
        self.assertEqual(r.find(h.LEVEL4 + "uri"), (True, uri2), r)
        self.assertEqual(r.find(h.LEVEL4 + "id", 1), (False, ""), "only one item expected")

        # 14. Agent B walks to Parcel One: found confctl-1001.
        uri, created = m.get_or_create_channel("", PARCEL1, "Test Region:Parcel One")
        self.assertFalse(created, self.last())
        self.assertEqual(uri, uri1)
        self.assertEqual(self.last().find(h.SEARCH_COUNT), (True, "1"))

        # 15-16. Agent A relogs: account exists, password changes.
        r = self.check_http(m.get_account_info(ACCOUNT_A))
        self.assertTrue(r.is_ok(), r)
        self.assertEqual(r.find("response.level0.body.user_name"), (True, ACCOUNT_A), r)
        self.assertTrue(self.check_http(m.set_password(ACCOUNT_A, "2e6f0a9cZ8d41Z4f")).is_ok())

        # 17. RemoveRegion: one search for {RegionUUID}D, nothing found, nothing deleted.
        n = len(m.log)
        self.assertEqual(m.remove_region(REGION, REGION_NAME), "")
        self.assertEqual(len(m.log), n + 1, [x.target for x in m.log[n:]])
        r = self.last()
        self.assertEqual(r.target, "/api2/viv_chan_search.php?cond_channame=%sD&auth_token=%s"
                         % (REGION, t))
        self.assertTrue(r.is_ok(), r)
        self.assertEqual(r.find(h.SEARCH_COUNT), (True, "0"), r)
        self.assertEqual(m.try_get_channel("", PARCEL1)[2], uri1, "channel 1001 must stay")
        self.assertEqual(m.try_get_channel("", REGION)[2], uri2, "channel 1002 must stay")

        # 18. Shutdown: sign-out (answer ignored by the module, but it should be OK).
        r = self.check_http(m.logout())
        self.assertEqual(r.target, "/api2/viv_signout.php?auth_token=%s" % t)
        self.assertTrue(r.is_ok(), r)
        # The signed-out token is now refused with 201 (spec: "signed-out token -> 201").
        r = self.check_http(m.get_account_info(ACCOUNT_A))
        self.assert_status(r, "ERR")
        self.assertEqual(r.find("response.level0.body.code"), (True, "201"), r)

        # Secrets stay out of the (debug-level) log.
        log = self.server.stderr_text()
        self.assertIn("viv_chan_search.php", log, "debug log expected")
        for secret in (t, "s3cret-Pass", "c0a8f3e1Z5b2dZ4a", "2e6f0a9cZ8d41Z4f"):
            self.assertNotIn(secret, log)

    def test_module_flows_request_counts(self):
        """The same story through the module's event handlers (spec §2 call counts)."""
        m = self.module
        self.assertTrue(m.do_admin_login())
        m.add_region(REGION, REGION_NAME)

        n = len(m.log)
        creds = m.provision(AGENT_A)
        self.assertIsNotNone(creds, m.log[n:])
        self.assertEqual(creds["username"], ACCOUNT_A)
        self.assertEqual([x.target.split("?")[0] for x in m.log[n:]],
                         ["/api2/viv_get_acct.php", "/api2/viv_adm_acct_new.php",
                          "/api2/viv_adm_password.php"])

        n = len(m.log)
        self.assertIsNotNone(m.provision(AGENT_A))  # relog: no create
        self.assertEqual(len(m.log) - n, 2, m.log[n:])

        n = len(m.log)
        uri1 = m.parcel_voice_info(REGION, REGION_NAME, PARCEL1, "Parcel One", 1, False)
        self.assertEqual(len(m.log) - n, 2, "miss = search + create: %r" % m.log[n:])
        self.assertRegex(uri1, r"^sip:confctl-\d+@" + re.escape(h.REALM) + "$")
        uri2 = m.parcel_voice_info(REGION, REGION_NAME, PARCEL2, "Town Square", 2, True)
        self.assertNotEqual(uri1, uri2)
        # Master: LocalID 1 is a per-parcel channel, not the region channel.
        self.assertEqual(m.try_get_channel("", PARCEL1)[2], uri1)
        self.assertEqual(m.try_get_channel("", REGION)[2], uri2)

        n = len(m.log)
        self.assertEqual(
            m.parcel_voice_info(REGION, REGION_NAME, PARCEL1, "Parcel One", 1, False), uri1)
        self.assertEqual(len(m.log) - n, 1, "hit = one search: %r" % m.log[n:])

        # The URIs are the channel ids: sip:confctl-{chan_id}@realm.
        found, chan_id, uri = m.try_get_channel("", PARCEL1)
        self.assertEqual(uri, "sip:confctl-%s@%s" % (chan_id, h.REALM))

        for reply in m.log:
            self.assertEqual(reply.http.status, 200, reply)
            if "viv_get_acct" not in reply.target:  # the first one is ERR 403 by design
                self.assertTrue(reply.is_ok(), reply)
        m.remove_region(REGION, REGION_NAME)
        self.assertTrue(m.logout().is_ok())


if __name__ == "__main__":
    h.main()

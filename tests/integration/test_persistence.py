"""Durability: admin tokens, accounts, channels (and the generated TLS certificate) survive
a clean restart (SIGTERM) and a kill -9; a kill -9 in the middle of a write burst loses no
acknowledged write and leaves a consistent database.

Run alone:  /usr/bin/python3 tests/integration/test_persistence.py --webvoxd build/webvoxd
"""

import os
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import unittest  # noqa: E402

import webvox_harness as h  # noqa: E402

REGION = "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"
PARCEL1 = "9d2f6c1a-7e4b-4c3d-9a8b-1f2e3d4c5b6a"
AGENT_A = "e669132a-6c43-4ee1-a78d-6c82fff59f32"
ACCOUNT_A = "x5mkTKmxDTuGnjWyC__WfMg=="

BURST_THREADS = 4
BURST_MIN_ACKED = 1000     # kill once this many writes were acknowledged ...
BURST_MAX_SECONDS = 2.5    # ... or after this long, whichever comes first
DB_NAME = "webvox.sqlite3"


def server_certificate(port):
    sock = h.open_connection(port, tls=True)
    try:
        return sock.getpeercert(binary_form=True)
    finally:
        sock.close()


class RestartTest(unittest.TestCase):

    def setUp(self):
        self.data_dir = os.path.join(h.make_tempdir(self), "data")
        self.server = h.WebvoxServer(self.data_dir)
        self.addCleanup(self.server.cleanup)
        self.server.start()

    def restart(self, how):
        if how == "sigterm":
            # Idle and half-open connections must not hold up a clean shutdown.
            idle = [socket.create_connection((h.HOST, self.server.port), timeout=5)
                    for _ in range(3)]
            idle[1].sendall(b"GET /api2/viv_sign")
            idle[2].sendall(b"\x16\x03\x01\x00")
            try:
                self.assertEqual(self.server.stop(), 0, self.server.describe())
            finally:
                for sock in idle:
                    sock.close()
        else:
            self.server.kill9()
        self.server.start()

    def check_state(self, sim, state, label):
        sim.server = self.server.authority  # the port changes on every start
        reply = sim.get_account_info(ACCOUNT_A)
        self.assertTrue(reply.is_ok(), "%s: account or token lost: %r" % (label, reply))
        for name, (chan_id, uri) in state["channels"].items():
            found, got_id, got_uri = sim.try_get_channel("", name)
            self.assertTrue(found, "%s: channel %s lost: %r" % (label, name, sim.log[-1]))
            self.assertEqual((got_id, got_uri), (chan_id, uri), label)
        # The signed-out token stays signed out.
        reply = h.Reply("t2", h.module_request(
            self.server.port, "/api2/viv_get_acct.php?auth_token=%s&user_name=%s"
            % (state["signed_out_token"], ACCOUNT_A)))
        self.assertEqual(reply.find("response.level0.body.code"), (True, "201"),
                         "%s: %r" % (label, reply))
        self.assertEqual(server_certificate(self.server.port), state["certificate"],
                         "%s: the generated certificate changed" % label)

    def test_restart_then_kill9(self):
        sim = self.server.module()
        self.assertTrue(sim.do_admin_login())
        other = self.server.module()
        self.assertTrue(other.do_admin_login())
        self.assertTrue(other.logout().is_ok())
        self.assertIsNotNone(sim.provision(AGENT_A), sim.log[-3:])
        state = {"channels": {}, "signed_out_token": other.auth_token,
                 "certificate": server_certificate(self.server.port)}
        for name in (PARCEL1, REGION):
            uri, created = sim.get_or_create_channel("", name, "Test Region:x")
            self.assertTrue(created)
            found, chan_id, _ = sim.try_get_channel("", name)
            state["channels"][name] = (chan_id, uri)

        self.restart("sigterm")
        self.check_state(sim, state, "after SIGTERM restart")
        # New writes after a restart get fresh ids.
        uri, created = sim.get_or_create_channel("", "after-restart", "x")
        self.assertTrue(created, sim.log[-1])
        new_id = sim.try_get_channel("", "after-restart")[1]
        self.assertGreater(int(new_id), max(int(i) for i, _ in state["channels"].values()))
        state["channels"]["after-restart"] = (new_id, uri)
        self.assertTrue(sim.set_password(ACCOUNT_A, "0123abcdZ4567Z4a").is_ok())

        self.restart("kill9")
        self.check_state(sim, state, "after kill -9")
        # No re-sign-in was ever needed: the first token is still the one in use.
        self.assertEqual(sum("viv_signin.php" in r.target for r in sim.log), 1)

        self.assertEqual(self.server.stop(), 0, self.server.describe())
        self.assertEqual(h.integrity_check(os.path.join(self.data_dir, DB_NAME)), "ok")


class BurstKillTest(unittest.TestCase):
    """Writers hammer the server over keep-alive plain HTTP; kill -9 mid-burst; every write
    whose OK answer had arrived must be there after the restart."""

    def setUp(self):
        self.data_dir = os.path.join(h.make_tempdir(self), "data")
        self.server = h.WebvoxServer(self.data_dir, log_level="info")
        self.addCleanup(self.server.cleanup)
        self.server.start()

    def writer(self, index, token, results, stop):
        acked_channels, acked_accounts = results["channels"][index], results["accounts"][index]
        try:
            client = h.KeepAliveClient(self.server.port, tls=False)
        except OSError as e:
            results["ends"][index] = ("connect", repr(e))
            return
        i = 0
        try:
            while not stop.is_set():
                i += 1
                if i % 6 == 0:
                    name = "xburst%d_%d==" % (index, i)
                    target = ("/api2/viv_adm_acct_new.php?username=%s&pwd=p%d&auth_token=%s"
                              % (name, i, token))
                else:
                    name = "burst-%d-%d" % (index, i)
                    target = ("/api2/viv_chan_mod.php?mode=create&chan_name=%s&auth_token=%s"
                              "&chan_desc=Burst&chan_type=positional&chan_mode=open"
                              "&chan_roll_off=2&chan_dist_model=2&chan_max_range=60"
                              "&chan_clamping_distance=10" % (name, token))
                reply = h.Reply(target, client.get(target))
                if not reply.is_ok():
                    results["ends"][index] = ("refused", repr(reply))
                    return
                if name.startswith("x"):
                    acked_accounts.append(name)
                else:
                    chan_id = reply.value("response.level0.body.chan_id")
                    acked_channels.append((name, chan_id,
                                           reply.value("response.level0.body.chan_uri")))
            results["ends"][index] = ("stopped", "")
        except (OSError, h.ConnectionClosed, ValueError) as e:
            results["ends"][index] = ("connection", repr(e))
        finally:
            try:
                client.close()
            except OSError:
                pass

    def test_kill9_mid_burst_keeps_acknowledged_writes(self):
        self.burst_then("kill9")

    def test_sigterm_mid_burst_exits_0_and_keeps_acknowledged_writes(self):
        self.burst_then("sigterm")

    def burst_then(self, how):
        sim = self.server.module()
        self.assertTrue(sim.do_admin_login())
        token = sim.auth_token
        results = {"channels": [[] for _ in range(BURST_THREADS)],
                   "accounts": [[] for _ in range(BURST_THREADS)],
                   "ends": [None] * BURST_THREADS}
        stop = threading.Event()
        threads = [threading.Thread(target=self.writer, args=(i, token, results, stop),
                                    daemon=True) for i in range(BURST_THREADS)]
        for thread in threads:
            thread.start()

        def acked():
            return sum(len(x) for x in results["channels"]) + \
                sum(len(x) for x in results["accounts"])

        deadline = time.monotonic() + BURST_MAX_SECONDS
        while acked() < BURST_MIN_ACKED and time.monotonic() < deadline and \
                all(end is None for end in results["ends"]):
            time.sleep(0.01)  # polling our own counters, not waiting for the server
        if how == "kill9":
            self.server.kill9()
        else:
            self.assertEqual(self.server.stop(), 0,
                             "SIGTERM during a burst must still exit 0\n" + self.server.describe())
        stop.set()
        for thread in threads:
            thread.join(15)
            self.assertFalse(thread.is_alive(), "writer hung after the kill")

        for end in results["ends"]:
            self.assertIsNotNone(end)
            self.assertNotEqual(end[0], "refused", "a write was refused before the kill: %s"
                                % end[1])
            self.assertNotEqual(end[0], "connect", end[1])
        if how == "kill9":
            self.assertTrue(any(end[0] == "connection" for end in results["ends"]),
                            "the kill did not interrupt any writer: %r" % results["ends"])
        channels = [c for per in results["channels"] for c in per]
        accounts = [a for per in results["accounts"] for a in per]
        self.assertGreaterEqual(len(channels), 20, "burst too small to mean anything")
        self.assertGreaterEqual(len(accounts), 1)
        sys.stderr.write("\n  burst: %d channels + %d accounts acknowledged before %s; "
                         "writer ends: %s\n" % (len(channels), len(accounts), how,
                                                 sorted(end[0] for end in results["ends"])))
        ids = [chan_id for _, chan_id, _ in channels]
        self.assertEqual(len(ids), len(set(ids)), "two channels acknowledged with one id")

        database = os.path.join(self.data_dir, DB_NAME)
        self.assertEqual(h.integrity_check(database), "ok", "database damaged by " + how)

        self.server.start()
        client = h.KeepAliveClient(self.server.port, tls=False)
        try:
            for name, chan_id, uri in channels:
                reply = h.Reply(name, client.get(
                    "/api2/viv_chan_search.php?cond_channame=%s&auth_token=%s" % (name, token)))
                self.assertEqual(reply.find(h.SEARCH_COUNT), (True, "1"),
                                 "acknowledged channel %s lost: %r" % (name, reply))
                self.assertEqual(h.channel_in_search(reply, "", name), (True, chan_id, uri),
                                 reply)
            for name in accounts:
                reply = h.Reply(name, client.get(
                    "/api2/viv_get_acct.php?auth_token=%s&user_name=%s" % (token, name)))
                self.assertTrue(reply.is_ok(), "acknowledged account %s lost: %r"
                                % (name, reply))
            # Still writable after recovery.
            reply = h.Reply("x", client.get(
                "/api2/viv_chan_mod.php?mode=create&chan_name=after-crash&auth_token=%s" % token))
            self.assertTrue(reply.is_ok(), reply)
            self.assertNotIn(reply.value("response.level0.body.chan_id"), ids)
        finally:
            client.close()
        self.assertEqual(self.server.stop(), 0, self.server.describe())
        self.assertEqual(h.integrity_check(database), "ok")
        rows = h.db_rows(database, "SELECT count(*) AS n FROM channels WHERE name LIKE 'burst-%'")
        self.assertGreaterEqual(rows[0]["n"], len(channels))


if __name__ == "__main__":
    h.main()

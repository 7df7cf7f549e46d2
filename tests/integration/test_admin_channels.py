"""The channel admin API and `webvoxd admin …` (docs/admin.md) against a real webvoxd: list
channels and members, kick (the member is told, the others see it leave, it may not rejoin
for the cool-down), mute (everyone, the member too, is told; it outlives a rejoin), close
(everybody out, told why); bad requests (credentials, unknown channel and member, malformed
JSON, an oversized body, wrong methods); the subcommand with the server's own settings, its
trust of the self-signed certificate, its exit codes, and that it never prints the password.
State is read from the API and the clients' messages, never from log lines. Media-level proof
of mute in a forwarded channel: test_admin_mute_media.py.
Needs Debian's python3-websockets. Run alone:
    /usr/bin/python3 tests/integration/test_admin_channels.py --webvoxd build/webvoxd
"""

import asyncio
import itertools
import json
import os
import shutil
import socket
import sys
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import unittest  # noqa: E402

import webvox_harness as h  # noqa: E402

try:
    import websockets  # noqa: E402,F401
    from signalling_client import SignalClient  # noqa: E402
except ImportError as e:  # pragma: no cover
    websockets = None
    _IMPORT_ERROR = e

_serial = itertools.count(1)
COOLDOWN = 60  # ChannelAdminApi::kRejoinCooldown


def admin_call(server, method, path, body=None, user=h.ADMIN_USER, password=h.ADMIN_PASSWORD,
               raw=None):
    """One call to the admin API over plain HTTP; returns (status, parsed JSON or None,
    HttpResponse)."""
    data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
    headers = [("Authorization", h.basic_auth(user, password))]
    if data:
        headers.append(("Content-Type", "application/json"))
    response = h.module_request(server.port, path, tls=False, method=method, body=data,
                                extra_headers=headers)
    try:
        parsed = json.loads(response.body.decode("utf-8"))
    except ValueError:
        parsed = None
    return response.status, parsed, response


def channel_path(uri, action=""):
    path = "/admin/channels/" + urllib.parse.quote(uri, safe="")
    return path + ("/" + action if action else "")


class AdminChannelsTest(unittest.IsolatedAsyncioTestCase):
    """One webvoxd (mesh for small channels, the default media-mode) for every test."""

    @classmethod
    def setUpClass(cls):
        if websockets is None:
            raise h.missing("python3-websockets (not importable: %s)" % _IMPORT_ERROR)
        h.start_shared_server(cls)
        h.sign_in_module(cls)

    @classmethod
    def tearDownClass(cls):
        h.stop_shared_server(cls)

    async def asyncSetUp(self):
        asyncio.get_running_loop().set_debug(False)

    # -- fixtures ------------------------------------------------------------------------------

    def new_account(self):
        name = "xadm%04d-%s==" % (next(_serial), self.id().rsplit(".", 1)[-1][:16])
        password = h.module_password()
        self.assertTrue(self.module.create_account(name, password).is_ok())
        return name, password

    def new_channel(self):
        uri, created = self.module.get_or_create_channel(
            "", "adm-%d-%s" % (next(_serial), self.id().rsplit(".", 1)[-1][:30]), "admin test")
        self.assertTrue(created)
        return uri

    async def member(self, channel, label):
        account = self.new_account()
        client = await SignalClient.connect(self.url, label)
        self.addAsyncCleanup(client.close)
        await client.hello(account=account[0], password=account[1], name=label)
        client.account = account[0]
        await client.join(channel)
        return client

    def show(self, channel):
        status, body, response = admin_call(self.server, "GET", channel_path(channel))
        self.assertEqual(status, 200, response)
        return body

    def members_of(self, channel):
        return {m["account"]: m for m in self.show(channel)["members"]}

    def cli(self, *args, env=None, settings=None):
        """`webvoxd admin ARGS` with the server's settings (its data dir, admin user and
        realm; the password from the environment); returns (exit code, stdout, stderr)."""
        if settings is None:
            settings = ["--data-dir", self.server.data_dir, "--admin-user", h.ADMIN_USER,
                        "--realm", h.REALM]
        environment = {"WEBVOX_ADMIN_PASSWORD": h.ADMIN_PASSWORD}
        environment.update(env or {})
        code, out, err = h.run_to_exit(
            ["admin", "--url", "https://127.0.0.1:%d" % self.server.port] + list(args) + settings,
            env=environment)
        self.assertNotIn(h.ADMIN_PASSWORD, out + err)
        return code, out, err

    # -- list, kick -----------------------------------------------------------------------------

    async def test_list_then_kick_tells_the_member_and_keeps_it_out_for_the_cooldown(self):
        channel = self.new_channel()
        self.assertEqual(self.show(channel)["mode"], "idle")
        a = await self.member(channel, "Ann")
        b = await self.member(channel, "Bob")
        await a.expect("member-joined")

        status, listed, _ = admin_call(self.server, "GET", "/admin/channels")
        self.assertEqual(status, 200)
        mine = [c for c in listed["channels"] if c["uri"] == channel]
        self.assertEqual(len(mine), 1, listed)
        self.assertEqual(mine[0]["mode"], "mesh")
        self.assertFalse(mine[0]["viewer_mix"])
        by_account = {m["account"]: m for m in mine[0]["members"]}
        self.assertEqual(set(by_account), {a.account, b.account})
        self.assertEqual(by_account[b.account]["name"], "Bob")
        self.assertEqual(by_account[b.account]["kind"], "browser")
        self.assertEqual(by_account[b.account]["member"], b.member)
        self.assertFalse(by_account[b.account]["operator_muted"])

        status, kicked, _ = admin_call(self.server, "POST", channel_path(channel, "kick"),
                                       {"account": b.account})
        self.assertEqual(status, 200, kicked)
        self.assertEqual(kicked["kicked"], [{"member": b.member, "kind": "browser"}])
        self.assertEqual(kicked["rejoin_after"], COOLDOWN)
        removed = await b.expect("removed", channel=channel, reason="kicked")
        self.assertEqual(removed["retryAfter"], COOLDOWN)
        self.assertIn("operator", removed["message"])
        await a.expect("member-left", member=b.member)
        self.assertEqual(set(self.members_of(channel)), {a.account})

        # Still signed in, but kept out of this channel for now (and told how long).
        await b.send({"type": "join", "channel": channel, "id": 9})
        refused = await b.expect_error("kicked", id=9)
        self.assertTrue(0 < refused["retryAfter"] <= COOLDOWN, refused)
        other = self.new_channel()
        await b.join(other)
        self.assertEqual(set(self.members_of(channel)), {a.account})
        # Kicking someone who is not there is a 404, and changes nothing.
        status, body, _ = admin_call(self.server, "POST", channel_path(channel, "kick"),
                                     {"account": b.account})
        self.assertEqual((status, body), (404, {"error": "no member with that account in the channel"}))

    # -- mute ------------------------------------------------------------------------------------

    async def test_mute_is_told_to_everyone_outlives_a_rejoin_and_the_cli_lifts_it(self):
        channel = self.new_channel()
        a = await self.member(channel, "Ann")
        b = await self.member(channel, "Bob")
        await a.expect("member-joined")

        status, body, _ = admin_call(self.server, "POST", channel_path(channel, "mute"),
                                     {"account": b.account, "muted": True})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["operator_muted"], True)
        for client in (a, b):  # the member itself too
            state = await client.expect("member-state", member=b.member)
            self.assertIs(state["operatorMuted"], True)
            self.assertIs(state["speaking"], False)
        self.assertTrue(self.members_of(channel)[b.account]["operator_muted"])

        # A muted member's "speaking" is never passed on.
        await b.send({"type": "state", "speaking": True})
        self.assertIs((await a.expect("member-state", member=b.member))["speaking"], False)

        # Leaving and joining again does not lift it.
        await b.send({"type": "leave"})
        await b.expect("left")
        await a.expect("member-left", member=b.member)
        joined = await b.join(channel)
        self.assertIs(joined["self"]["operatorMuted"], True)
        seen = await a.expect("member-joined")
        self.assertIs(seen["member"]["operatorMuted"], True)

        code, out, err = self.cli("mute", channel, b.account, "--off")
        self.assertEqual(code, 0, err)
        self.assertEqual(out, "unmuted %s in %s (1 connection(s))\n" % (b.account, channel))
        for client in (a, b):
            self.assertIs((await client.expect("member-state", member=b.member))["operatorMuted"],
                          False)
        self.assertFalse(self.members_of(channel)[b.account]["operator_muted"])

    # -- close -----------------------------------------------------------------------------------

    async def test_close_through_the_cli_removes_everybody_and_the_channel_opens_again(self):
        channel = self.new_channel()
        a = await self.member(channel, "Ann")
        b = await self.member(channel, "Bob")
        await a.expect("member-joined")

        code, out, err = self.cli("channel", channel)
        self.assertEqual(code, 0, err)
        self.assertTrue(out.startswith("%s  mesh  2 member(s)" % channel), out)
        self.assertIn("  %s  \"Ann\"  browser\n" % a.account, out)

        code, out, err = self.cli("close", channel)
        self.assertEqual(code, 0, err)
        self.assertEqual(out, "closed %s: 2 member(s) removed\n" % channel)
        for client in (a, b):
            removed = await client.expect("removed", channel=channel, reason="closed")
            self.assertNotIn("retryAfter", removed)
        self.assertEqual(self.show(channel)["mode"], "idle")
        status, listed, _ = admin_call(self.server, "GET", "/admin/channels")
        self.assertNotIn(channel, [c["uri"] for c in listed["channels"]])
        # A new call may start at once.
        joined = await a.join(channel)
        self.assertEqual(joined["members"], [])

    async def test_cli_kick_and_channels(self):
        channel = self.new_channel()
        a = await self.member(channel, "Ann")
        code, out, err = self.cli("channels")
        self.assertEqual(code, 0, err)
        self.assertIn("%s  mesh  1 member(s)" % channel, out)
        code, out, err = self.cli("kick", channel, a.account)
        self.assertEqual(code, 0, err)
        self.assertEqual(out, "kicked %s from %s (1 connection(s)); it may join again in %d s\n"
                         % (a.account, channel, COOLDOWN))
        await a.expect("removed", channel=channel, reason="kicked")

    # -- the subcommand's settings and failures -----------------------------------------------

    def test_cli_reads_the_password_file_and_trusts_the_servers_certificate(self):
        # What an operator has on the server's host: the data folder with the generated
        # password and the self-signed certificate, and no password in the environment.
        folder = os.path.join(h.make_tempdir(self), "data")
        os.makedirs(folder)
        with open(os.path.join(folder, "admin-password"), "w") as f:
            f.write(h.ADMIN_PASSWORD + "\n")
        shutil.copy(os.path.join(self.server.data_dir, "tls-cert.pem"), folder)
        settings = ["--data-dir", folder, "--admin-user", h.ADMIN_USER]
        code, out, err = h.run_to_exit(
            ["admin", "--url", "https://127.0.0.1:%d" % self.server.port, "channels"] + settings)
        self.assertEqual(code, 0, err)
        self.assertNotIn(h.ADMIN_PASSWORD, out + err)
        # Another certificate is not trusted: exit 2, saying so.
        other = os.path.join(h.make_tempdir(self), "other")
        stranger = h.WebvoxServer(other)  # makes a self-signed certificate of its own
        self.addCleanup(stranger.cleanup)
        stranger.start()
        self.assertEqual(stranger.stop(), 0)
        code, out, err = h.run_to_exit(
            ["admin", "--url", "https://127.0.0.1:%d" % self.server.port,
             "--ca", os.path.join(other, "tls-cert.pem"), "channels"] + settings)
        self.assertEqual(code, 2, (out, err))
        self.assertIn("certificate verify failed", err)
        # --insecure checks nothing.
        code, out, err = h.run_to_exit(
            ["admin", "--url", "https://127.0.0.1:%d" % self.server.port, "--insecure",
             "channels"] + settings)
        self.assertEqual(code, 0, err)

    def test_cli_exits_with_the_servers_error(self):
        code, out, err = self.cli("channels", env={"WEBVOX_ADMIN_PASSWORD": "wrong-one"})
        self.assertEqual(code, 1)
        self.assertEqual(out, "")
        self.assertIn("admin credentials required (HTTP 401)", err)
        self.assertNotIn("wrong-one", out + err)
        code, out, err = self.cli("channel", "sip:confctl-99999@%s" % h.REALM)
        self.assertEqual(code, 1)
        self.assertIn("no such channel (HTTP 404)", err)
        code, out, err = self.cli("kick", self.new_channel(), "xnobody==")
        self.assertEqual(code, 1)
        self.assertIn("no member with that account in the channel (HTTP 404)", err)
        # Nothing listening there: exit 2.
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        code, out, err = h.run_to_exit(
            ["admin", "--url", "https://127.0.0.1:%d" % port, "channels", "--data-dir",
             self.server.data_dir], env={"WEBVOX_ADMIN_PASSWORD": h.ADMIN_PASSWORD})
        self.assertEqual(code, 2, err)
        self.assertIn("cannot reach", err)

    # -- bad requests over HTTP --------------------------------------------------------------------

    def test_bad_requests_get_json_errors_with_their_status(self):
        channel = self.new_channel()
        status, body, response = admin_call(self.server, "GET", "/admin/channels",
                                            password="not-it")
        self.assertEqual((status, body), (401, {"error": "admin credentials required"}))
        self.assertIn("Basic", response.headers.get("www-authenticate", ""), response)
        # Without credentials even a malformed request learns nothing but 401.
        status, _, _ = admin_call(self.server, "POST", channel_path(channel, "kick"),
                                  raw=b"{", password="not-it")
        self.assertEqual(status, 401)

        status, body, _ = admin_call(self.server, "GET",
                                     channel_path("sip:confctl-99999@%s" % h.REALM))
        self.assertEqual((status, body), (404, {"error": "no such channel"}))
        status, body, _ = admin_call(self.server, "GET",
                                     channel_path(channel.replace(h.REALM, "elsewhere.org")))
        self.assertEqual(status, 404)
        for raw in (b"{", b"[]", b"{}", b'{"account": 5}', b'{"account": ""}'):
            status, body, _ = admin_call(self.server, "POST", channel_path(channel, "kick"),
                                         raw=raw)
            self.assertEqual(status, 400, raw)
            self.assertIsInstance(body["error"], str)
        status, body, _ = admin_call(self.server, "POST", channel_path(channel, "mute"),
                                     {"account": "xA==", "muted": "yes"})
        self.assertEqual((status, body), (400, {"error": "muted must be true or false"}))
        big = json.dumps({"account": "xA==", "pad": " " * 5000}).encode()
        status, body, _ = admin_call(self.server, "POST", channel_path(channel, "kick"), raw=big)
        self.assertEqual((status, body), (413, {"error": "request body too large"}))
        status, _, _ = admin_call(self.server, "GET", channel_path(channel, "kick"))
        self.assertEqual(status, 405)
        status, _, _ = admin_call(self.server, "POST", "/admin/channels", {})
        self.assertEqual(status, 405)
        status, _, _ = admin_call(self.server, "POST", channel_path(channel, "ban"), {})
        self.assertEqual(status, 404)


if __name__ == "__main__":
    h.main()

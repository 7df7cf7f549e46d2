"""The signalling WebSocket at /signal (docs/signalling.md), against a real webvoxd: sign-in
with account + password or a join token, joining channels, presence and relaying confined to
one channel, message checks and limits, flooding, replacement, channel_full, ICE servers.

Needs Debian's python3-websockets. Run alone:
    /usr/bin/python3 tests/integration/test_signalling.py --webvoxd build/webvoxd

Not covered: the 10 s sign-in deadline (a compiled-in constant; waiting for it would make the
suite 10 s slower for one check).

A client resetting its connection with messages still unprocessed once crashed webvoxd; a
test keeps it from coming back.

Every receive has a timeout; nothing sleeps to synchronise. "X receives nothing" is checked
by sending X a ping afterwards: the next message must be the pong.
"""

import asyncio
import base64
import itertools
import json
import os
import re
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import unittest  # noqa: E402

import webvox_harness as h  # noqa: E402

try:
    import websockets  # noqa: E402
    from signalling_client import SignalClient  # noqa: E402
except ImportError as e:  # pragma: no cover
    websockets = None
    _IMPORT_ERROR = e

_serial = itertools.count(1)

OFFER = {"description": {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n"}}
ANSWER = {"description": {"type": "answer", "sdp": "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\n"}}
CANDIDATE = {"candidate": {"candidate": "candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host",
                           "sdpMid": "0", "sdpMLineIndex": 0, "usernameFragment": "abcd"}}
END_OF_CANDIDATES = {"candidate": None}


class SignallingCase(unittest.IsolatedAsyncioTestCase):
    """One webvoxd per class; each test makes its own accounts and channels."""

    server_args = ()

    @classmethod
    def setUpClass(cls):
        if websockets is None:
            raise h.missing("python3-websockets (not importable: %s)" % _IMPORT_ERROR)
        h.start_shared_server(cls, extra_args=cls.server_args)
        h.sign_in_module(cls)

    @classmethod
    def tearDownClass(cls):
        h.stop_shared_server(cls)

    async def asyncSetUp(self):
        # IsolatedAsyncioTestCase runs the loop in debug mode, which records a traceback for
        # every task and callback: several times slower, and the flood tests depend on a client
        # that sends faster than the 50 messages/s refill. (The Vivox API calls also block
        # briefly, which debug mode would report as slow callbacks.)
        asyncio.get_running_loop().set_debug(False)

    # -- fixtures ------------------------------------------------------------------------------

    def new_account(self, password=None):
        """A fresh voice account made with viv_adm_acct_new.php -> (name, password)."""
        name = "xsig%04d-%s==" % (next(_serial), self.id().rsplit(".", 1)[-1][:20])
        password = password or h.module_password()
        reply = self.module.create_account(name, password)
        self.assertTrue(reply.is_ok(), reply)
        return name, password

    def new_channel(self):
        """A fresh channel made with viv_chan_mod.php -> its sip:confctl-N@realm URI."""
        uri, created = self.module.get_or_create_channel(
            "", "chan-%d-%s" % (next(_serial), self.id().rsplit(".", 1)[-1][:30]), "test")
        self.assertTrue(created)
        self.assertRegex(uri, r"^sip:confctl-\d+@%s$" % h.REALM.replace(".", r"\."))
        return uri

    async def connect(self, label=""):
        client = await SignalClient.connect(self.url, label)
        self.addAsyncCleanup(client.close)
        return client

    async def signed_in(self, account=None, label="", name=None):
        if account is None:
            account = self.new_account()
        client = await self.connect(label or account[0])
        await client.hello(account=account[0], password=account[1], name=name)
        client.account = account[0]
        return client

    async def member(self, channel, account=None, label=""):
        client = await self.signed_in(account, label)
        await client.join(channel)
        return client

    async def assert_closed(self, client, code, reason=None):
        got_code, got_reason, messages = await client.expect_closed()
        self.assertEqual(got_code, code, (got_reason, messages))
        if reason is not None:
            self.assertEqual(got_reason, reason)
        return messages

    def assert_member_info(self, info, client, name=None):
        self.assertEqual(info, {"member": client.member, "account": client.account,
                                "name": name or client.account, "muted": False,
                                "speaking": False, "role": "participant", "floor": True,
                                "hand": False, "operatorMuted": False})


# ---------------------------------------------------------------------------------------------

class SignInTest(SignallingCase):

    async def test_the_password_last_set_signs_in_and_an_older_one_does_not(self):
        name, first = self.new_account()
        client = await self.connect()
        welcome = await client.hello(account=name, password=first, id="h1")
        self.assertEqual(welcome["protocol"], 1)
        self.assertEqual(welcome["account"], name)
        self.assertEqual(welcome["name"], name)  # no name given: the account name
        self.assertEqual(welcome["id"], "h1")
        self.assertEqual(welcome["iceServers"], [])
        self.assertNotIn("channel", welcome)
        self.assertRegex(welcome["member"], r"^\S{6,64}$")

        second = h.module_password()
        self.assertTrue(self.module.set_password(name, second).is_ok())
        old = await self.connect()
        await old.send({"type": "hello", "account": name, "password": first, "id": 5})
        await old.expect_error("auth_failed", id=5)
        await self.assert_closed(old, 1008)

        new = await self.connect()
        welcome2 = await new.hello(account=name, password=second)
        self.assertNotEqual(welcome2["member"], welcome["member"])  # one id per connection
        await client.assert_quiet()  # the first connection is not disturbed

    async def test_wrong_password_or_unknown_account_fails_and_closes_1008(self):
        name, password = self.new_account()
        for account, pw in ((name, password + "x"), (name, password.upper()),
                            ("xnobody-here==", password), (name, "")):
            with self.subTest(account=account, password=pw):
                client = await self.connect()
                await client.send({"type": "hello", "account": account, "password": pw})
                await client.expect_error("auth_failed")
                await self.assert_closed(client, 1008)

    async def test_display_name_is_trimmed_and_cleaned(self):
        account = self.new_account()
        client = await self.signed_in(account, name="  Ada\x07 Lovelace\n ")
        self.assertEqual(client.welcome["name"], "Ada Lovelace")
        channel = self.new_channel()
        await client.join(channel)
        other = await self.member(channel)
        self.assertEqual(other.joined["members"][0]["name"], "Ada Lovelace")

    async def test_long_names_are_cut_and_absurd_ones_refused(self):
        # docs/signalling.md, Limits: over 256 bytes -> bad_message; else cut to 64 bytes.
        name, password = self.new_account()
        client = await self.connect()
        await client.send({"type": "hello", "account": name, "password": password,
                           "name": "N" * 257, "id": "long"})
        await client.expect_error("bad_message", id="long")
        client = await self.signed_in((name, password), name="  " + "N" * 65 + "  ")
        self.assertEqual(client.welcome["name"], "N" * 64)

    async def test_name_of_exactly_64_bytes_is_kept(self):
        client = await self.signed_in(name=" " + "é" * 32 + " ")  # 64 bytes of UTF-8
        self.assertEqual(client.welcome["name"], "é" * 32)

    async def test_only_hello_before_signing_in(self):
        name, password = self.new_account()
        client = await self.connect()
        channel = self.new_channel()
        for message in ({"type": "ping", "id": 1}, {"type": "join", "id": 2, "channel": channel},
                        {"type": "state", "id": 3, "muted": True}, {"type": "leave", "id": 4},
                        {"type": "signal", "id": 5, "to": "abc", "data": OFFER}):
            await client.send(message)
            await client.expect_error("auth_required", id=message["id"])
        await client.hello(account=name, password=password)
        await client.join(channel)

    async def test_second_hello_is_already_signed_in(self):
        account = self.new_account()
        client = await self.signed_in(account)
        await client.send({"type": "hello", "account": account[0], "password": account[1],
                           "id": "again"})
        await client.expect_error("already_signed_in", id="again")
        await client.assert_quiet()

    async def test_hello_needs_account_and_password_or_a_token(self):
        name, password = self.new_account()
        client = await self.connect()
        for bad in ({"account": name}, {"password": password}, {},
                    {"account": name, "password": password, "token": "v1.a.b"},
                    {"account": 12, "password": password}, {"account": name, "password": None},
                    {"token": 5}, {"account": name, "password": password, "name": 7}):
            with self.subTest(hello=bad):
                await client.send(dict(bad, type="hello", id="bad"))
                await client.expect_error("bad_message", id="bad")
        # Shape errors do not close the socket: a good hello still works.
        await client.hello(account=name, password=password)

    async def test_ids_are_limited_to_64_bytes(self):
        # docs/signalling.md: an id is a whole number or a string of at most 64 bytes.
        client = await self.signed_in()
        await client.send({"type": "ping", "id": "é" * 32})
        self.assertEqual(await client.recv(), {"type": "pong", "id": "é" * 32})
        await client.send({"type": "ping", "id": "é" * 33})
        await client.expect_error("bad_message")

    async def test_unknown_fields_are_ignored(self):
        name, password = self.new_account()
        client = await self.connect()
        await client.hello(account=name, password=password, future={"x": [1, 2]}, v=2)
        channel = self.new_channel()
        await client.send({"type": "join", "channel": channel, "id": 9, "extra": True})
        await client.expect("joined", id=9)
        await client.send({"type": "ping", "id": 10, "pad": "x" * 100})
        await client.expect("pong", id=10)

    async def test_ids_are_copied_into_replies(self):
        client = await self.signed_in()
        for request_id in ("a", "é" * 20, "x" * 64, 0, 7, -3, 2 ** 53):
            with self.subTest(id=request_id):
                await client.send({"type": "ping", "id": request_id})
                self.assertEqual(await client.recv(), {"type": "pong", "id": request_id})
        await client.send({"type": "ping"})
        self.assertEqual(await client.recv(), {"type": "pong"})
        for bad_id in ("x" * 65, "é" * 65, 1.5, [1], {"a": 1}, True):
            with self.subTest(id=bad_id):
                await client.send({"type": "ping", "id": bad_id})
                reply = await client.expect_error("bad_message")
                self.assertNotIn("id", reply)


# ---------------------------------------------------------------------------------------------

class JoinTokenTest(SignallingCase):

    async def test_admin_endpoint_token_signs_in_and_joins(self):
        channel = self.new_channel()
        before = int(time.time())
        issued = h.admin_join_token(self.server, "xguest-token==", channel, name="Guest", ttl=120)
        after = int(time.time())
        self.assertEqual(set(issued), {"token", "expires", "url"})
        self.assertTrue(before + 120 <= issued["expires"] <= after + 120, issued)
        self.assertEqual(issued["url"], "/?token=" + issued["token"])
        self.assertTrue(issued["token"].startswith("v1."))

        client = await self.connect()
        welcome = await client.hello(token=issued["token"], id=1)
        self.assertEqual(welcome["account"], "xguest-token==")
        self.assertEqual(welcome["name"], "Guest")
        self.assertEqual(welcome["channel"], channel)
        client.account = "xguest-token=="
        await client.join(channel)

        other = await self.member(channel)
        self.assert_member_info(other.joined["members"][0], client, name="Guest")

    async def test_cli_token_signs_in_and_joins(self):
        channel = self.new_channel()
        code, out, err = h.cli_join_token(self.server, "xcli-token==", channel, name="Cli",
                                          ttl=300)
        self.assertEqual(code, 0, err)
        token = out.strip()
        self.assertTrue(token.startswith("v1."), out)
        client = await self.connect()
        welcome = await client.hello(token=token)
        self.assertEqual((welcome["account"], welcome["name"], welcome["channel"]),
                         ("xcli-token==", "Cli", channel))
        await client.join(channel)
        # A name in hello wins over the token's.
        named = await self.connect()
        welcome = await named.hello(token=token, name="Chosen")
        self.assertEqual(welcome["name"], "Chosen")

    async def test_token_name_defaults_to_the_account(self):
        channel = self.new_channel()
        token = h.admin_join_token(self.server, "xnoname==", channel)["token"]
        client = await self.connect()
        welcome = await client.hello(token=token)
        self.assertEqual(welcome["name"], "xnoname==")

    async def test_token_for_channel_a_cannot_join_channel_b(self):
        channel_a, channel_b = self.new_channel(), self.new_channel()
        watcher = await self.member(channel_b)
        token = h.admin_join_token(self.server, "xguest-a==", channel_a)["token"]
        client = await self.connect()
        await client.hello(token=token)
        await client.send({"type": "join", "channel": channel_b, "id": "b"})
        await client.expect_error("forbidden", id="b")
        await watcher.assert_quiet()  # nobody joined B
        # Not closed, and still admitted to its own channel.
        await client.join(channel_a)
        await client.send({"type": "join", "channel": channel_b, "id": "b2"})
        await client.expect_error("forbidden", id="b2")

    async def test_expired_token_fails_and_closes(self):
        channel = self.new_channel()
        key = h.token_key(self.server.data_dir)
        # A valid one signed the same way proves the minting matches the server...
        fresh = h.mint_join_token(key, "xminted==", channel, time.time() + 60)
        client = await self.connect()
        await client.hello(token=fresh)
        await client.join(channel)
        # ...so the expired one fails only for its expiry.
        for expires in (time.time() - 3600, time.time() - 1):
            stale = h.mint_join_token(key, "xminted==", channel, expires)
            client = await self.connect()
            await client.send({"type": "hello", "token": stale, "id": "old"})
            await client.expect_error("auth_failed", id="old")
            await self.assert_closed(client, 1008)

    async def test_forged_or_malformed_tokens_fail_and_close(self):
        channel = self.new_channel()
        good = h.admin_join_token(self.server, "xforge==", channel)["token"]
        version, payload, signature = good.split(".")
        other_key = os.urandom(32)
        forged_payload = json.loads(h._b64url_decode(payload))
        forged_payload["acct"] = "xsomeone-else=="
        tampered = version + "." + h._b64url(json.dumps(forged_payload).encode()) + "." + signature
        flipped = good[:-2] + ("A" if good[-2] != "A" else "B") + good[-1]
        bad_tokens = {
            "other key": h.mint_join_token(other_key, "xforge==", channel, time.time() + 60),
            "payload changed": tampered,
            "signature changed": flipped,
            "no signature": version + "." + payload,
            "empty signature": version + "." + payload + ".",
            "version 2": "v2." + payload + "." + signature,
            "garbage": "not-a-token",
            "signed non-JSON": h.mint_join_token(
                h.token_key(self.server.data_dir), None, None, 0,
                payload=["not", "an", "object"]),
            "signed without exp": h.mint_join_token(
                h.token_key(self.server.data_dir), None, None, 0,
                payload={"acct": "xforge==", "chan": channel}),
            "huge": "v1." + "A" * 1900 + "." + signature,
        }
        for label, token in bad_tokens.items():
            with self.subTest(label):
                client = await self.connect(label)
                await client.send({"type": "hello", "token": token})
                await client.expect_error("auth_failed")
                await self.assert_closed(client, 1008)

    async def test_admin_endpoint_refusals(self):
        channel = self.new_channel()
        ok, directory = self.module.try_create_directory("dir-%d" % next(_serial), "d")
        self.assertTrue(ok)
        body = {"account": "xa==", "channel": channel}
        cases = [
            ("wrong password", body, h.ADMIN_USER, "nope", 401),
            ("wrong user", body, "root", h.ADMIN_PASSWORD, 401),
            ("no credentials", body, None, None, 401),
            ("not JSON", b"{account", h.ADMIN_USER, h.ADMIN_PASSWORD, 400),
            ("no channel", {"account": "xa=="}, h.ADMIN_USER, h.ADMIN_PASSWORD, 400),
            ("no account", {"channel": channel}, h.ADMIN_USER, h.ADMIN_PASSWORD, 400),
            ("ttl too long", dict(body, ttl=7 * 86400 + 1), h.ADMIN_USER, h.ADMIN_PASSWORD, 400),
            ("ttl zero", dict(body, ttl=0), h.ADMIN_USER, h.ADMIN_PASSWORD, 400),
            ("unknown channel", dict(body, channel="sip:confctl-987654@%s" % h.REALM),
             h.ADMIN_USER, h.ADMIN_PASSWORD, 404),
            ("directory", dict(body, channel="sip:confctl-%s@%s" % (directory, h.REALM)),
             h.ADMIN_USER, h.ADMIN_PASSWORD, 404),
        ]
        for label, request, user, password, status in cases:
            with self.subTest(label):
                http, parsed = h.admin_join_token_request(self.server, request, user, password)
                self.assertEqual(http.status, status, http)
                self.assertIsInstance(parsed, dict, http)
                self.assertIsInstance(parsed.get("error"), str, http)


# ---------------------------------------------------------------------------------------------

class ChannelTest(SignallingCase):

    async def test_unknown_channel_is_not_found(self):
        client = await self.signed_in()
        for uri in ("sip:confctl-987654@%s" % h.REALM, "sip:confctl-1001@other.example.org",
                    "sip:confctl-@%s" % h.REALM, "sip:someone@%s" % h.REALM, "confctl-1001",
                    "x" * 300):
            with self.subTest(uri=uri):
                await client.send({"type": "join", "channel": uri, "id": "j"})
                await client.expect_error("not_found", id="j")
        await client.assert_quiet()

    async def test_directory_is_not_found(self):
        ok, directory = self.module.try_create_directory("dir-%d" % next(_serial), "region")
        self.assertTrue(ok)
        client = await self.signed_in()
        await client.send({"type": "join", "channel": "sip:confctl-%s@%s" % (directory, h.REALM),
                           "id": 3})
        await client.expect_error("not_found", id=3)
        # A channel inside it can be joined.
        uri, created = self.module.get_or_create_channel(directory, "child-%d" % next(_serial),
                                                         "c")
        self.assertTrue(created)
        await client.join(uri)

    async def test_presence_goes_only_to_members_of_that_channel(self):
        channel_a, channel_b = self.new_channel(), self.new_channel()
        a1 = await self.signed_in(label="a1")
        joined = await a1.join(channel_a, request_id=1)
        self.assertEqual(joined["members"], [])
        self.assertEqual(joined["id"], 1)
        self.assertEqual(joined["channelInfo"], {
            "type": "positional", "mode": "open", "distanceModel": 2, "rollOff": 2,
            "maxRange": 60, "clampingDistance": 10, "forwarding": "mesh"})
        b1 = await self.member(channel_b, label="b1")

        # member-joined
        a2 = await self.signed_in(label="a2")
        joined = await a2.join(channel_a)
        self.assertEqual(len(joined["members"]), 1)
        self.assert_member_info(joined["members"][0], a1)
        message = await a1.expect("member-joined")
        self.assert_member_info(message["member"], a2)
        await b1.assert_quiet()
        await a1.assert_quiet()

        # member-state
        await a2.send({"type": "state", "muted": True})
        self.assertEqual(await a1.recv(), {"type": "member-state", "member": a2.member,
                                           "muted": True, "speaking": False, "floor": True, "hand": False,
                                           "operatorMuted": False})
        await a2.send({"type": "state", "muted": False, "speaking": True, "floor": True, "hand": False})
        self.assertEqual(await a1.recv(), {"type": "member-state", "member": a2.member,
                                           "muted": False, "speaking": True, "floor": True, "hand": False,
                                           "operatorMuted": False})
        await a2.send({"type": "state"})  # both left out: the current state again
        self.assertEqual(await a1.recv(), {"type": "member-state", "member": a2.member,
                                           "muted": False, "speaking": True, "floor": True, "hand": False,
                                           "operatorMuted": False})
        await a2.assert_quiet()  # not echoed to the sender
        await b1.assert_quiet()
        # A newcomer sees the current state.
        a3 = await self.signed_in(label="a3")
        joined = await a3.join(channel_a)
        states = {m["member"]: (m["muted"], m["speaking"]) for m in joined["members"]}
        self.assertEqual(states, {a1.member: (False, False), a2.member: (False, True)})
        for client in (a1, a2):
            self.assertEqual((await client.expect("member-joined"))["member"]["member"],
                             a3.member)

        # member-left by leave
        await a2.send({"type": "leave", "id": "bye"})
        self.assertEqual(await a2.recv(), {"type": "left", "channel": channel_a, "id": "bye"})
        for client in (a1, a3):
            self.assertEqual(await client.recv(), {"type": "member-left", "member": a2.member})
        await b1.assert_quiet()
        await a2.assert_quiet()

        # member-left by closing the socket
        await a1.close()
        self.assertEqual(await a3.recv(), {"type": "member-left", "member": a1.member})
        await b1.assert_quiet()
        await a2.assert_quiet()  # no longer in the channel: hears nothing

        # The other channel's own presence does not leak into A.
        b2 = await self.member(channel_b, label="b2")
        self.assertEqual((await b1.expect("member-joined"))["member"]["member"], b2.member)
        await a3.assert_quiet()

    async def test_join_while_in_a_channel_leaves_it_first(self):
        channel_a, channel_b = self.new_channel(), self.new_channel()
        a = await self.member(channel_a, label="a")
        b = await self.member(channel_b, label="b")
        mover = await self.member(channel_a, label="mover")
        await a.expect("member-joined")
        joined = await mover.join(channel_b)
        self.assertEqual([m["member"] for m in joined["members"]], [b.member])
        self.assertEqual(await a.recv(), {"type": "member-left", "member": mover.member})
        self.assertEqual((await b.expect("member-joined"))["member"]["member"], mover.member)
        await mover.assert_quiet()
        # Rejoining the channel one is in is a leave and a join.
        await mover.join(channel_b)
        self.assertEqual(await b.recv(), {"type": "member-left", "member": mover.member})
        self.assertEqual((await b.expect("member-joined"))["member"]["member"], mover.member)
        await a.assert_quiet()

    async def test_not_in_channel(self):
        client = await self.signed_in()
        for message in ({"type": "signal", "to": "abc", "data": OFFER, "id": 1},
                        {"type": "state", "muted": True, "id": 2},
                        {"type": "leave", "id": 3}):
            with self.subTest(message["type"]):
                await client.send(message)
                await client.expect_error("not_in_channel", id=message["id"])


# ---------------------------------------------------------------------------------------------

class RelayTest(SignallingCase):
    # Nine members would make an auto channel forwarded, where peer-to-peer signals stop.
    server_args = ("--media-mode", "mesh")

    async def test_a_member_that_stops_reading_is_dropped_not_buffered_forever(self):
        # The websockets client stops reading its socket once 32 messages wait unread, so
        # `slow` soon reads nothing. webvoxd may hold 4 MiB for it, then must let it go.
        channel = self.new_channel()
        slow = await self.member(channel, label="slow")
        senders = [await self.member(channel, label="s%d" % i) for i in range(8)]
        big = {"description": {"type": "offer", "sdp": "v=0\r\n" + "a" * 30000}}
        for sender in senders:
            sender.send_burst([{"type": "signal", "to": slow.member, "data": big}] * 60)
        # 8 × 60 × 30 kB = 14 MB: far beyond the queue limit plus the sockets' own buffers.
        watcher = senders[0]
        while True:
            message = await watcher.recv(timeout=30)
            if message.get("type") == "member-left" and message.get("member") == slow.member:
                break

    async def test_signal_is_relayed_unchanged_within_the_channel(self):
        channel = self.new_channel()
        a = await self.member(channel, label="a")
        b = await self.member(channel, label="b")
        await a.expect("member-joined")
        for data in (OFFER, CANDIDATE, END_OF_CANDIDATES,
                     {"candidate": {"candidate": "", "sdpMid": None, "sdpMLineIndex": None}},
                     {"description": {"type": "pranswer", "sdp": "v=0\r\n"}},
                     {"description": {"type": "rollback"}}):
            with self.subTest(data=data):
                await b.signal(a.member, data)
                self.assertEqual(await a.recv(), {"type": "signal", "from": b.member,
                                                  "data": data})
        await a.signal(b.member, ANSWER)
        self.assertEqual(await b.recv(), {"type": "signal", "from": a.member, "data": ANSWER})
        await a.assert_quiet()  # a successful signal gets no reply
        await b.assert_quiet()

    async def test_signal_to_a_member_of_another_channel_is_unknown_member(self):
        channel_a, channel_b = self.new_channel(), self.new_channel()
        a1 = await self.member(channel_a, label="a1")
        a2 = await self.member(channel_a, label="a2")
        await a1.expect("member-joined")
        b1 = await self.member(channel_b, label="b1")
        outsider = await self.signed_in(label="outsider")  # signed in, in no channel

        for target in (b1, outsider):
            with self.subTest(target=target.label):
                await a1.signal(target.member, OFFER, request_id="x")
                await a1.expect_error("unknown_member", id="x")
        await a1.signal(a1.member, OFFER, request_id="self")  # to oneself
        await a1.expect_error("unknown_member", id="self")
        await a1.signal("no-such-member", CANDIDATE, request_id=4)
        await a1.expect_error("unknown_member", id=4)
        # And in the other direction.
        await b1.signal(a1.member, OFFER, request_id="y")
        await b1.expect_error("unknown_member", id="y")
        for client in (a1, a2, b1, outsider):
            await client.assert_quiet()

    async def test_signal_to_a_member_who_left_is_unknown_member(self):
        channel = self.new_channel()
        a = await self.member(channel, label="a")
        b = await self.member(channel, label="b")
        await a.expect("member-joined")
        await b.send({"type": "leave"})
        await b.expect("left")
        await a.expect("member-left")
        await a.signal(b.member, OFFER, request_id=1)
        await a.expect_error("unknown_member", id=1)
        await b.assert_quiet()


# ---------------------------------------------------------------------------------------------

class MessageShapeTest(SignallingCase):

    async def pair(self):
        channel = self.new_channel()
        a = await self.member(channel, label="a")
        b = await self.member(channel, label="b")
        await a.expect("member-joined")
        return a, b

    async def test_bad_messages_are_reported_and_dropped(self):
        a, b = await self.pair()
        to = b.member
        bad = {
            "not JSON": "{type: ping}",
            "truncated JSON": '{"type": "ping"',
            "empty": "",
            "array": json.dumps([{"type": "ping"}]),
            "string": json.dumps("ping"),
            "number": "7",
            "null": "null",
            "no type": {"id": 1},
            "type not a string": {"type": 1},
            "unknown type": {"type": "pong"},
            "upper case type": {"type": "PING"},
            "join without channel": {"type": "join"},
            "join with empty channel": {"type": "join", "channel": ""},
            "join with numeric channel": {"type": "join", "channel": 1001},
            "signal without to": {"type": "signal", "data": OFFER},
            "signal with numeric to": {"type": "signal", "to": 5, "data": OFFER},
            "signal without data": {"type": "signal", "to": to},
            "signal with string data": {"type": "signal", "to": to, "data": "offer"},
            "data with neither": {"type": "signal", "to": to, "data": {}},
            "data with both": {"type": "signal", "to": to,
                               "data": dict(OFFER, candidate=None)},
            "description not an object": {"type": "signal", "to": to,
                                           "data": {"description": "v=0"}},
            "description type unknown": {"type": "signal", "to": to, "data": {
                "description": {"type": "hello", "sdp": "v=0"}}},
            "description without type": {"type": "signal", "to": to, "data": {
                "description": {"sdp": "v=0"}}},
            "offer without sdp": {"type": "signal", "to": to, "data": {
                "description": {"type": "offer"}}},
            "offer with numeric sdp": {"type": "signal", "to": to, "data": {
                "description": {"type": "offer", "sdp": 0}}},
            "candidate a string": {"type": "signal", "to": to, "data": {"candidate": "c"}},
            "candidate index negative": {"type": "signal", "to": to, "data": {
                "candidate": {"candidate": "candidate:1", "sdpMLineIndex": -1}}},
            "candidate string too long": {"type": "signal", "to": to, "data": {
                "candidate": {"candidate": "c" * 1025, "sdpMid": "0"}}},
            "sdp too long": {"type": "signal", "to": to, "data": {
                "description": {"type": "offer", "sdp": "s" * 32769}}},
            "state muted not a bool": {"type": "state", "muted": "yes"},
            "state speaking a number": {"type": "state", "speaking": 1},
        }
        for label, message in bad.items():
            with self.subTest(label):
                if isinstance(message, dict):
                    message = dict(message, id="bad")
                await a.send(message)
                reply = await a.expect_error("bad_message")
                if isinstance(message, dict):
                    self.assertEqual(reply.get("id"), "bad")
        # None of them reached b, and a is still in the channel and connected.
        await b.assert_quiet()
        await a.signal(b.member, OFFER)
        self.assertEqual(await b.recv(), {"type": "signal", "from": a.member, "data": OFFER})

    async def test_sizes_at_the_limits_are_accepted(self):
        a, b = await self.pair()
        sdp = {"description": {"type": "offer", "sdp": "s" * 32768}}
        await a.signal(b.member, sdp)
        self.assertEqual(await b.recv(), {"type": "signal", "from": a.member, "data": sdp})
        candidate = {"candidate": {"candidate": "c" * 1024, "sdpMid": "0", "sdpMLineIndex": 0}}
        await a.signal(b.member, candidate)
        self.assertEqual(await b.recv(), {"type": "signal", "from": a.member, "data": candidate})
        # A whole message of exactly 65 536 bytes.
        head = '{"type":"ping","id":"big","pad":"'
        text = head + "p" * (65536 - len(head) - 2) + '"}'
        self.assertEqual(len(text.encode()), 65536)
        await a.send(text)
        self.assertEqual(await a.recv(), {"type": "pong", "id": "big"})

    async def test_binary_frame_closes_1003(self):
        a, b = await self.pair()
        await a.send(json.dumps({"type": "ping"}).encode())
        await self.assert_closed(a, 1003)
        self.assertEqual(await b.recv(), {"type": "member-left", "member": a.member})

    async def test_binary_frame_before_hello_closes_1003(self):
        client = await self.connect()
        await client.send(b"\x00\x01")
        await self.assert_closed(client, 1003)

    async def test_message_over_65536_bytes_closes_1009(self):
        a, b = await self.pair()
        head = '{"type":"ping","pad":"'
        text = head + "p" * (65537 - len(head) - 2) + '"}'
        self.assertEqual(len(text.encode()), 65537)
        await a.send(text)
        await self.assert_closed(a, 1009)
        self.assertEqual(await b.recv(), {"type": "member-left", "member": a.member})

    async def test_huge_message_before_hello_closes_1009(self):
        client = await self.connect()
        # Written without waiting for it to drain: the server closes while the megabyte is still
        # arriving, and an awaited send would fail with that close instead of letting us read it.
        client.send_burst(["x" * 1_000_000])
        await self.assert_closed(client, 1009)


# ---------------------------------------------------------------------------------------------

class FloodTest(SignallingCase):

    async def test_a_burst_over_200_is_partly_rate_limited(self):
        client = await self.signed_in()
        count = 260
        client.send_burst({"type": "ping", "id": i} for i in range(count))
        pongs, limited = [], 0
        for _ in range(count):
            message = await client.recv()
            if message["type"] == "pong":
                pongs.append(message["id"])
            else:
                self.assertEqual((message["type"], message.get("code")), ("error", "rate_limited"),
                                 message)
                self.assertNotIn("id", message)
                limited += 1
        # The burst of 200 (hello took one of them) is served in order, plus what refilled
        # meanwhile (50/s).
        self.assertEqual(pongs[:199], list(range(199)))
        self.assertEqual(len(pongs) + limited, count)
        self.assertTrue(count - 199 - 10 <= limited <= count - 199, limited)  # < 100: not closed
        # Still connected: a WebSocket-level ping (not a protocol message) is answered.
        await asyncio.wait_for(await client.ws.ping(), 10)
        self.assertTrue(client.ws.open)

    async def test_sustained_flood_closes_1008(self):
        channel = self.new_channel()
        observer = await self.member(channel, label="observer")
        flooder = await self.member(channel, label="flooder")
        await observer.expect("member-joined")
        flooder.send_burst({"type": "state", "muted": bool(i % 2)} for i in range(400))
        messages = await self.assert_closed(flooder, 1008)
        limited = [m for m in messages if m.get("code") == "rate_limited"]
        others = [m for m in messages if m.get("code") != "rate_limited"]
        self.assertEqual(others, [])
        self.assertTrue(90 <= len(limited) <= 100, len(limited))
        # The observer got the admitted states (the burst of 200 less hello and join), then the
        # flooder's departure.
        states = 0
        while True:
            message = await observer.recv()
            if message["type"] != "member-state":
                break
            states += 1
        self.assertEqual(message, {"type": "member-left", "member": flooder.member})
        self.assertTrue(198 <= states < 210, states)
        await observer.assert_quiet()

    async def test_flooding_before_hello_closes_too(self):
        client = await self.connect()
        client.send_burst(['{"type":"ping"}'] * 400)
        messages = await self.assert_closed(client, 1008)
        codes = {m.get("code") for m in messages}
        self.assertEqual(codes, {"auth_required", "rate_limited"})


# ---------------------------------------------------------------------------------------------

class ReplaceTest(SignallingCase):

    async def test_same_account_in_the_same_channel_replaces_the_older_connection(self):
        channel = self.new_channel()
        account = self.new_account()
        old = await self.member(channel, account, label="old")
        observer = await self.member(channel, label="observer")
        await old.expect("member-joined")

        new = await self.signed_in(account, label="new")
        self.assertNotEqual(new.member, old.member)
        joined = await new.join(channel)
        self.assertEqual([m["member"] for m in joined["members"]], [observer.member])

        messages = await self.assert_closed(old, 4001)
        self.assertEqual(len(messages), 1, messages)
        self.assertEqual((messages[0]["type"], messages[0]["code"]), ("error", "replaced"))
        self.assertEqual(await observer.recv(), {"type": "member-left", "member": old.member})
        message = await observer.expect("member-joined")
        self.assert_member_info(message["member"], new)
        await observer.assert_quiet()
        await new.assert_quiet()
        # The old id is gone for good.
        await observer.signal(old.member, OFFER, request_id=1)
        await observer.expect_error("unknown_member", id=1)
        await observer.signal(new.member, OFFER)
        self.assertEqual((await new.recv())["from"], observer.member)

    async def test_same_account_in_another_channel_is_not_replaced(self):
        channel_a, channel_b = self.new_channel(), self.new_channel()
        account = self.new_account()
        first = await self.member(channel_a, account, label="first")
        second = await self.member(channel_b, account, label="second")
        await first.assert_quiet()
        await second.assert_quiet()

    async def test_same_account_signed_in_but_not_joined_is_not_replaced(self):
        channel = self.new_channel()
        account = self.new_account()
        idle = await self.signed_in(account, label="idle")
        await self.member(channel, account, label="joined")
        await idle.assert_quiet()


# ---------------------------------------------------------------------------------------------

class ChannelFullTest(SignallingCase):
    server_args = ("--max-channel-members", "2")

    async def test_third_member_gets_channel_full(self):
        channel, other = self.new_channel(), self.new_channel()
        a = await self.member(channel, label="a")
        b = await self.member(channel, label="b")
        await a.expect("member-joined")
        c = await self.signed_in(label="c")
        await c.send({"type": "join", "channel": channel, "id": "full"})
        await c.expect_error("channel_full", id="full")
        await a.assert_quiet()
        await b.assert_quiet()
        # c is not in it: signalling a member there fails, and c can join elsewhere.
        await c.signal(a.member, OFFER, request_id=2)
        await c.expect_error("not_in_channel", id=2)
        await c.join(other)
        # Once someone leaves there is room again.
        await b.close()
        await a.expect("member-left")
        joined = await c.join(channel)
        self.assertEqual([m["member"] for m in joined["members"]], [a.member])

    async def test_replacing_in_a_full_channel_is_not_channel_full(self):
        channel = self.new_channel()
        account = self.new_account()
        old = await self.member(channel, account, label="old")
        b = await self.member(channel, label="b")
        await old.expect("member-joined")
        new = await self.signed_in(account, label="new")
        await new.join(channel)
        await self.assert_closed(old, 4001)
        self.assertEqual(await b.recv(), {"type": "member-left", "member": old.member})
        self.assertEqual((await b.expect("member-joined"))["member"]["member"], new.member)


# ---------------------------------------------------------------------------------------------

STUN = ["stun:stun.example.org:3478", "stun:stun2.example.org:19302"]
TURN = ["turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349?transport=tcp"]
TURN_SECRET = "coturn-static-secret-for-tests"
TURN_TTL = 600


class IceServersTest(SignallingCase):
    server_args = ("--stun-urls", ",".join(STUN), "--turn-urls", ",".join(TURN),
                   "--turn-secret", TURN_SECRET, "--turn-ttl", str(TURN_TTL))

    def check_ice_servers(self, welcome, account, before, after):
        servers = welcome["iceServers"]
        self.assertEqual(len(servers), 2, servers)
        self.assertEqual(servers[0], {"urls": STUN})
        turn = servers[1]
        self.assertEqual(set(turn), {"urls", "username", "credential"})
        self.assertEqual(turn["urls"], TURN)
        expiry, _, user = turn["username"].partition(":")
        self.assertEqual(user, account)
        self.assertTrue(before + TURN_TTL <= int(expiry) <= after + TURN_TTL,
                        (before, turn["username"], after))
        self.assertEqual(turn["credential"], h.turn_credential(TURN_SECRET, turn["username"]))

    async def test_password_sign_in_gets_stun_and_turn_credentials(self):
        account = self.new_account()
        before = int(time.time())
        client = await self.signed_in(account)
        after = int(time.time()) + 1
        self.check_ice_servers(client.welcome, account[0], before, after)

    async def test_token_sign_in_gets_turn_credentials_for_the_token_account(self):
        channel = self.new_channel()
        token = h.admin_join_token(self.server, "xturn-guest==", channel)["token"]
        client = await self.connect()
        before = int(time.time())
        welcome = await client.hello(token=token)
        after = int(time.time()) + 1
        self.check_ice_servers(welcome, "xturn-guest==", before, after)


class PositionsTest(SignallingCase):
    """Positions and hearing over a real socket (docs/signalling.md "Positions and hearing").
    Channels carry the module's defaults: linear, ref 10, max 60, roll-off 2 (silent from
    35 m)."""

    @staticmethod
    def position(x, y=0.0, z=0.0, yaw=0.0):
        return {"type": "position", "x": x, "y": y, "z": z, "yaw": yaw}

    async def test_hearing_follows_distance(self):
        channel = self.new_channel()
        a = await self.member(channel, label="a")
        b = await self.member(channel, label="b")
        await a.send(self.position(100, 100))
        await b.send(self.position(140, 100))  # 40 m: beyond where the voice falls silent
        update = await a.expect_positions(
            lambda m: any(p["member"] == b.member and p["x"] == 140 for p in m["members"]))
        if update["audible"]:  # the first push may predate b's move; the next one cannot
            update = await a.expect_positions(lambda m: m["audible"] == [])
        self.assertEqual(update["listeners"], [])
        await b.expect_positions(lambda m: m["audible"] == [] and m["listeners"] == [])
        await b.send(self.position(125, 100, 0, 3.14))  # 25 m
        update = await a.expect_positions(lambda m: m["audible"] == [b.member])
        self.assertEqual(update["listeners"], [b.member])
        moved = [p for p in update["members"] if p["member"] == b.member]
        self.assertEqual(moved, [{"member": b.member, "x": 125, "y": 100, "z": 0, "yaw": 3.14,
                                  "source": "client"}])

    async def test_updates_are_batched_by_the_push_tick(self):
        channel = self.new_channel()
        a = await self.member(channel, label="a")
        b = await self.member(channel, label="b")
        await a.expect("member-joined")
        await a.assert_quiet()
        # Ten moves in one write (b's whole burst allowance) reach the server together; pushed
        # one by one they would make ten updates, batched by the 100 ms tick one or two.
        b.send_burst([self.position(50 + step) for step in range(10)])
        pushes = 0
        while True:
            last = await a.recv_any()
            self.assertEqual(last["type"], "positions")
            pushes += 1
            if any(p["x"] == 59 for p in last["members"] if p["member"] == b.member):
                break
        self.assertLessEqual(pushes, 2)
        self.assertEqual(last["audible"], [b.member])
        await b.assert_quiet()  # none of b's moves was refused
        await a.assert_nothing_at_all()

    async def test_bad_positions_are_refused(self):
        a = await self.member(self.new_channel(), label="a")
        for bad in [dict(self.position(-1)), dict(self.position(1, 1, 20000)),
                    {"type": "position", "x": 1, "y": 1}, {"type": "position", "x": "1", "y": 1, "z": 1}]:
            await a.send(bad)
            await a.expect_error("bad_message")
        await a.send('{"type":"position","x":NaN,"y":1,"z":1}')
        await a.expect_error("bad_message")
        await a.assert_quiet()

    async def test_positions_flood_is_rate_limited(self):
        a = await self.member(self.new_channel(), label="a")
        a.send_burst([self.position(10 + i) for i in range(15)])
        await a.expect_error("rate_limited")

    async def test_positions_never_reach_another_channel(self):
        outsider = await self.member(self.new_channel(), label="outsider")
        channel = self.new_channel()
        a = await self.member(channel, label="a")
        b = await self.member(channel, label="b")
        await a.send(self.position(10, 10))
        await b.send(self.position(12, 10))
        await a.expect_positions(lambda m: any(p["member"] == b.member for p in m["members"]))
        await outsider.assert_nothing_at_all()


def browser_offer(recv_slots=2, ufrag="EsAw", with_fingerprint=True):
    """An offer in Chromium's shape for the SFU: the microphone (sendonly), receive-only slot
    transceivers, one BUNDLE group. Addresses and keys are made up."""
    lines = ["v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
             "a=group:BUNDLE " + " ".join(str(i) for i in range(recv_slots + 1)),
             "a=extmap-allow-mixed", "a=msid-semantic: WMS s1"]
    for mid in range(recv_slots + 1):
        lines += ["m=audio 9 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
                  "a=ice-ufrag:" + ufrag, "a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1",
                  "a=ice-options:trickle"]
        if with_fingerprint:
            lines.append("a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:"
                         "2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F")
        lines += ["a=setup:actpass", "a=mid:%d" % mid,
                  "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
                  "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
                  "a=sendonly" if mid == 0 else "a=recvonly",
                  "a=rtcp-mux", "a=rtcp-rsize", "a=rtpmap:111 opus/48000/2",
                  "a=fmtp:111 minptime=10;useinbandfec=1"]
        if mid == 0:
            lines += ["a=msid:s1 t1", "a=ssrc:1001234567 cname:Yq3mZ8vT2kLp9wXa"]
    return "\r\n".join(lines) + "\r\n"


class SfuNegotiationTest(SignallingCase):
    """webvoxd --media-mode always-sfu answers a browser's offer as an ICE-lite, DTLS-passive
    endpoint with one SSRC per receive slot (docs/signalling.md, "Server-forwarded voice")."""

    server_args = h.SFU_MEDIA_ARGS + ("--media-port", "0", "--sfu-slots", "4")

    async def test_joined_says_voice_is_forwarded(self):
        a = await self.member(self.new_channel(), label="a")
        info = a.joined["channelInfo"]
        self.assertEqual((info["forwarding"], info["slots"]), ("sfu", 4))

    async def test_an_offer_gets_an_ice_lite_answer_with_a_stream_per_slot(self):
        a = await self.member(self.new_channel(), label="a")
        await a.send({"type": "sfu-offer", "id": 5, "sdp": browser_offer(recv_slots=2)})
        answer = await a.expect("sfu-answer", id=5)
        sdp = answer["sdp"]
        self.assertIn("a=ice-lite", sdp)
        self.assertIn("a=setup:passive", sdp)
        self.assertRegex(sdp, r"a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}")
        self.assertRegex(sdp, r"a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host")
        # The ICE-TCP fallback (RFC 6544 passive) on a port of its own here (--media-port 0),
        # at a lower priority than UDP.
        udp = re.search(r"a=candidate:\S+ 1 udp (\d+) 127\.0\.0\.1 \d+ typ host", sdp)
        tcp = re.search(r"a=candidate:\S+ 1 tcp (\d+) 127\.0\.0\.1 (\d+) typ host tcptype passive", sdp)
        self.assertIsNotNone(tcp, sdp)
        self.assertLess(int(tcp.group(1)), int(udp.group(1)))
        self.assertNotEqual(tcp.group(2), "0")
        self.assertIn("useinbandfec=1", sdp)  # Opus in-band FEC stays on through forwarding
        self.assertNotIn("sdes:mid", sdp)  # slots are routed by SSRC, not by the speaker's MID
        sections = sdp.split("m=audio")[1:]
        self.assertEqual(len(sections), 3)
        self.assertIn("a=recvonly", sections[0])  # the server receives the microphone
        for slot in sections[1:]:
            self.assertIn("a=sendonly", slot)
            self.assertRegex(slot, r"a=ssrc:\d+ cname:")
        ssrcs = re.findall(r"a=ssrc:(\d+) cname:", sdp)
        self.assertEqual(len(set(ssrcs)), 2)

    async def test_unusable_offers_are_refused_with_the_reason(self):
        a = await self.member(self.new_channel(), label="a")
        for bad in ["not sdp at all", browser_offer(with_fingerprint=False)]:
            await a.send({"type": "sfu-offer", "sdp": bad})
            error = await a.expect_error("bad_offer")
            self.assertTrue(error["message"])
        await a.assert_quiet()

    async def test_positions_before_the_offer_are_kept_not_fatal(self):
        # Clients report where they stand right after joining, before they offer: the media
        # side must keep that for later (it once dereferenced a room with no forwarding yet).
        a = await self.member(self.new_channel(), label="a")
        await a.send({"type": "position", "x": 10, "y": 10, "z": 0})
        loop = asyncio.get_running_loop()
        until = loop.time() + 0.3  # several 50 ms forwarding decisions
        while loop.time() < until:
            await a.assert_quiet()  # still answering
            await asyncio.sleep(0.03)  # pacing the pings under the rate limit
        await a.send({"type": "sfu-offer", "id": 1, "sdp": browser_offer()})
        await a.expect("sfu-answer", id=1)

    async def test_an_offer_needs_a_channel(self):
        a = await self.signed_in(label="a")
        await a.send({"type": "sfu-offer", "sdp": browser_offer()})
        await a.expect_error("not_in_channel")


class ForwardingCase(SignallingCase):
    """Helpers for channels whose forwarding the server switches by size."""

    async def fill(self, channel, count, label, switch_at=None):
        """`count` new members of `channel`, each having seen every later one arrive. When the
        one at index `switch_at` arrives, those already there must be told `forwarding` sfu
        first; at any other arrival nobody may be told anything but member-joined."""
        members = []
        for i in range(count):
            newcomer = await self.member(channel, label="%s%d" % (label, i))
            for earlier in members:
                if i == switch_at:
                    await earlier.expect("forwarding", forwarding="sfu")
                joined = await earlier.expect("member-joined")
                self.assertEqual(joined["member"]["member"], newcomer.member)
            members.append(newcomer)
        return members


class AutoForwardingTest(ForwardingCase):
    """media-mode auto (the default): a channel is a mesh up to sfu-threshold (4) members and
    forwarded beyond; back to a mesh only at 3 or fewer (docs/signalling.md, "Server-forwarded
    voice")."""

    server_args = ("--media-port", "0")

    async def test_the_fifth_member_switches_everyone_to_the_server(self):
        channel = self.new_channel()
        first = await self.fill(channel, 4, "m")
        for member in first:
            self.assertEqual(member.joined["channelInfo"]["forwarding"], "mesh")
            self.assertNotIn("slots", member.joined["channelInfo"])
            await member.assert_quiet()  # four is not beyond the threshold: nothing switched
        fifth = await self.member(channel, label="m4")
        self.assertEqual(fifth.joined["channelInfo"]["forwarding"], "sfu")
        self.assertEqual(fifth.joined["channelInfo"]["slots"], 8)
        for member in first:
            # Told before it learns of the fifth, so it never starts a mesh connection to it.
            await member.expect("forwarding", forwarding="sfu", slots=8)
            await member.expect("member-joined")
        sixth = await self.member(channel, label="m5")
        self.assertEqual(sixth.joined["channelInfo"]["forwarding"], "sfu")
        for member in first + [fifth]:
            await member.expect("member-joined")  # no second switch
            await member.assert_quiet()

    async def test_forwarded_channels_take_offers_and_refuse_peer_to_peer_signals(self):
        channel = self.new_channel()
        a, b, *_ = await self.fill(channel, 5, "f", switch_at=4)
        await a.send({"type": "signal", "id": 3, "to": b.member, "data": OFFER})
        await a.expect_error("mesh_off", id=3)
        await b.assert_quiet()  # nothing relayed
        await a.send({"type": "sfu-offer", "id": 4, "sdp": browser_offer()})
        await a.expect("sfu-answer", id=4)

    async def test_leaving_below_the_threshold_returns_to_the_mesh(self):
        channel = self.new_channel()
        members = await self.fill(channel, 5, "l", switch_at=4)
        await members[0].send({"type": "sfu-offer", "id": 1, "sdp": browser_offer()})
        await members[0].expect("sfu-answer", id=1)
        # Four left: at the threshold a forwarded channel stays forwarded.
        await members[4].close()
        for member in members[:4]:
            await member.expect("member-left", member=members[4].member)
            await member.assert_quiet()
        # Three left: below it, back to a mesh for everyone.
        await members[3].send({"type": "leave"})
        await members[3].expect("left")
        for member in members[:3]:
            await member.expect("member-left", member=members[3].member)
            self.assertEqual(await member.expect("forwarding"),
                             {"type": "forwarding", "forwarding": "mesh"})
        a, b = members[0], members[1]
        await a.send({"type": "sfu-offer", "id": 2, "sdp": browser_offer()})
        await a.expect_error("sfu_off", id=2)
        await a.signal(b.member, OFFER)
        message = await b.expect("signal")
        self.assertEqual((message["from"], message["data"]), (a.member, OFFER))
        late = await self.member(channel, label="late")
        self.assertEqual(late.joined["channelInfo"]["forwarding"], "mesh")


class MeshModeTest(ForwardingCase):
    """media-mode mesh: never forwarded, however many join."""

    server_args = ("--media-mode", "mesh")

    async def test_no_channel_is_ever_forwarded(self):
        channel = self.new_channel()
        members = await self.fill(channel, 6, "n")  # and nobody is told `forwarding`
        for member in members:
            self.assertEqual(member.joined["channelInfo"]["forwarding"], "mesh")
            await member.assert_quiet()
        await members[0].send({"type": "sfu-offer", "sdp": browser_offer()})
        await members[0].expect_error("sfu_off")


class AlwaysSfuTest(ForwardingCase):
    """media-mode always-sfu: forwarded from the first member to the last."""

    server_args = h.SFU_MEDIA_ARGS + ("--media-port", "0")

    async def test_every_channel_is_forwarded_at_any_size(self):
        channel = self.new_channel()
        a, b = await self.fill(channel, 2, "s")
        for member in (a, b):
            self.assertEqual(member.joined["channelInfo"]["forwarding"], "sfu")
        await b.close()
        await a.expect("member-left", member=b.member)
        await a.assert_quiet()  # alone, and still forwarded: no switch
        await a.send({"type": "sfu-offer", "id": 1, "sdp": browser_offer()})
        await a.expect("sfu-answer", id=1)


class TurnWithoutSecretTest(unittest.TestCase):

    def test_turn_urls_without_a_secret_are_refused_at_start(self):
        data_dir = os.path.join(h.make_tempdir(self), "data")
        code, out, err = h.run_to_exit(["--data-dir", data_dir, "--listen", "127.0.0.1:0",
                                        "--admin-password", h.ADMIN_PASSWORD,
                                        "--turn-urls", TURN[0]])
        self.assertNotIn(code, (0, None), (out, err))
        self.assertIn("turn-secret", err)


# ---------------------------------------------------------------------------------------------

def raw_websocket(port):
    """A bare client socket after the WebSocket upgrade (no library, to control resets)."""
    sock = socket.create_connection((h.HOST, port), timeout=h.IO_TIMEOUT)
    try:
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall(("GET /signal HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                      "Sec-WebSocket-Version: 13\r\n\r\n" % (h.HOST, port, key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed during the upgrade: %r" % head)
            head += chunk
        if not head.startswith(b"HTTP/1.1 101"):
            raise ConnectionError("no upgrade: %r" % head)
    except BaseException:
        sock.close()
        raise
    return sock, head.split(b"\r\n\r\n", 1)[1]


def text_frame(text):
    """A masked client text frame (zero masking key), payload < 126 bytes."""
    payload = text.encode()
    return bytes([0x81, 0x80 | len(payload)]) + b"\0\0\0\0" + payload


def read_text_frame(sock, pending=b""):
    buf = pending
    while len(buf) < 2 or len(buf) < 2 + (buf[1] & 0x7F):
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    length = buf[1] & 0x7F
    assert length < 126, buf[:10]
    return buf[2:2 + length].decode()


class ConnectionResetTest(unittest.TestCase):
    """A client that resets its connection (TCP RST) while the server still has its messages
    to process and replies to write: the server must carry on."""

    def test_reset_with_unprocessed_messages_does_not_crash_the_server(self):
        server = h.start_server(self, log_level="warn")
        sock = None
        try:
            for _ in range(3):
                sock, _ = raw_websocket(server.port)
                sock.sendall(text_frame('{"type":"ping"}') * 150)  # no sign-in needed
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.close()  # RST
                sock = None
            # Still serving: a new connection gets an answer.
            sock, pending = raw_websocket(server.port)
            sock.sendall(text_frame('{"type":"ping","id":1}'))
            reply = json.loads(read_text_frame(sock, pending))
        except OSError as e:
            self.fail("webvoxd no longer answers (%s); exit status %s"
                      % (e, server.proc.wait(5)))
        finally:
            if sock is not None:
                sock.close()
        self.assertEqual((reply["type"], reply["code"], reply["id"]),
                         ("error", "auth_required", 1))
        self.assertEqual(server.stop(), 0, server.describe())


if __name__ == "__main__":
    h.main()

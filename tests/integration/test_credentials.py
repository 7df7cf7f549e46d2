"""Password guessing and what reaches the log, against a real webvoxd (README "Password
guessing"; docs/signalling.md): viv_signin.php, POST /admin/join-tokens and the signalling
hello are throttled per source address and per account; the simulators' sign-in from their own
addresses keeps working; refused sign-ins are logged escaped, a few lines a second, never with
the password or a refused user name.

Each 127.0.0.x address stands for another machine. Nothing sleeps blindly: where a back-off
must pass, the test waits the `retry_after` the server announced (1-2 s here) and checks.

Run alone:
    /usr/bin/python3 tests/integration/test_credentials.py --webvoxd build/webvoxd
"""

import asyncio
import base64
import itertools
import os
import re
import sys
import time
import urllib.parse

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

# Every test takes addresses of its own, so the throttle's memory of one does not leak into
# another (they share a server per class).
_addresses = ("127.0.0.%d" % n for n in itertools.count(2))


def sign_in(server, password, source, user=h.ADMIN_USER, tls=True):
    target = "/api2/viv_signin.php?userid=%s&pwd=%s" % (user, password)
    return h.Reply(target, h.module_request(server.port, target, tls=tls, source=source))


def join_token_request(server, password, source, user=h.ADMIN_USER):
    credentials = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
    return h.module_request(server.port, "/admin/join-tokens", tls=False, method="POST",
                            body=b'{"account":"x","channel":"sip:confctl-1@x"}',
                            extra_headers=[("Content-Type", "application/json"),
                                           ("Authorization", "Basic " + credentials)],
                            source=source)


def wait_out(seconds):
    """Waits a back-off the server announced (plus a little for rounding)."""
    time.sleep(float(seconds) + 0.1)


class AdminSignInThrottleTest(unittest.TestCase):
    """viv_signin.php and /admin/join-tokens share the admin account's throttle."""

    def setUp(self):
        self.server = h.start_server(self)

    def test_a_guessing_address_is_throttled_and_simulators_elsewhere_still_sign_in(self):
        attacker, simulator = next(_addresses), next(_addresses)
        for i in range(6):
            reply = sign_in(self.server, "guess%d" % i, attacker)
            self.assertEqual(reply.value("response.level0.body.code"), "212", reply)
        # The 6th failure blocked the address: even the right password is not checked now.
        throttled = sign_in(self.server, h.ADMIN_PASSWORD, attacker)
        self.assertEqual(throttled.http.status, 200)
        self.assertEqual(throttled.value("response.level0.status"), "ERR")
        self.assertEqual(throttled.value("response.level0.body.status"), "Failed")
        self.assertEqual(throttled.value("response.level0.body.code"), "429", throttled)
        self.assertEqual(throttled.value("response.level0.body.retry_after"), "1")
        # A simulator signing in from its own address is not held back.
        ok = sign_in(self.server, h.ADMIN_PASSWORD, simulator)
        self.assertEqual(ok.value("response.level0.body.status"), "Ok", ok)
        # Once the announced back-off has passed, the address is checked again.
        wait_out(throttled.value("response.level0.body.retry_after"))
        again = sign_in(self.server, h.ADMIN_PASSWORD, attacker)
        self.assertEqual(again.value("response.level0.body.status"), "Ok", again)

    def test_guessing_from_many_addresses_blocks_the_account_briefly(self):
        # 11 failures from three addresses: the 11th blocks the admin account for 1 s.
        guessers = [next(_addresses) for _ in range(3)]
        for i in range(11):
            reply = sign_in(self.server, "guess", guessers[i % 3])
            self.assertEqual(reply.value("response.level0.body.code"), "212", (i, reply))
        held = sign_in(self.server, h.ADMIN_PASSWORD, guessers[0])
        self.assertEqual(held.value("response.level0.body.code"), "429", held)
        # A simulator that never failed waits the same short block (never more than 60 s)...
        simulator = next(_addresses)
        first = sign_in(self.server, h.ADMIN_PASSWORD, simulator)
        if first.value("response.level0.body.code") == "429":
            self.assertLessEqual(int(first.value("response.level0.body.retry_after")), 60)
            wait_out(first.value("response.level0.body.retry_after"))
            first = sign_in(self.server, h.ADMIN_PASSWORD, simulator)
        self.assertEqual(first.value("response.level0.body.status"), "Ok", first)
        # ...and once it has passed, the account works from the guessers' addresses too.
        ok = sign_in(self.server, h.ADMIN_PASSWORD, guessers[1])
        self.assertEqual(ok.value("response.level0.body.status"), "Ok", ok)

    def test_join_token_endpoint_answers_429_with_retry_after(self):
        attacker, other = next(_addresses), next(_addresses)
        for _ in range(6):
            self.assertEqual(join_token_request(self.server, "guess", attacker).status, 401)
        throttled = join_token_request(self.server, h.ADMIN_PASSWORD, attacker)
        self.assertEqual(throttled.status, 429, throttled)
        self.assertEqual(throttled.headers.get("retry-after"), "1", throttled.headers)
        # The same address is blocked for viv_signin too: one throttle for the admin account.
        self.assertEqual(sign_in(self.server, h.ADMIN_PASSWORD, attacker)
                         .value("response.level0.body.code"), "429")
        # Others get past the credentials (404: the made-up channel does not exist).
        self.assertEqual(join_token_request(self.server, h.ADMIN_PASSWORD, other).status, 404)


class LogTest(unittest.TestCase):
    """What request bytes look like in the log."""

    def setUp(self):
        self.server = h.start_server(self)
        self.module = self.server.module(scheme="http")
        self.assertTrue(self.module.do_admin_login())

    def test_forged_lines_control_bytes_and_refused_user_names_stay_out_of_the_log(self):
        forged = "[2026-01-01 00:00:00.000] [webvoxd] [info] admin 'opensim-admin' signed in"
        source = next(_addresses)
        # A password typed into the user field, with a newline that would start a fake line.
        sign_in(self.server, "x", source, user=urllib.parse.quote("hunter2-as-user\n" + forged))
        # A channel name with a newline, ESC and NUL.
        name = urllib.parse.quote("parcel\n" + forged + "\x1b[2J\x00end")
        reply = self.module.raw_call(self.module.format(
            "{scheme}://{0}/api2/viv_chan_mod.php?mode=create&auth_token=%s&chan_name=%s"
            "&chan_desc=d&chan_type=weird%%0Atype" % (self.module.auth_token, name)))
        self.assertTrue(reply.is_ok(), reply)
        # Stopping flushes the log.
        self.assertEqual(self.server.stop(), 0)
        log = self.server.stderr_text()
        lines = log.splitlines()
        self.assertFalse([line for line in lines if line.startswith("[2026-01-01")], log)
        self.assertNotIn("\x1b", log)
        self.assertNotIn("\x00", log)
        self.assertNotIn("hunter2-as-user", log)
        refused = [line for line in lines if "admin sign-in refused from %s" % source in line]
        self.assertEqual(len(refused), 1, log)
        self.assertIn("user is not the admin user (", refused[0])
        created = [line for line in lines if "created" in line and "parcel" in line]
        self.assertEqual(len(created), 1, log)
        self.assertIn('"parcel\\n[2026-01-01', created[0])
        self.assertIn("\\x1b[2J\\x00end", created[0])
        self.assertTrue([line for line in lines if 'unknown chan_type "weird\\ntype"' in line],
                        log)


class HelloThrottleTest(unittest.IsolatedAsyncioTestCase):
    """The signalling hello: PBKDF2 off the network threads, throttled, logged."""

    @classmethod
    def setUpClass(cls):
        if websockets is None:
            raise h.missing("python3-websockets (not importable: %s)" % _IMPORT_ERROR)

    def setUp(self):
        self.server = h.start_server(self)
        self.url = h.signal_url(self.server)
        self.module = self.server.module(scheme="http")
        self.assertTrue(self.module.do_admin_login())
        self.account, self.password = "xcred-account==", h.module_password()
        self.assertTrue(self.module.create_account(self.account, self.password).is_ok())

    async def hello(self, source, password, account=None):
        client = await SignalClient.connect(self.url, source=source)
        try:
            await client.send({"type": "hello", "id": 1, "account": account or self.account,
                               "password": password})
            message = await client.recv()
            code, reason, _ = ((None, None, None) if message.get("type") == "welcome"
                               else await client.expect_closed())
            return message, code
        finally:
            await client.close()

    async def test_a_guessing_address_gets_auth_throttled_and_others_still_sign_in(self):
        asyncio.get_running_loop().set_debug(False)
        attacker, resident = next(_addresses), next(_addresses)
        for i in range(6):
            message, code = await self.hello(attacker, "guess%d" % i)
            self.assertEqual(message.get("code"), "auth_failed", message)
            self.assertEqual(code, 1008)
        message, code = await self.hello(attacker, self.password)
        self.assertEqual(message.get("code"), "auth_throttled", message)
        self.assertEqual(message.get("id"), 1)
        self.assertEqual(message.get("retryAfter"), 1)
        self.assertEqual(code, 1008)
        welcome, _ = await self.hello(resident, self.password)
        self.assertEqual(welcome.get("type"), "welcome", welcome)
        wait_out(message["retryAfter"])
        welcome, _ = await self.hello(attacker, self.password)
        self.assertEqual(welcome.get("type"), "welcome", welcome)

        # Failed hellos are logged with the address and the account, never the password;
        # an unknown account name is not logged at all (it may be a password).
        await self.hello(next(_addresses), "guess-unknown", account="typed-password-here")
        self.assertEqual(self.server.stop(), 0)
        log = self.server.stderr_text()
        refused = [line for line in log.splitlines()
                   if "hello from %s refused: wrong password for account \"%s\""
                   % (attacker, self.account) in line]
        self.assertEqual(len(refused), 6, log)
        self.assertNotIn("guess0", log)
        self.assertNotIn(self.password, log)
        self.assertNotIn("typed-password-here", log)
        self.assertIn("refused: no such account (19 bytes, not shown)", log)
        self.assertIn("hello from %s not checked: too many failures from this address" % attacker,
                      log)


if __name__ == "__main__":
    h.main()

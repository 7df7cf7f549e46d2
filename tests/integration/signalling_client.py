"""A small asyncio client for webvoxd's signalling WebSocket (docs/signalling.md), for tests.

Needs Debian's python3-websockets (run with /usr/bin/python3). Every receive has a timeout;
nothing here sleeps to synchronise. To check that a client got NOTHING, call
``await client.assert_quiet()``: it sends a ``ping`` and requires the very next message to be
the matching ``pong`` (the server answers in order on one connection, and everything that
another connection's message caused was queued to this one before that other connection got
its own reply).
"""

import asyncio
import collections
import itertools
import json

import websockets
from websockets.frames import Frame, Opcode

TIMEOUT = 10.0  # seconds for any single receive

_ids = itertools.count(1)


class Closed(Exception):
    """The socket closed while a message was expected."""

    def __init__(self, code, reason, messages):
        super().__init__("socket closed (%s %r) after %r" % (code, reason, messages))
        self.code = code
        self.reason = reason
        self.messages = messages


class SignalClient:
    """One signalling connection. Use ``await SignalClient.connect(url)``."""

    def __init__(self, ws, label=""):
        self.ws = ws
        self.label = label
        self.member = None      # our member id, from welcome
        self.welcome = None
        self.joined = None
        # `positions` updates (who hears whom) follow joins and leaves at the server's pace;
        # recv() sets them aside so that tests of the rest of the protocol read a fixed order.
        self.positions = []
        self._set_aside = collections.deque()  # non-positions messages read by expect_positions

    @classmethod
    async def connect(cls, url, label="", timeout=TIMEOUT, source=None):
        """`source`: the local address to connect from (another 127.0.0.x)."""
        extra = {"local_addr": (source, 0)} if source else {}
        ws = await asyncio.wait_for(
            websockets.connect(url, max_size=None, ping_interval=None, close_timeout=2,
                               open_timeout=timeout, compression=None, **extra),
            timeout)
        return cls(ws, label)

    def __repr__(self):
        return "<SignalClient %s member=%s>" % (self.label, self.member)

    # -- raw I/O --------------------------------------------------------------------------------

    async def send(self, message):
        """Sends a dict as JSON text, or str/bytes as they are."""
        if isinstance(message, dict) or isinstance(message, list):
            message = json.dumps(message)
        await self.ws.send(message)

    def send_burst(self, messages):
        """Sends many messages (dicts or str) as text frames in ONE socket write, so that the
        server sees them together however slowly this process runs (rate-limit tests)."""
        frames = []
        for message in messages:
            if not isinstance(message, str):
                message = json.dumps(message)
            frames.append(Frame(Opcode.TEXT, message.encode("utf-8")).serialize(mask=True))
        self.ws.transport.write(b"".join(frames))

    async def recv(self, timeout=TIMEOUT):
        """The next message other than `positions` (kept in self.positions) as a dict. Raises
        Closed if the socket closes, AssertionError if nothing arrives in time."""
        if self._set_aside:
            return self._set_aside.popleft()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            message = await self.recv_any(max(0.0, deadline - loop.time()))
            if message["type"] != "positions":
                return message
            self.positions.append(message)

    async def expect_positions(self, check=lambda message: True, timeout=TIMEOUT):
        """Waits for a `positions` message for which check(message) holds; other messages read
        meanwhile stay queued for recv()."""
        for message in self.positions:
            if check(message):
                self.positions = self.positions[self.positions.index(message) + 1:]
                return message
        self.positions = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError("%r: no matching positions within %.1f s" % (self, timeout))
            message = await self.recv_any(remaining)
            if message["type"] != "positions":
                self._set_aside.append(message)
            elif check(message):
                return message

    async def recv_any(self, timeout=TIMEOUT):
        """The next message of any type, as a dict."""
        try:
            raw = await asyncio.wait_for(self.ws.recv(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError("%r: no message within %.1f s" % (self, timeout))
        except websockets.ConnectionClosed as e:
            raise Closed(e.rcvd.code if e.rcvd else None, e.rcvd.reason if e.rcvd else None, [])
        if not isinstance(raw, str):
            raise AssertionError("%r: server sent a binary frame %r" % (self, raw[:100]))
        message = json.loads(raw)
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise AssertionError("%r: server message without a type: %r" % (self, raw))
        return message

    async def expect(self, type_, timeout=TIMEOUT, **fields):
        """The next message, which must have this type (and these field values)."""
        message = await self.recv(timeout)
        if message.get("type") != type_:
            raise AssertionError("%r: expected %s%s, got %r" % (self, type_, fields or "", message))
        for name, value in fields.items():
            if message.get(name) != value:
                raise AssertionError("%r: expected %s with %s=%r, got %r"
                                     % (self, type_, name, value, message))
        return message

    async def expect_error(self, code, timeout=TIMEOUT, **fields):
        message = await self.expect("error", timeout, **fields)
        if message.get("code") != code:
            raise AssertionError("%r: expected error %s, got %r" % (self, code, message))
        if not isinstance(message.get("message"), str):
            raise AssertionError("%r: error without a message text: %r" % (self, message))
        return message

    async def expect_closed(self, timeout=TIMEOUT):
        """Reads until the server closes the socket; returns (code, reason, messages read other
        than `positions`)."""
        messages = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError("%r: socket still open after %.1f s; read %r"
                                     % (self, timeout, messages[-5:]))
            try:
                raw = await asyncio.wait_for(self.ws.recv(), remaining)
            except asyncio.TimeoutError:
                continue
            except websockets.ConnectionClosed as e:
                return (e.rcvd.code if e.rcvd else None, e.rcvd.reason if e.rcvd else None,
                        messages)
            message = json.loads(raw) if isinstance(raw, str) else raw
            if isinstance(message, dict) and message.get("type") == "positions":
                self.positions.append(message)
            else:
                messages.append(message)

    async def assert_quiet(self, timeout=TIMEOUT):
        """Asserts that nothing is waiting for this client: a ping's pong comes next."""
        ping_id = "quiet-%d" % next(_ids)
        await self.send({"type": "ping", "id": ping_id})
        message = await self.recv(timeout)
        if message != {"type": "pong", "id": ping_id}:
            raise AssertionError("%r: expected nothing before the pong, got %r" % (self, message))
        self.positions = []  # what came before the pong is settled

    async def assert_nothing_at_all(self, timeout=TIMEOUT):
        """Like assert_quiet, but `positions` updates count too."""
        ping_id = "quiet-%d" % next(_ids)
        await self.send({"type": "ping", "id": ping_id})
        message = await self.recv_any(timeout)
        if message != {"type": "pong", "id": ping_id}:
            raise AssertionError("%r: expected nothing before the pong, got %r" % (self, message))

    async def close(self):
        await self.ws.close()

    # -- protocol steps ---------------------------------------------------------------------

    async def hello(self, account=None, password=None, token=None, name=None, **extra):
        """Signs in; returns the welcome (asserted)."""
        message = {"type": "hello"}
        if account is not None:
            message["account"] = account
        if password is not None:
            message["password"] = password
        if token is not None:
            message["token"] = token
        if name is not None:
            message["name"] = name
        message.update(extra)
        await self.send(message)
        welcome = await self.expect("welcome")
        self.member = welcome["member"]
        self.welcome = welcome
        return welcome

    async def join(self, channel, request_id=None):
        """Joins; returns the joined message (asserted)."""
        message = {"type": "join", "channel": channel}
        if request_id is not None:
            message["id"] = request_id
        await self.send(message)
        joined = await self.expect("joined")
        if joined.get("channel") != channel:
            raise AssertionError("%r: joined %r, asked for %r" % (self, joined, channel))
        self.joined = joined
        return joined

    async def signal(self, to, data, request_id=None):
        message = {"type": "signal", "to": to, "data": data}
        if request_id is not None:
            message["id"] = request_id
        await self.send(message)


async def signed_in(url, account, password, name=None, label=""):
    client = await SignalClient.connect(url, label or account)
    await client.hello(account=account, password=password, name=name)
    return client


async def member_of(url, account, password, channel, label=""):
    """Connected, signed in and joined."""
    client = await signed_in(url, account, password, label=label)
    await client.join(channel)
    return client

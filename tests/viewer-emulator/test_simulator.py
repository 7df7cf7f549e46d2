#!/usr/bin/python3
"""Unit tests of the test simulator (simulator.py): the addon's room numbers and participant
ids, the viewer's request maps, and the exact HTTP exchanges of both insertion points against
scripted fake servers on 127.0.0.1 (no Janus, no webvoxd). Standard library only.

    /usr/bin/python3 tests/viewer-emulator/test_simulator.py
"""

import asyncio
import json
import os
import struct
import sys
import unittest
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import simulator as sim  # noqa: E402

REGION = "11111111-2222-3333-4444-555555555555"


class RoomNumbers(unittest.TestCase):
    def test_estate_room_of_the_reference_region(self):
        # shared/spec/viewer-webrtc.md, correction 5.
        self.assertEqual(sim.room_number("local", REGION), 1948305907)
        self.assertEqual(sim.room_number("local", REGION, sim.REGION_ROOM_ID), 1948305907)
        self.assertEqual(sim.room_number("local", REGION.upper()), 1948305907)

    def test_parcel_id_is_hashed_as_a_float(self):
        self.assertEqual(struct.pack("<f", -999.0), b"\x00\xc0\x79\xc4")
        as_float = sim.djb2_hash_code([REGION.encode(), b"local", b"\x00\xc0\x79\xc4"])
        as_int = sim.djb2_hash_code([REGION.encode(), b"local", struct.pack("<i", -999)])
        self.assertEqual(abs(as_float), 1948305907)
        self.assertNotEqual(abs(as_int), 1948305907)

    def test_parcels_get_their_own_rooms(self):
        rooms = {sim.room_number("local", REGION, p) for p in (1, 2, 3, 255)}
        self.assertEqual(len(rooms), 4)
        self.assertNotIn(1948305907, rooms)
        for r in rooms:
            self.assertTrue(0 <= r < 2 ** 31)

    def test_djb2_wraps_at_64_bits_and_folds(self):
        h = 5381
        for b in b"x" * 40:
            h = (h * 33 + b) % 2 ** 64
        folded = (h >> 32) ^ (h & 0xFFFFFFFF)
        expected = folded - 2 ** 32 if folded >= 2 ** 31 else folded
        self.assertEqual(sim.djb2_hash_code([b"x" * 40]), expected)

    def test_multiagent_rooms_and_descriptions(self):
        self.assertNotEqual(sim.room_number("multiagent", channel_id="", gridhash="g", flavour="OS"),
                            sim.room_number("multiagent", channel_id="", flavour="MB"))
        self.assertEqual(sim.room_description("local", REGION), REGION + "/local/-999")
        self.assertEqual(sim.room_description("local", REGION, 7), REGION + "/local/7")
        self.assertEqual(sim.room_description("multiagent", gridhash="g", channel_id="c"),
                         "g/multiagent/c")
        with self.assertRaises(ValueError):
            sim.room_number("p2p", REGION)

    def test_participant_id_from_dotnet_guid_halves(self):
        agent = uuid.UUID("01234567-89ab-cdef-0123-456789abcdef")
        raw = agent.bytes_le
        a = int.from_bytes(raw[:8], "little")
        b = int.from_bytes(raw[8:], "little")
        x = a ^ b
        x = x - 2 ** 64 if x >= 2 ** 63 else x
        self.assertEqual(sim.participant_id(str(agent)), abs(x))
        # Ids beyond 2^53 are common: JSON numbers must stay exact 64-bit integers.
        big = [sim.participant_id(str(uuid.UUID(int=i * 0x9E3779B97F4A7C15 % 2 ** 128)))
               for i in range(1, 50)]
        self.assertTrue(any(v > 2 ** 53 for v in big))
        self.assertTrue(all(0 <= v < 2 ** 63 for v in big))


class RequestMaps(unittest.TestCase):
    def test_provision_maps(self):
        self.assertEqual(sim.provision_request("SDP"), {
            "jsep": {"type": "offer", "sdp": "SDP"}, "channel_type": "local",
            "voice_server_type": "webrtc"})
        self.assertEqual(sim.provision_request("SDP", 12)["parcel_local_id"], 12)
        group = sim.provision_request("SDP", channel_type="multiagent", channel="sip:c",
                                      credentials="pw")
        self.assertEqual(group["channel"], "sip:c")
        self.assertNotIn("channel_id", group)

    def test_signaling_and_logout_maps(self):
        c = {"candidate": "1 1 udp 2113937151 127.0.0.1 5000 typ host", "sdpMid": "0",
             "sdpMLineIndex": 0}
        self.assertEqual(sim.signaling_request("vs", [c]), {
            "candidates": [c], "viewer_session": "vs", "voice_server_type": "webrtc"})
        self.assertEqual(sim.signaling_request("vs", completed=True), {
            "candidate": {"completed": True}, "viewer_session": "vs",
            "voice_server_type": "webrtc"})
        self.assertEqual(sim.logout_request("vs"), {
            "logout": True, "viewer_session": "vs", "voice_server_type": "webrtc"})


class FakeServer:
    """HTTP/1.1 on 127.0.0.1 answering with handler(method, path, body) -> (status, obj);
    records every request. A handler may return an awaitable (for the long poll)."""

    def __init__(self, handler):
        self.handler = handler
        self.requests = []

    async def start(self):
        self.server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def _client(self, reader, writer):
        try:
            line = await reader.readline()
            method, path, _ = line.decode().split(" ", 2)
            headers = {}
            while True:
                h = await reader.readline()
                if h in (b"\r\n", b""):
                    break
                k, _, v = h.decode().partition(":")
                headers[k.strip().lower()] = v.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            parsed = json.loads(body) if body else None
            self.requests.append((method, path, headers, parsed))
            result = self.handler(method, path, parsed)
            if asyncio.iscoroutine(result):
                result = await result
            status, obj = result
            data = json.dumps(obj).encode()
            writer.write(b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                         % (status, len(data)) + data)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def stop(self):
        self.server.close()
        await self.server.wait_closed()


class FakeJanus:
    """Just enough of Janus for the addon's sequence: join and leave are acked and answered on
    the long poll, like AudioBridge does."""

    def __init__(self):
        self.next_id = 1000
        self.queues = {}

    def new_id(self):
        self.next_id += 1
        return self.next_id

    def handle(self, method, path, body):
        parts = [p for p in path.split("?")[0].split("/") if p]
        if method == "GET":
            return self.poll(int(parts[1]))
        assert body["apisecret"] == "s3cret"
        kind = body["janus"]
        if kind == "create":
            sid = self.new_id()
            self.queues[sid] = asyncio.Queue()
            return 200, {"janus": "success", "transaction": body["transaction"], "data": {"id": sid}}
        if kind == "attach":
            return 200, {"janus": "success", "session_id": body["session_id"],
                         "transaction": body["transaction"], "data": {"id": self.new_id()}}
        if kind == "message":
            req = body["body"]
            if req["request"] == "create":
                return 200, {"janus": "success", "transaction": body["transaction"],
                             "plugindata": {"plugin": "janus.plugin.audiobridge",
                                            "data": {"audiobridge": "event", "error_code": 486}}}
            q = self.queues[int(parts[1])]
            if req["request"] == "join":
                q.put_nowait({"janus": "event", "transaction": body["transaction"],
                              "plugindata": {"data": {"audiobridge": "joined", "room": req["room"],
                                                      "id": req.get("id", 77), "participants": []}},
                              "jsep": {"type": "answer", "sdp": "v=0\r\n"}})
            elif req["request"] == "leave":
                q.put_nowait({"janus": "event", "transaction": body["transaction"],
                              "plugindata": {"data": {"audiobridge": "left"}}})
            return 200, {"janus": "ack", "transaction": body["transaction"]}
        if kind == "trickle":
            return 200, {"janus": "ack", "transaction": body["transaction"]}
        if kind == "detach":
            return 200, {"janus": "success", "transaction": body["transaction"]}
        if kind == "destroy":
            return 200, {"janus": "error", "transaction": body["transaction"],
                         "error": {"code": 457, "reason": "Unhandled request 'destroy' at this path"}}
        return 200, {"janus": "error", "error": {"code": 453, "reason": "?"}}

    async def poll(self, sid):
        try:
            return 200, await asyncio.wait_for(self.queues[sid].get(), 2)
        except asyncio.TimeoutError:
            return 200, {"janus": "keepalive"}


class JanusSequence(unittest.IsolatedAsyncioTestCase):
    async def run_flavour(self, flavour):
        janus = FakeJanus()
        server = await FakeServer(janus.handle).start()
        self.addAsyncCleanup(server.stop)
        addon = sim.JanusAddon("http://127.0.0.1:%d/janus" % server.port, "s3cret", flavour=flavour)
        await addon.start()
        agent = "01234567-89ab-cdef-0123-456789abcdef"
        reply = await addon.provision(agent, REGION, "OFFER")
        self.assertEqual(reply["jsep"], {"type": "answer", "sdp": "v=0\r\n"})
        vs = reply["viewer_session"]
        cand = {"candidate": "1 1 udp 1 127.0.0.1 9 typ host", "sdpMid": "0", "sdpMLineIndex": 0}
        await addon.signal(agent, REGION, vs, candidates=[cand])
        await addon.signal(agent, REGION, vs, completed=True)
        replies = await addon.logout(agent, REGION, vs)
        self.assertEqual(replies["destroy"]["error"]["code"], 457)
        await addon.close()
        posts = [(p, b) for m, p, h, b in server.requests if m == "POST"]
        for m, p, h, b in server.requests:
            if m == "POST":
                self.assertEqual(h["content-type"], "application/json")
                self.assertEqual(h["accept"], "application/json")
            else:
                self.assertIn("apisecret=s3cret", p)
        kinds = [b["janus"] + ("/" + b["body"]["request"] if b["janus"] == "message" else "")
                 for _, b in posts]
        self.assertEqual(kinds, ["create", "attach", "create", "attach", "message/create",
                                 "message/join", "trickle", "trickle", "message/leave",
                                 "detach", "destroy"])
        by_kind = dict(zip(kinds, posts))
        create = by_kind["message/create"][1]["body"]
        self.assertEqual(create, {"room": 1948305907, "request": "create", "is_private": False,
                                  "permanent": False, "sampling_rate": 48000,
                                  "spatial_audio": True, "denoise": False, "record": False,
                                  "description": sim.room_description("local", REGION,
                                                                      flavour=flavour)})
        join_path, join = by_kind["message/join"]
        self.assertEqual(join["jsep"], {"type": "offer", "sdp": "OFFER"})
        self.assertEqual(join_path, "/janus/%d/%d" % (join["session_id"], join["handle_id"]))
        destroy_path, destroy = by_kind["destroy"]
        self.assertEqual(destroy_path, "/janus/%d" % destroy["session_id"])
        self.assertIn("handle_id", destroy)  # the addon's quirk
        trickles = [b for p, b in posts if b["janus"] == "trickle"]
        return join, trickles

    async def test_os_flavour(self):
        join, trickles = await self.run_flavour("OS")
        self.assertEqual(join["body"]["id"], sim.participant_id("01234567-89ab-cdef-0123-456789abcdef"))
        self.assertIn("candidates", trickles[0])
        self.assertIn("viewer_session", trickles[0])
        self.assertEqual(trickles[1]["candidate"], {"completed": True})

    async def test_mb_flavour_drops_candidates(self):
        join, trickles = await self.run_flavour("MB")
        self.assertNotIn("id", join["body"])
        self.assertEqual([t["candidate"] for t in trickles], [{"completed": True}] * 2)


class JsonRpcSequence(unittest.IsolatedAsyncioTestCase):
    async def test_bodies_and_errors(self):
        def handle(method, path, body):
            if body["method"] == "provision_voice_account_request" and "jsep" in body["params"]["request"]:
                return 200, {"jsonrpc": "2.0", "id": body["id"],
                             "result": {"jsep": {"type": "answer", "sdp": "A"}, "viewer_session": "vs1"}}
            if body["method"] == "voice_signaling_request":
                return 200, {"jsonrpc": "2.0", "id": body["id"], "error": {"code": -32602, "message": "x"}}
            return 200, {"jsonrpc": "2.0", "id": body["id"], "result": {"response": "closed"}}
        server = await FakeServer(handle).start()
        self.addAsyncCleanup(server.stop)
        addon = sim.JsonRpcAddon("http://127.0.0.1:%d/viewer-voice/k" % server.port)
        agent, region = str(uuid.uuid4()), REGION
        reply = await addon.provision(agent, region, "OFFER", parcel_local_id=3)
        self.assertEqual(reply["viewer_session"], "vs1")
        self.assertIn("error", await addon.signal(agent, region, "vs1", completed=True))
        self.assertEqual(await addon.logout_all(agent, region), {"response": "closed"})
        (m, p, h, first), _, (_, _, _, last) = server.requests
        self.assertEqual((m, p, h["content-type"]), ("POST", "/viewer-voice/k", "application/json-rpc"))
        self.assertEqual(first["jsonrpc"], "2.0")
        self.assertEqual(first["params"], {"request": {
            "jsep": {"type": "offer", "sdp": "OFFER"}, "parcel_local_id": 3, "channel_type": "local",
            "voice_server_type": "webrtc"}, "userID": agent, "scene": region})
        self.assertEqual(last["params"]["request"]["viewer_session"], sim.ZERO_UUID)

    async def test_non_200_is_a_failure(self):
        server = await FakeServer(lambda m, p, b: (404, {})).start()
        self.addAsyncCleanup(server.stop)
        addon = sim.JsonRpcAddon("http://127.0.0.1:%d/viewer-voice/k" % server.port)
        with self.assertRaises(sim.JsonRpcError):
            await addon.provision(str(uuid.uuid4()), REGION, "OFFER")


if __name__ == "__main__":
    unittest.main(verbosity=2)

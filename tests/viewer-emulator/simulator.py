"""A test "simulator": speaks to a voice server exactly as OpenSimulator's os-webrtc-janus addon
does (shared/spec/viewer-webrtc.md), in both of the places where webvox can stand in:

(A) ``JanusAddon``: the Janus REST sequence of §3.3 with the bodies of §3.4 — one Janus session,
    one ``janus.plugin.audiobridge`` handle and one long-poll loop per viewer connection, plus
    the start-up session the simulator keeps for console commands. Two flavours:
    ``"OS"`` (the copy in OpenSim master: ``id`` on join, ``pin`` on create when credentials
    are set, the viewer's candidates trickled with ``viewer_session``) and ``"MB"``
    (Misterblue's repository: no ``id``, every trickle is ``{"completed":true}``). Both put
    ``apisecret``, ``transaction`` and, once known, ``session_id`` and ``handle_id`` in every
    POST body — the session ``destroy`` too, which Janus refuses (457/458/459, tolerated as
    the addon does).
(B) ``JsonRpcAddon``: ``WebRtcVoiceServiceConnector``'s JSON-RPC 2.0 requests (§2.7):
    ``provision_voice_account_request`` / ``voice_signaling_request`` with
    ``params {request, userID, scene}``, where ``request`` is the viewer's LLSD map as JSON.

Both offer one interface (``provision``, ``signal``, ``logout``, ``logout_all``, ``close``) so a
test runs the same scenario through either door. Python standard library + asyncio only.

Also here: the addon's room numbers and descriptions (§3.5 and correction 5: djb2 over UTF-8
strings and the parcel id as a 4-byte float) and participant ids (correction 6), and the
viewer's request maps (§2.3, §2.4).
"""

import asyncio
import json
import struct
import urllib.parse
import uuid

ZERO_UUID = "00000000-0000-0000-0000-000000000000"
REGION_ROOM_ID = -999          # JanusAudioBridge.REGION_ROOM_ID: the estate room
LONG_POLL_TIMEOUT = 60.0       # GetFromJanus(SessionUri, 60000)
CONNECTOR_TIMEOUT = 10.0       # WebUtil.PostToService(uri, request, 10000, true)
REQUEST_TIMEOUT = 30.0         # a POST that is neither answered nor acked in this long is a failure here

# ---------------------------------------------------------------------------------------------
# Room numbers, descriptions, participant ids
# ---------------------------------------------------------------------------------------------

_U64 = (1 << 64) - 1


def djb2_hash_code(parts):
    """BHasherMdjb2 over the concatenated bytes (h = h*33 + byte, seed 5381, 64-bit wrap),
    then BHashULong.GetHashCode(): (int)(upper32 ^ lower32), a signed 32-bit int."""
    h = 5381
    for part in parts:
        for byte in part:
            h = ((h << 5) + h + byte) & _U64
    folded = ((h >> 32) ^ (h & 0xFFFFFFFF)) & 0xFFFFFFFF
    return folded - (1 << 32) if folded >= 1 << 31 else folded


def _hash_parts(values):
    parts = []
    for v in values:
        if isinstance(v, str):
            parts.append(v.encode("utf-8"))           # Add(string): UTF-8
        elif isinstance(v, int):
            parts.append(struct.pack("<f", float(v)))  # Add(int) binds to Add(float) in C#
        else:
            raise TypeError("cannot hash %r" % (v,))
    return parts


def _room_from_hash(code):
    if code == -(1 << 31):
        # C#'s Math.Abs(int.MinValue) throws OverflowException: the addon fails this room.
        raise OverflowException("Math.Abs(int.MinValue)")
    return abs(code)


class OverflowException(ArithmeticError):
    pass


def room_number(channel_type, region_id=None, parcel_local_id=None, channel_id="", gridhash="",
                flavour="OS"):
    """JanusAudioBridge.CalcRoomNumber. local: region UUID text, "local", the parcel local id
    (REGION_ROOM_ID for the estate room). multiagent: [OS] gridhash, channel_id, "multiagent";
    [MB] channel_id, "multiagent" (the viewer sends "channel", so channel_id is "" in practice)."""
    if channel_type == "local":
        parcel = REGION_ROOM_ID if parcel_local_id is None else int(parcel_local_id)
        values = [str(region_id).lower(), "local", parcel]
    elif channel_type == "multiagent":
        values = ([gridhash or ""] if flavour == "OS" else []) + [channel_id or "", "multiagent"]
    else:
        raise ValueError("Unknown channel type: %s" % channel_type)
    return _room_from_hash(djb2_hash_code(_hash_parts(values)))


def room_description(channel_type, region_id=None, parcel_local_id=None, channel_id="",
                     gridhash="", flavour="OS"):
    """The `description` the addon gives the room: [OS] "{region}/local/{parcel}" or
    "{gridhash}/multiagent/{channel_id}"; [MB] "{region}/{type}/{parcel}/{channel_id}"."""
    parcel = REGION_ROOM_ID if parcel_local_id is None else int(parcel_local_id)
    if flavour == "MB":
        return "%s/%s/%d/%s" % (region_id or "", channel_type, parcel, channel_id or "")
    if channel_type == "local":
        return "%s/local/%d" % (str(region_id).lower(), parcel)
    return "%s/multiagent/%s" % (gridhash or "", channel_id or "")


def participant_id(agent_id):
    """[OS] join `id`: abs((long)(agent.ulonga ^ agent.ulongb)), the halves read from .NET's
    Guid memory layout (Python's uuid.bytes_le), as a signed 64-bit int."""
    raw = uuid.UUID(str(agent_id)).bytes_le
    a, b = struct.unpack("<QQ", raw)
    x = a ^ b
    if x >= 1 << 63:
        x -= 1 << 64
    return abs(x)


# ---------------------------------------------------------------------------------------------
# The viewer's request maps (LLSD maps, here as JSON-able dicts)
# ---------------------------------------------------------------------------------------------

def provision_request(offer_sdp, parcel_local_id=None, channel_type="local", channel=None,
                      credentials=None):
    """requestVoiceConnection: a spatial ("local") or ad-hoc ("multiagent") provision."""
    body = {"jsep": {"type": "offer", "sdp": offer_sdp}}
    if channel_type == "local":
        if parcel_local_id is not None:
            body["parcel_local_id"] = int(parcel_local_id)
        body["channel_type"] = "local"
    else:
        body["credentials"] = credentials or ""
        body["channel"] = channel or ""
        body["channel_type"] = "multiagent"
    body["voice_server_type"] = "webrtc"
    return body


def signaling_request(viewer_session, candidates=None, completed=False):
    """processIceUpdatesCoro: queued candidates, else {"completed": true}."""
    body = {}
    if candidates:
        body["candidates"] = [{"sdpMid": c["sdpMid"], "sdpMLineIndex": c["sdpMLineIndex"],
                               "candidate": c["candidate"]} for c in candidates]
    elif completed:
        body["candidate"] = {"completed": True}
    body["viewer_session"] = viewer_session
    body["voice_server_type"] = "webrtc"
    return body


def logout_request(viewer_session):
    return {"logout": True, "viewer_session": viewer_session, "voice_server_type": "webrtc"}


# ---------------------------------------------------------------------------------------------
# HTTP/1.1 over asyncio streams
# ---------------------------------------------------------------------------------------------

class HttpResponse:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "HTTP %d %r" % (self.status, self.body[:500])


async def http_request(method, url, body=None, headers=(), timeout=REQUEST_TIMEOUT):
    """One request on a new connection ("Connection: close"); returns HttpResponse."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http":
        raise ValueError("only http:// URLs: %s" % url)
    host, port = parts.hostname, parts.port or 80
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    payload = body or b""
    lines = ["%s %s HTTP/1.1" % (method, target), "Host: %s:%d" % (host, port),
             "Connection: close"]
    lines += ["%s: %s" % kv for kv in headers]
    if body is not None or method == "POST":
        lines.append("Content-Length: %d" % len(payload))
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload

    async def exchange():
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(request)
            await writer.drain()
            status_line = await reader.readline()
            if not status_line:
                raise ConnectionError("connection closed before a response")
            status = int(status_line.split()[1])
            head = {}
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                head[name.strip().lower()] = value.strip()
            if head.get("transfer-encoding", "").lower() == "chunked":
                data = b""
                while True:
                    size = int((await reader.readline()).split(b";")[0], 16)
                    if size == 0:
                        await reader.readline()
                        break
                    data += await reader.readexactly(size)
                    await reader.readline()
            elif "content-length" in head:
                data = await reader.readexactly(int(head["content-length"]))
            else:
                data = await reader.read()
            return HttpResponse(status, head, data)
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, OSError):
                pass

    return await asyncio.wait_for(exchange(), timeout)


# ---------------------------------------------------------------------------------------------
# (A) Janus REST, as JanusSession / JanusAudioBridge / JanusRoom / WebRtcJanusService do it
# ---------------------------------------------------------------------------------------------

class JanusError(Exception):
    def __init__(self, message, reply=None):
        super().__init__(message)
        self.reply = reply


class JanusSession:
    """One Janus session with its AudioBridge handle and long-poll loop (JanusSession.cs)."""

    def __init__(self, base_uri, api_secret, log=None):
        self.base = base_uri.rstrip("/")
        self.api_secret = api_secret
        self.session_id = None
        self.handle_id = None
        self.waiting = {}        # transaction -> Future for the long poll's event/error
        self.events = []         # everything else the long poll delivered, in order
        self.event_arrived = asyncio.Event()
        self.poll_task = None
        self.poll_error = None
        self.log = log or (lambda text: None)

    def _body(self, janus, **fields):
        body = {"janus": janus, "transaction": str(uuid.uuid4()), "apisecret": self.api_secret}
        if self.session_id is not None:
            body["session_id"] = self.session_id
        if self.handle_id is not None:
            body["handle_id"] = self.handle_id
        body.update(fields)
        return body

    async def post(self, url, body, wait_event=True):
        """POSTs `body`; an "ack" reply waits (as the addon does, but bounded here) for the
        long poll's event/error with the same transaction."""
        future = None
        if wait_event:
            future = asyncio.get_running_loop().create_future()
            self.waiting[body["transaction"]] = future
        try:
            http = await http_request("POST", url, json.dumps(body).encode("utf-8"),
                                      [("Content-Type", "application/json"),
                                       ("Accept", "application/json")])
            if http.status // 100 != 2:
                raise JanusError("%s: %r" % (body["janus"], http), None)
            reply = http.json()
            if reply.get("janus") == "ack" and future is not None:
                return await asyncio.wait_for(future, REQUEST_TIMEOUT)
            return reply
        finally:
            self.waiting.pop(body["transaction"], None)

    @property
    def session_url(self):
        return "%s/%d" % (self.base, self.session_id)

    @property
    def handle_url(self):
        return "%s/%d/%d" % (self.base, self.session_id, self.handle_id)

    async def create(self):
        reply = await self.post(self.base, self._body("create"), wait_event=False)
        if reply.get("janus") != "success":
            raise JanusError("create session failed: %r" % reply, reply)
        self.session_id = int(reply["data"]["id"])
        self.poll_task = asyncio.ensure_future(self._poll_loop())

    async def attach(self, plugin="janus.plugin.audiobridge"):
        reply = await self.post(self.session_url, self._body("attach", plugin=plugin),
                                wait_event=False)
        if reply.get("janus") != "success":
            raise JanusError("attach failed: %r" % reply, reply)
        self.handle_id = int(reply["data"]["id"])

    async def message(self, body, jsep=None):
        fields = {"body": body}
        if jsep is not None:
            fields["jsep"] = jsep
        return await self.post(self.handle_url, self._body("message", **fields))

    async def trickle(self, **fields):
        # Fire-and-forget in the addon: the reply is an ack and nothing more comes.
        return await self.post(self.handle_url, self._body("trickle", **fields), wait_event=False)

    async def detach(self):
        return await self.post(self.handle_url, self._body("detach"), wait_event=False)

    async def destroy(self):
        """The session destroy, posted to /{session} but carrying handle_id (the addon's quirk).
        Janus answers 457/458/459; the addon tolerates 458 and 459."""
        reply = await self.post(self.session_url, self._body("destroy"), wait_event=False)
        self.stop_polling()
        return reply

    def stop_polling(self):
        if self.poll_task is not None:
            self.poll_task.cancel()
            self.poll_task = None

    async def _poll_loop(self):
        url = "%s?apisecret=%s" % (self.session_url, urllib.parse.quote(self.api_secret))
        while True:
            try:
                http = await http_request("GET", url, headers=[("Accept", "application/json")],
                                          timeout=LONG_POLL_TIMEOUT)
                if http.status // 100 != 2:
                    raise JanusError("long poll: %r" % http)
                message = http.json()
            except asyncio.CancelledError:
                raise
            except Exception as e:  # GETERROR: the addon ends the loop
                self.poll_error = e
                self.log("long poll of session %s ended: %s" % (self.session_id, e))
                for future in self.waiting.values():
                    if not future.done():
                        future.set_exception(JanusError("long poll ended: %s" % e))
                return
            kind = message.get("janus")
            transaction = message.get("transaction")
            if kind in ("event", "error") and transaction in self.waiting:
                future = self.waiting[transaction]
                if not future.done():
                    future.set_result(message)
                continue
            if kind == "keepalive":
                continue
            self.events.append(message)
            self.event_arrived.set()


class JanusAddon:
    """os-webrtc-janus with JanusGatewayURI pointing at the server under test (option A)."""

    name = "janus"

    def __init__(self, gateway_uri, api_secret, admin_uri=None, admin_secret=None,
                 flavour="OS", log=None):
        if flavour not in ("OS", "MB"):
            raise ValueError("flavour is OS or MB")
        self.gateway_uri = gateway_uri
        self.api_secret = api_secret
        self.admin_uri = admin_uri
        self.admin_secret = admin_secret
        self.flavour = flavour
        self.console = None
        self.viewer_sessions = {}   # viewer_session -> dict(agent, session, room, participant)
        self.log = log or (lambda text: None)

    async def start(self):
        """The start-up session and handle the simulator keeps for console commands."""
        self.console = JanusSession(self.gateway_uri, self.api_secret, self.log)
        await self.console.create()
        await self.console.attach()

    async def provision(self, agent_id, region_id, offer_sdp, parcel_local_id=None,
                        channel_type="local", channel=None, credentials=None, gridhash=""):
        """ProvisionVoiceAccountRequest for a viewer with no session yet. Returns the map the
        viewer gets: {"jsep": answer, "viewer_session": …}."""
        request = provision_request(offer_sdp, parcel_local_id, channel_type, channel, credentials)
        spatial = channel_type == "local"
        channel_id = request.get("channel_id", "")  # the viewer sends "channel": always ""
        number = room_number(channel_type, region_id, parcel_local_id, channel_id, gridhash,
                             self.flavour)
        description = room_description(channel_type, region_id, parcel_local_id, channel_id,
                                       gridhash, self.flavour)
        session = JanusSession(self.gateway_uri, self.api_secret, self.log)
        await session.create()
        await session.attach()
        create = {"room": number, "request": "create", "is_private": False, "permanent": False,
                  "sampling_rate": 48000, "spatial_audio": spatial, "denoise": False,
                  "record": False, "description": description}
        if self.flavour == "OS" and credentials:
            create["pin"] = credentials
        reply = await session.message(create)
        data = reply.get("plugindata", {}).get("data", {})
        if not (data.get("audiobridge") == "created"
                or (data.get("audiobridge") == "event" and data.get("error_code") == 486)):
            raise JanusError("room create failed: %r" % reply, reply)
        join = {"request": "join", "room": number}
        if self.flavour == "OS":
            join["id"] = participant_id(agent_id)
        join["display"] = str(agent_id)
        reply = await session.message(join, jsep=request["jsep"])
        data = reply.get("plugindata", {}).get("data", {})
        if data.get("audiobridge") != "joined" or "jsep" not in reply:
            raise JanusError("join failed: %r" % reply, reply)
        if self.flavour == "OS" and not int(data.get("id", 0)) > 0:
            raise JanusError("join returned no participant id: %r" % reply, reply)
        viewer_session = str(uuid.uuid4())
        self.viewer_sessions[viewer_session] = {
            "agent": str(agent_id), "session": session, "room": number,
            "participant": data.get("id"), "description": description}
        return {"jsep": reply["jsep"], "viewer_session": viewer_session}

    def session_of(self, viewer_session):
        return self.viewer_sessions[viewer_session]["session"]

    async def signal(self, agent_id, region_id, viewer_session, candidates=None, completed=False):
        """VoiceSignalingRequest: [OS] passes the viewer's candidates on; [MB] always sends
        {"completed": true}."""
        entry = self.viewer_sessions.get(viewer_session)
        if entry is None:
            return {}  # "viewer session … not found": the simulator answers <undef/> anyway
        session = entry["session"]
        if self.flavour == "MB":
            await session.trickle(candidate={"completed": True})
        elif candidates:
            await session.trickle(viewer_session=viewer_session, candidates=[
                {"candidate": c["candidate"], "sdpMid": c["sdpMid"],
                 "sdpMLineIndex": c["sdpMLineIndex"]} for c in candidates])
        elif completed:
            await session.trickle(candidate={"completed": True})
        return {}

    async def logout(self, agent_id, region_id, viewer_session):
        entry = self.viewer_sessions.pop(viewer_session, None)
        if entry is None:
            return {}
        session = entry["session"]
        replies = {}
        replies["leave"] = await session.message(
            {"request": "leave", "room": entry["room"], "id": entry["participant"]})
        replies["detach"] = await session.detach()
        replies["destroy"] = await session.destroy()
        return replies

    async def logout_all(self, agent_id, region_id):
        """logout with the zero UUID: the simulator ends all of the agent's sessions itself."""
        for vs in [vs for vs, e in self.viewer_sessions.items() if e["agent"] == str(agent_id)]:
            await self.logout(agent_id, region_id, vs)
        return {"response": "closed"}

    async def admin(self, request, **fields):
        body = {"janus": request, "transaction": str(uuid.uuid4()),
                "admin_secret": self.admin_secret}
        body.update(fields)
        http = await http_request("POST", self.admin_uri, json.dumps(body).encode("utf-8"),
                                  [("Content-Type", "application/json"),
                                   ("Accept", "application/json")])
        return http.json()

    async def list_rooms(self):
        return await self.console.message({"request": "list"})

    async def list_participants(self, room):
        return await self.console.message({"request": "listparticipants", "room": room})

    async def close(self):
        for vs in list(self.viewer_sessions):
            entry = self.viewer_sessions[vs]
            try:
                await self.logout(entry["agent"], None, vs)
            except Exception as e:  # the server may be gone already
                self.log("logout at close: %s" % e)
        for s in ([self.console] if self.console else []):
            s.stop_polling()
        for e in self.viewer_sessions.values():
            e["session"].stop_polling()


# ---------------------------------------------------------------------------------------------
# (B) JSON-RPC, as WebRtcVoiceServiceConnector does it
# ---------------------------------------------------------------------------------------------

class JsonRpcError(Exception):
    pass


class JsonRpcAddon:
    """os-webrtc-janus with SpatialVoiceService = WebRtcVoice.dll:WebRtcVoiceServiceConnector
    and WebRtcVoiceServerURI pointing at the server under test (option B)."""

    name = "jsonrpc"

    def __init__(self, server_uri, log=None):
        self.uri = server_uri
        self.viewer_sessions = {}   # viewer_session -> (agent, region)
        self.log = log or (lambda text: None)
        self.last_http = None

    async def start(self):
        return None

    async def call(self, method, request, agent_id, region_id, raw=None):
        """One JSON-RPC exchange; returns the `result` map, or {"error": …} the way
        JsonRpcRequest turns failures into a map. HTTP must be 200 (EnsureSuccessStatusCode)."""
        body = raw if raw is not None else json.dumps({
            "jsonrpc": "2.0", "id": str(uuid.uuid4()), "method": method,
            "params": {"request": request, "userID": str(agent_id), "scene": str(region_id)},
        }).encode("utf-8")
        http = await http_request("POST", self.uri, body,
                                  [("Content-Type", "application/json-rpc")],
                                  timeout=CONNECTOR_TIMEOUT)
        self.last_http = http
        if http.status // 100 != 2:
            raise JsonRpcError("%s: HTTP %d: %r" % (method, http.status, http.body[:300]))
        try:
            response = http.json()
        except ValueError:
            raise JsonRpcError("%s: not JSON: %r" % (method, http.body[:300]))
        if not isinstance(response, dict):
            return {"error": "invalid response"}
        if "error" in response:
            return {"error": response["error"]}
        if not isinstance(response.get("result"), dict):
            return {"error": "result is not a map: %r" % (response,)}
        return response["result"]

    async def provision(self, agent_id, region_id, offer_sdp, parcel_local_id=None,
                        channel_type="local", channel=None, credentials=None, gridhash=""):
        request = provision_request(offer_sdp, parcel_local_id, channel_type, channel, credentials)
        if channel_type != "local":
            request["gridhash"] = gridhash
        result = await self.call("provision_voice_account_request", request, agent_id, region_id)
        if "viewer_session" in result:
            self.viewer_sessions[result["viewer_session"]] = (str(agent_id), str(region_id))
        return result

    async def signal(self, agent_id, region_id, viewer_session, candidates=None, completed=False):
        return await self.call("voice_signaling_request",
                               signaling_request(viewer_session, candidates, completed),
                               agent_id, region_id)

    async def logout(self, agent_id, region_id, viewer_session):
        self.viewer_sessions.pop(viewer_session, None)
        return await self.call("provision_voice_account_request", logout_request(viewer_session),
                               agent_id, region_id)

    async def logout_all(self, agent_id, region_id):
        for vs in [vs for vs, (a, _) in self.viewer_sessions.items() if a == str(agent_id)]:
            self.viewer_sessions.pop(vs)
        return await self.call("provision_voice_account_request", logout_request(ZERO_UUID),
                               agent_id, region_id)

    async def close(self):
        for vs, (agent, region) in list(self.viewer_sessions.items()):
            try:
                await self.logout(agent, region, vs)
            except Exception as e:
                self.log("logout at close: %s" % e)

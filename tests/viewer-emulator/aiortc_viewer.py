#!/usr/bin/python3
"""A scripted viewer (aiortc) for what a browser cannot produce: the protocol's edge cases.

It makes the viewer's connection — SLData (ordered) before the audio track, a tone as the
microphone, the offer without candidates and munged as llwebrtc munges it, candidates trickled
afterwards without the "candidate:" prefix — but every piece is under the test's control:

* ``offer``: the munged offer as raw text (alter it before provisioning if wanted);
* ``candidates()``: its real candidates in the viewer's trickle form; tests add weird ones;
* ``send_text`` / ``send_binary``: anything on SLData (garbage, 10 KB, invalid JSON, nil UUID
  keys, out-of-range ints) next to the well-formed join and position messages;
* ``vanish()``: gone without logout — its UDP sockets closed, so not one more packet (no RTP,
  no RTCP, no consent check, no DTLS close_notify, no SCTP ABORT);
* what it hears (tone detection, tests/peers/aiortc_peer.py's Listener) and the server's SLData
  read into a roster like OnDataReceivedImpl (``apply_server_message``).

aiortc 1.4.0 speaks the old SCTP SDP form (``DTLS/SCTP 5000`` + ``a=sctpmap``); the offer is
rewritten to the viewer's (``UDP/DTLS/SCTP webrtc-datachannel`` + ``a=sctp-port``), which aiortc
also reads in the answer. LOOPBACK ONLY (aioice is told which host addresses to use). Needs
Debian's python3-aiortc: run with /usr/bin/python3.
"""

import asyncio
import json
import os
import re
import sys
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "peers"))

import aiortc_peer  # noqa: E402  (ToneTrack, Listener, restrict_ice_host_addresses)
from aiortc import RTCPeerConnection, RTCSessionDescription  # noqa: E402

VIEWER_OPUS_FMTP = ("minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;maxplaybackrate=48000;"
                    "sprop-maxplaybackrate=48000;sprop-maxcapturerate=48000")
NIL_UUID = "00000000-0000-0000-0000-000000000000"
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_RTPMAP_OPUS = re.compile(r"^a=rtpmap:\s*([+-]?\d+)\s*opus/\s*([+-]?\d+)")


def munge_offer(sdp):
    """llwebrtc's munging (page/munge.mjs has the full commentary): std::getline lines keep
    their '\\r'; the Opus rtpmap becomes "opus/48000/2" + bare '\\n'; a second fmtp follows the
    original one after its lone '\\r'."""
    lines = sdp.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    opus = ""
    out = []
    for line in lines:
        m = _RTPMAP_OPUS.match(line)
        if m:
            opus = str(int(m.group(1)))
            out.append("a=rtpmap:%s opus/48000/2\n" % opus)
        elif opus and line.startswith("a=fmtp:" + opus):
            out.append("%sa=fmtp:%s %s\n" % (line, opus, VIEWER_OPUS_FMTP))
        else:
            out.append(line + "\n")
    return "".join(out)


def viewer_shaped(aiortc_sdp):
    """aiortc's offer as Chromium would have written it before gathering: no candidates, port 9,
    the modern data-channel m-line, Opus with Chromium's fmtp. Returns (sdp, candidates) where
    candidates are aiortc's, per mid, in the viewer's trickle form."""
    out, candidates = [], []
    first_credentials = {}
    mid, index, opus = None, -1, None
    for line in aiortc_sdp.replace("\r\n", "\n").split("\n"):
        if not line:
            continue
        if line.startswith("m="):
            index += 1
            parts = line.split(" ")
            if parts[0] == "m=application":
                line = "m=application 9 UDP/DTLS/SCTP webrtc-datachannel"
            else:
                line = " ".join([parts[0], "9"] + parts[2:])
        elif line.startswith("c=IN IP4"):
            line = "c=IN IP4 0.0.0.0"
        elif line.startswith("a=mid:"):
            mid = line[6:]
        elif line.startswith("a=candidate:"):
            candidates.append({"candidate": line[len("a=candidate:"):], "sdpMid": mid,
                               "sdpMLineIndex": index})
            continue
        elif line == "a=end-of-candidates":
            continue
        elif line.startswith(("a=ice-ufrag:", "a=ice-pwd:")):
            # aiortc gives each m-line its own credentials and bundles once the answer accepts
            # it, on the first m-line's transport; Chromium (max-bundle) writes that one set
            # into every section.
            key = line.split(":", 1)[0]
            first_credentials.setdefault(key, line)
            line = first_credentials[key]
        elif line.startswith("a=sctpmap:"):
            port = line.split(":", 1)[1].split(" ")[0]
            line = "a=sctp-port:%s" % port
        out.append(line)
        m = _RTPMAP_OPUS.match(line)
        if m and opus is None:
            opus = m.group(1)
            out.append("a=fmtp:%s minptime=10;useinbandfec=1" % opus)
    return "\r\n".join(out) + "\r\n", candidates


def aiortc_can_read(answer):
    """aiortc 1.4.0 refuses an answer whose rejected m-section (port 0: Janus's reply to the
    data channel) has no ICE credentials of its own; such sections get the first section's
    ICE/DTLS lines. An answer that accepts every section is returned unchanged."""
    lines = answer.replace("\r\n", "\n").split("\n")
    sections, current = [[]], None
    for line in lines:
        if line.startswith("m="):
            sections.append([])
        sections[-1].append(line)
    media = sections[1:]
    if not media:
        return answer
    keep = ("a=ice-ufrag:", "a=ice-pwd:", "a=fingerprint:", "a=setup:")
    first = [l for l in media[0] if l.startswith(keep)]
    changed = False
    for sec in media[1:]:
        port = sec[0].split(" ")[1] if len(sec[0].split(" ")) > 1 else ""
        if port == "0" and not any(l.startswith("a=ice-ufrag:") for l in sec):
            sec[1:1] = first
            changed = True
    if not changed:
        return answer
    return "\r\n".join(l for sec in sections for l in sec if l) + "\r\n"


def parse_agent(key):
    return key.lower() if isinstance(key, str) and _UUID.match(key) else NIL_UUID


def apply_server_message(text, binary, roster, self_id, spatial=True):
    """OnDataReceivedImpl, as page/sldata.mjs has it. Returns None or why it was ignored."""
    if binary:
        return "binary"
    try:
        parsed = json.loads(text)
    except ValueError:
        return "json"
    if not isinstance(parsed, dict):
        return "not an object"
    for key, value in parsed.items():
        agent = parse_agent(key)
        if agent == NIL_UUID or not isinstance(value, dict):
            continue
        participant = roster.get(agent)
        joined = isinstance(value.get("j"), dict)
        primary = joined and value["j"].get("p") is True
        if participant is None and joined and (primary or not spatial):
            participant = roster[agent] = {"joined": True, "primary": primary, "level": 0.0,
                                           "speaking": False, "moderatorMuted": False}
        if participant is None:
            continue
        if value.get("l") is True:
            if agent != self_id:
                roster.pop(agent, None)
            continue
        if isinstance(value.get("p"), (int, float)) and not isinstance(value.get("p"), bool):
            participant["level"] = int(value["p"]) / 128.0
        if isinstance(value.get("v"), bool):
            participant["speaking"] = value["v"]
        if isinstance(value.get("m"), bool):
            participant["moderatorMuted"] = value["m"]
    return None


class ScriptedViewer:
    """One viewer connection, scripted. ``await make_offer()``, provision ``offer`` through a
    simulator, ``await apply_answer(sdp)``, trickle ``candidates()``; then talk on SLData."""

    def __init__(self, agent_id, tone_hz, host_addresses=("127.0.0.1",)):
        self.agent_id = str(agent_id)
        self.tone_hz = tone_hz
        self.host_addresses = tuple(host_addresses)
        self.pc = None
        self.channel = None
        self.offer = None
        self.own_candidates = []
        self.received = []          # (time, text or bytes)
        self.roster = {}
        self.ignored = []
        self.heard = aiortc_peer.Listener()
        self.channel_open = asyncio.Event()
        self.message_arrived = asyncio.Event()
        self.consumer = None

    async def make_offer(self):
        aiortc_peer.restrict_ice_host_addresses(self.host_addresses)
        self.pc = RTCPeerConnection()
        self.channel = self.pc.createDataChannel("SLData", ordered=True)  # before the track
        self.channel.on("open", self.channel_open.set)
        self.channel.on("message", self._on_message)
        self.pc.addTrack(aiortc_peer.ToneTrack(self.tone_hz))

        @self.pc.on("track")
        def on_track(track):
            if track.kind == "audio":
                self.consumer = asyncio.ensure_future(self._consume(track))

        await self.pc.setLocalDescription(await self.pc.createOffer())
        shaped, self.own_candidates = viewer_shaped(self.pc.localDescription.sdp)
        self.offer = munge_offer(shaped)
        return self.offer

    async def apply_answer(self, sdp):
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=aiortc_can_read(sdp),
                                                                 type="answer"))

    def candidates(self):
        return list(self.own_candidates)

    async def _consume(self, track):
        try:
            while True:
                self.heard.add(await track.recv())
        except Exception:
            return

    def _on_message(self, message):
        binary = isinstance(message, (bytes, bytearray))
        self.received.append((time.time(), message))
        why = apply_server_message(None if binary else message, binary, self.roster,
                                   self.agent_id)
        if why:
            self.ignored.append(why)
        self.message_arrived.set()

    def send_text(self, text):
        self.channel.send(text)

    def send_binary(self, data):
        self.channel.send(bytes(data))

    def join(self, primary=True):
        self.send_text(json.dumps({"j": {"p": True} if primary else {}}, separators=(",", ":")))

    def position(self, x, y, z, yaw_quaternion=(0, 0, 0, 100)):
        """Global metres → the viewer's cm ints; sp/sh/lp/lh together."""
        p = {"x": int(x * 100), "y": int(y * 100), "z": int(z * 100)}
        q = dict(zip("xyzw", yaw_quaternion))
        self.send_text(json.dumps({"sp": p, "sh": q, "lp": p, "lh": q}, separators=(",", ":")))

    def left_messages(self, agent_id):
        out = []
        for _, m in self.received:
            if isinstance(m, str):
                try:
                    parsed = json.loads(m)
                except ValueError:
                    continue
                if isinstance(parsed, dict) and isinstance(parsed.get(agent_id), dict) \
                        and parsed[agent_id].get("l") is True:
                    out.append(parsed)
        return out

    def hears(self, hz, tolerance=15.0, min_seconds=0.5):
        frequency, level = self.heard.analyse()
        return (self.heard.seconds >= min_seconds and frequency is not None
                and abs(frequency - hz) <= tolerance, frequency, level)

    async def wait_until(self, check, timeout, what):
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError("%s: timed out after %.0f s waiting for %s"
                                     % (self.agent_id, timeout, what))
            await asyncio.sleep(0.05)

    def vanish(self):
        """Gone like a crashed viewer: the tone stops and every UDP socket is closed, so no
        further packet of any kind leaves (ICE consent, RTCP, DTLS alerts, SCTP)."""
        for t in self.pc.getTransceivers():
            if t.sender.track is not None:
                t.sender.track.stop()
        for transport in self._ice_transports():
            connection = getattr(transport, "_connection", None)
            consent = getattr(connection, "_query_consent_handle", None)
            if consent is not None and not consent.done():
                consent.cancel()  # its next check would only fail on the closed socket
            for protocol in getattr(connection, "_protocols", []):
                if protocol.transport is not None:
                    protocol.transport.close()

    def _ice_transports(self):
        seen = []
        for t in self.pc.getTransceivers():
            ice = t.sender.transport.transport if t.sender.transport else None
            if ice is not None and ice not in seen:
                seen.append(ice)
        if self.pc.sctp is not None and self.pc.sctp.transport.transport not in seen:
            seen.append(self.pc.sctp.transport.transport)
        return seen

    async def close(self):
        if self.consumer:
            self.consumer.cancel()
        if self.pc is not None:
            try:
                await asyncio.wait_for(self.pc.close(), 5)
            except (asyncio.TimeoutError, Exception):
                pass

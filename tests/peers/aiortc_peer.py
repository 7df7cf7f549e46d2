#!/usr/bin/python3
"""A scripted WebRTC voice peer for webvox (aiortc), speaking docs/signalling.md.

It signs in (account + password, or a join token), joins one channel, and sets up one
RTCPeerConnection per other member following the protocol's rule: the newcomer offers to every
member listed in `joined`; members already there answer the newcomer's offer. Descriptions
are sent complete (aiortc gathers its candidates before setLocalDescription returns, so the
SDP already carries them); `candidate` messages from others (e.g. browsers, which trickle)
are added, or held until the remote description is set. On the rare glare (both sides
offering) the member with the smaller id is polite and gives way, as the protocol says.

Each connection sends a sine tone (48 kHz mono, encoded as Opus by aiortc), and for every
remote member the peer records what it hears: seconds of audio, level, and the dominant
frequency of the last second (numpy FFT; a Goertzel scan if numpy were missing).

LOOPBACK ONLY: aioice (aiortc's ICE) leaves 127.0.0.1 out of its host candidates and would
offer the machine's real addresses instead. This module makes it offer exactly the addresses
given by `ice_host_addresses` (default 127.0.0.1), and by default ignores the STUN/TURN
servers from `welcome` (pass use_server_ice=True / --use-server-ice to use them). Run WebRTC
tests inside a loopback-only network namespace anyway:
    unshare -n sh -c 'ip link set lo up; /usr/bin/python3 tests/peers/aiortc_peer.py ...'

Needs Debian's python3-aiortc and python3-websockets: run with /usr/bin/python3.

Command line:
    aiortc_peer.py --url ws://127.0.0.1:PORT/signal --account A --password P \\
        --channel sip:confctl-1001@voice.example.org --tone 660 --seconds 10 --report out.json
    (or --token TOKEN instead of --account/--password; --channel defaults to the token's)

From Python:
    peer = TonePeer(url, channel, 660, account="A", password="P")
    await peer.start()
    await peer.wait_for_audio(2, min_seconds=1.5, timeout=20)
    report = peer.report()
    await peer.stop()
"""

import argparse
import array
import asyncio
import fractions
import json
import logging
import math
import sys
import time
import warnings

warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)  # aiortc's G.711

import aioice.ice  # noqa: E402
import av
import websockets
from aiortc import (MediaStreamTrack, RTCConfiguration, RTCIceServer, RTCPeerConnection,
                    RTCSessionDescription)
from aiortc.mediastreams import MediaStreamError
from aiortc.sdp import candidate_from_sdp

try:
    import numpy
except ImportError:  # python3-av depends on numpy on Debian, but be safe
    numpy = None

SAMPLE_RATE = 48000
FRAME_SAMPLES = 960          # 20 ms
ANALYSIS_SECONDS = 1.0       # the dominant frequency is taken over the last second heard
IO_TIMEOUT = 10.0

log = logging.getLogger("aiortc_peer")


# ----------------------------------------------------------------------------------------------
# Loopback-only ICE
# ----------------------------------------------------------------------------------------------

def restrict_ice_host_addresses(addresses=("127.0.0.1",)):
    """Makes aioice gather host candidates on exactly these addresses (it normally skips
    127.0.0.1 and ::1 and uses every other interface address)."""
    chosen = list(addresses)

    def get_host_addresses(use_ipv4, use_ipv6):
        return [a for a in chosen if (":" in a and use_ipv6) or (":" not in a and use_ipv4)]

    aioice.ice.get_host_addresses = get_host_addresses


def tolerate_slow_consent(failures=60):
    """aioice checks consent (RFC 7675) every 5 s with one request that must be answered
    within 0.5 s, and gives up after 6 misses in a row. Many peers in one starved Python process
    read the answers too late, and would close connections the server kept alive; this allows
    `failures` misses (5 minutes) instead."""
    aioice.ice.CONSENT_FAILURES = failures


# ----------------------------------------------------------------------------------------------
# Audio: a tone source and an analyser
# ----------------------------------------------------------------------------------------------

class ToneTrack(MediaStreamTrack):
    """An audio track playing a sine tone in real time: 20 ms frames of 48 kHz mono s16."""

    kind = "audio"

    def __init__(self, frequency, amplitude=0.3):
        super().__init__()
        self.frequency = float(frequency)
        self.amplitude = amplitude
        self._pts = 0
        self._start = None

    async def recv(self):
        if self.readyState != "live":
            raise MediaStreamError
        loop = asyncio.get_running_loop()
        if self._start is None:
            self._start = loop.time()
        wait = self._start + self._pts / SAMPLE_RATE - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        frame = self._frame(self._pts)
        self._pts += FRAME_SAMPLES
        return frame

    def _frame(self, first):
        scale = self.amplitude * 32767
        step = 2 * math.pi * self.frequency / SAMPLE_RATE
        if numpy is not None:
            t = numpy.arange(first, first + FRAME_SAMPLES, dtype=numpy.float64)
            data = (scale * numpy.sin(step * t)).astype(numpy.int16).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(data, format="s16", layout="mono")
        else:
            samples = array.array("h", (int(scale * math.sin(step * (first + i)))
                                        for i in range(FRAME_SAMPLES)))
            frame = av.AudioFrame(format="s16", layout="mono", samples=FRAME_SAMPLES)
            frame.planes[0].update(samples.tobytes())
        frame.sample_rate = SAMPLE_RATE
        frame.pts = first
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        return frame


def frame_to_mono(frame):
    """First channel of a decoded frame as a list/array of ints (s16 packed from aiortc)."""
    channels = len(frame.layout.channels)
    if numpy is not None:
        data = frame.to_ndarray().reshape(-1)
        return data[::channels].astype(numpy.float64)
    raw = array.array("h")
    raw.frombytes(bytes(frame.planes[0])[:frame.samples * channels * 2])
    return list(raw[::channels])


def dominant_frequency(samples, rate=SAMPLE_RATE):
    """(frequency in Hz of the strongest component, level in dBFS) of a block of samples."""
    if len(samples) == 0:
        return None, None
    if numpy is not None:
        x = numpy.asarray(samples, dtype=numpy.float64)
        rms = math.sqrt(float(numpy.mean(x * x)))
        x = (x - x.mean()) * numpy.hanning(len(x))
        spectrum = numpy.abs(numpy.fft.rfft(x))
        spectrum[:int(40 * len(x) / rate) + 1] = 0  # ignore DC and rumble below 40 Hz
        peak = int(numpy.argmax(spectrum))
        # Parabolic interpolation between bins for a sub-bin estimate.
        if 0 < peak < len(spectrum) - 1:
            a, b, c = spectrum[peak - 1], spectrum[peak], spectrum[peak + 1]
            denom = a - 2 * b + c
            offset = 0.5 * (a - c) / denom if denom else 0.0
        else:
            offset = 0.0
        frequency = (peak + offset) * rate / len(x)
    else:
        # Goertzel scan, 5 Hz steps from 50 Hz to 4 kHz, over the last 0.2 s.
        block = list(samples)[-int(0.2 * rate):]
        rms = math.sqrt(sum(v * v for v in block) / len(block))
        best, frequency = -1.0, None
        for f in range(50, 4001, 5):
            coeff = 2 * math.cos(2 * math.pi * f / rate)
            s1 = s2 = 0.0
            for v in block:
                s1, s2 = v + coeff * s1 - s2, s1
            power = s1 * s1 + s2 * s2 - coeff * s1 * s2
            if power > best:
                best, frequency = power, float(f)
    level = 20 * math.log10(rms / 32768) if rms > 0 else -math.inf
    return frequency, level


class Listener:
    """What one remote member sounds like: the last ANALYSIS_SECONDS of its audio."""

    def __init__(self):
        self.frames = 0
        self.samples = 0
        self.first_at = None
        self._recent = []       # chunks of mono samples
        self._recent_len = 0
        self.changed = asyncio.Event()

    def add(self, frame):
        mono = frame_to_mono(frame)
        if self.first_at is None:
            self.first_at = time.monotonic()
        self.frames += 1
        self.samples += len(mono)
        self._recent.append(mono)
        self._recent_len += len(mono)
        keep = int(ANALYSIS_SECONDS * SAMPLE_RATE)
        while self._recent and self._recent_len - len(self._recent[0]) >= keep:
            self._recent_len -= len(self._recent.pop(0))
        self.changed.set()

    @property
    def seconds(self):
        return self.samples / SAMPLE_RATE

    def analyse(self):
        if not self._recent:
            return None, None
        if numpy is not None:
            block = numpy.concatenate(self._recent)[-int(ANALYSIS_SECONDS * SAMPLE_RATE):]
        else:
            block = [v for chunk in self._recent for v in chunk]
        return dominant_frequency(block)


# ----------------------------------------------------------------------------------------------
# The peer
# ----------------------------------------------------------------------------------------------

class SignallingError(Exception):
    pass


class Remote:
    """One other member and our connection to it."""

    def __init__(self, member, info=None):
        self.member = member
        self.info = info or {}
        self.pc = None
        self.listener = Listener()
        self.pending_candidates = []
        self.left = False
        self.gone = asyncio.Event()  # set on member-left
        self.offers_sent = 0
        self.offers_received = 0


class TonePeer:
    """One member of a channel sending a tone to, and listening to, every other member."""

    def __init__(self, url, channel, tone_hz, account=None, password=None, token=None,
                 name=None, ice_host_addresses=("127.0.0.1",), use_server_ice=False,
                 label=None):
        if (token is None) == (account is None or password is None):
            raise ValueError("give account and password, or token")
        self.url = url
        self.channel = channel
        self.tone_hz = tone_hz
        self.account = account
        self.password = password
        self.token = token
        self.name = name
        self.use_server_ice = use_server_ice
        self.label = label or account or "token-peer"
        restrict_ice_host_addresses(ice_host_addresses)
        self.ws = None
        self.welcome = None
        self.joined = None
        self.member = None
        self.remotes = {}           # member id -> Remote
        self.errors = []            # error messages from the server, and our own failures
        self._reader = None
        self._tasks = set()
        self._closed = False

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self):
        """Connects, signs in, joins, and offers to everyone already in the channel."""
        self.ws = await asyncio.wait_for(
            websockets.connect(self.url, max_size=None, ping_interval=None), IO_TIMEOUT)
        hello = {"type": "hello"}
        if self.token is not None:
            hello["token"] = self.token
        else:
            hello.update(account=self.account, password=self.password)
        if self.name:
            hello["name"] = self.name
        await self._send(hello)
        self.welcome = await self._expect("welcome")
        self.member = self.welcome["member"]
        if self.channel is None:
            self.channel = self.welcome.get("channel")
        await self._send({"type": "join", "channel": self.channel, "id": "join"})
        self.joined = await self._expect("joined")
        self._reader = asyncio.ensure_future(self._read_loop())
        # The newcomer offers.
        for info in self.joined["members"]:
            remote = self._remote(info["member"], info)
            await self._offer(remote)
        return self

    async def stop(self):
        """Closes every peer connection and the socket."""
        self._closed = True
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            try:
                await asyncio.wait_for(self._reader, IO_TIMEOUT)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                self._reader.cancel()
        for remote in self.remotes.values():
            if remote.pc is not None:
                await remote.pc.close()
        for task in list(self._tasks):
            task.cancel()

    async def run(self, seconds):
        """start(), play and listen for `seconds`, stop(); returns report()."""
        await self.start()
        try:
            await asyncio.sleep(seconds)
        finally:
            report = self.report()
            await self.stop()
        return report

    async def wait_for_audio(self, count, min_seconds=1.5, timeout=20.0):
        """Waits until `count` remote members have each sent at least `min_seconds` of audio."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            heard = [r for r in self.remotes.values() if r.listener.seconds >= min_seconds]
            if len(heard) >= count:
                return heard
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise asyncio.TimeoutError(
                    "%s: heard %d of %d members for %.1f s within %.0f s: %s"
                    % (self.label, len(heard), count, min_seconds, timeout,
                       json.dumps(self.report(), indent=1)))
            events = [r.listener.changed for r in self.remotes.values()]
            for event in events:
                event.clear()
            waiters = [asyncio.ensure_future(e.wait()) for e in events]
            waiters.append(asyncio.ensure_future(asyncio.sleep(min(remaining, 0.5))))
            try:
                await asyncio.wait(waiters, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for w in waiters:
                    w.cancel()

    def report(self):
        remote = {}
        for member, r in self.remotes.items():
            frequency, level = r.listener.analyse()
            remote[member] = {
                "account": r.info.get("account"),
                "name": r.info.get("name"),
                "received_seconds": round(r.listener.seconds, 3),
                "frames": r.listener.frames,
                "dominant_hz": None if frequency is None else round(frequency, 1),
                "level_dbfs": None if level is None or level == -math.inf else round(level, 1),
                "connection_state": r.pc.connectionState if r.pc is not None else None,
                "left": r.left,
                "offers_sent": r.offers_sent,
                "offers_received": r.offers_received,
            }
        return {"self": {"member": self.member, "account": self.welcome and self.welcome["account"],
                         "tone_hz": self.tone_hz},
                "channel": self.channel,
                "remote": remote,
                "errors": self.errors}

    # -- signalling ----------------------------------------------------------------------------

    async def _send(self, message):
        await self.ws.send(json.dumps(message))

    async def _expect(self, type_):
        raw = await asyncio.wait_for(self.ws.recv(), IO_TIMEOUT)
        message = json.loads(raw)
        if message.get("type") != type_:
            raise SignallingError("%s: expected %s, got %r" % (self.label, type_, message))
        return message

    async def _read_loop(self):
        try:
            async for raw in self.ws:
                message = json.loads(raw)
                try:
                    await self._handle(message)
                except Exception as e:  # keep serving the others
                    log.exception("%s: handling %r", self.label, message.get("type"))
                    self.errors.append({"type": "local", "message": repr(e)})
        except websockets.ConnectionClosed:
            pass

    async def _handle(self, message):
        kind = message.get("type")
        if kind == "member-joined":
            info = message["member"]
            self._remote(info["member"], info)  # the newcomer will offer
        elif kind == "member-left":
            remote = self.remotes.get(message["member"])
            if remote is not None:
                remote.left = True
                remote.gone.set()
                if remote.pc is not None:
                    await remote.pc.close()
        elif kind == "signal":
            await self._on_signal(message["from"], message["data"])
        elif kind == "error":
            log.warning("%s: server error %r", self.label, message)
            self.errors.append(message)
        # member-state, pong: nothing to do

    def _remote(self, member, info=None):
        remote = self.remotes.get(member)
        if remote is None:
            remote = self.remotes[member] = Remote(member, info)
        elif info:
            remote.info = info
        return remote

    def _configuration(self):
        servers = []
        if self.use_server_ice:
            for server in self.welcome.get("iceServers", []):
                servers.append(RTCIceServer(urls=server["urls"], username=server.get("username"),
                                            credential=server.get("credential")))
        return RTCConfiguration(iceServers=servers)

    def _new_pc(self, remote):
        pc = RTCPeerConnection(self._configuration())
        remote.pc = pc
        remote.pending_candidates = []

        @pc.on("track")
        def on_track(track):
            if track.kind == "audio":
                task = asyncio.ensure_future(self._consume(remote, track))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

        return pc

    async def _consume(self, remote, track):
        try:
            while True:
                frame = await track.recv()
                remote.listener.add(frame)
        except MediaStreamError:
            pass

    async def _offer(self, remote):
        pc = self._new_pc(remote)
        pc.addTrack(ToneTrack(self.tone_hz))
        await pc.setLocalDescription(await pc.createOffer())
        remote.offers_sent += 1
        await self._send({"type": "signal", "to": remote.member, "data": {
            "description": {"type": pc.localDescription.type, "sdp": pc.localDescription.sdp}}})

    async def _on_signal(self, sender, data):
        remote = self._remote(sender)
        if "description" in data:
            description = data["description"]
            if description["type"] == "offer":
                remote.offers_received += 1
                pc = remote.pc
                if pc is not None and pc.signalingState != "stable":
                    # Glare: the smaller member id is polite and gives way.
                    if self.member > sender:
                        return  # impolite: ignore theirs, they will answer ours
                    await pc.close()
                    pc = None
                if pc is None or pc.connectionState in ("closed", "failed"):
                    pc = self._new_pc(remote)
                await pc.setRemoteDescription(RTCSessionDescription(description["sdp"], "offer"))
                if not any(t.sender.track is not None for t in pc.getTransceivers()):
                    pc.addTrack(ToneTrack(self.tone_hz))
                await pc.setLocalDescription(await pc.createAnswer())
                await self._flush_candidates(remote)
                await self._send({"type": "signal", "to": sender, "data": {
                    "description": {"type": pc.localDescription.type,
                                    "sdp": pc.localDescription.sdp}}})
            elif description["type"] == "answer":
                if remote.pc is None or remote.pc.signalingState != "have-local-offer":
                    return
                await remote.pc.setRemoteDescription(
                    RTCSessionDescription(description["sdp"], "answer"))
                await self._flush_candidates(remote)
            # pranswer / rollback: not used by this peer
        elif "candidate" in data:
            candidate = data["candidate"]
            if not candidate or not candidate.get("candidate"):
                return  # end of candidates: aiortc does not need it
            remote.pending_candidates.append(candidate)
            if remote.pc is not None and remote.pc.remoteDescription is not None:
                await self._flush_candidates(remote)

    async def _flush_candidates(self, remote):
        pending, remote.pending_candidates = remote.pending_candidates, []
        for init in pending:
            text = init["candidate"]
            if text.startswith("candidate:"):
                text = text[len("candidate:"):]
            try:
                candidate = candidate_from_sdp(text)
            except (AssertionError, ValueError, IndexError):
                continue
            candidate.sdpMid = init.get("sdpMid")
            candidate.sdpMLineIndex = init.get("sdpMLineIndex")
            if candidate.sdpMid is None and candidate.sdpMLineIndex is not None:
                transceivers = remote.pc.getTransceivers()
                if candidate.sdpMLineIndex < len(transceivers):
                    candidate.sdpMid = transceivers[candidate.sdpMLineIndex].mid
            try:
                await remote.pc.addIceCandidate(candidate)
            except Exception as e:  # a candidate we cannot use is not fatal
                log.debug("%s: candidate %r refused: %r", self.label, init, e)


# ----------------------------------------------------------------------------------------------
# Server-forwarded voice (docs/signalling.md, "Server-forwarded voice (SFU)")
# ----------------------------------------------------------------------------------------------

def bundle_offer(sdp):
    """aiortc gives every m-line its own ICE transport (own ufrag and password) even though it
    offers BUNDLE, and bundles only once the answer accepts it: it then uses the first m-line's
    transport for all. The SFU wants one set of credentials in a bundled offer, so every
    section is given the first section's, which are the ones aiortc will use."""
    ufrag = pwd = None
    out = []
    for line in sdp.split("\r\n"):
        if line.startswith("a=ice-ufrag:"):
            ufrag = ufrag or line
            line = ufrag
        elif line.startswith("a=ice-pwd:"):
            pwd = pwd or line
            line = pwd
        out.append(line)
    return "\r\n".join(out)


class SfuPeer:
    """One member of a channel whose voice webvoxd forwards: one RTCPeerConnection to the
    server, our tone on a sendonly transceiver, `slots` recvonly slot transceivers. It keeps
    the server's `slots` tables and books every decoded frame of a slot to the member the
    latest table puts there, so report() says, per member, what was heard of it (seconds,
    dominant frequency) and, per slot, how many RTP packets arrived."""

    def __init__(self, url, channel, tone_hz, account, password, position=None, label=None,
                 ice_host_addresses=("127.0.0.1",)):
        self.url = url
        self.channel = channel
        self.tone_hz = tone_hz
        self.account = account
        self.password = password
        self.position = position
        self.label = label or account
        restrict_ice_host_addresses(ice_host_addresses)
        tolerate_slow_consent()
        self.ws = None
        self.pc = None
        self.member = None
        self.joined = None
        self.members = {}          # member id -> member object, as joined / member-joined say
        self.left_at = {}          # member id -> time.monotonic() of its member-left
        self.audible = None        # the server's latest lists
        self.listeners = None
        self.table = {}            # mid -> member id or None, the latest `slots`
        self.table_changes = 0
        self.heard = {}            # member id -> Listener (frames booked to it)
        self.unassigned_frames = {}  # mid -> frames that came while the table said nobody
        self.errors = []
        self.changed = asyncio.Event()  # set on every message and every frame
        self._answer = None
        self._reader = None
        self._tasks = set()
        self._receivers = {}       # mid -> RTCRtpReceiver

    async def start(self):
        """Signs in, joins, reports the position, offers and sets the answer."""
        self.ws = await asyncio.wait_for(
            websockets.connect(self.url, max_size=None, ping_interval=None), IO_TIMEOUT)
        await self._send({"type": "hello", "account": self.account, "password": self.password})
        welcome = await self._expect("welcome")
        self.member = welcome["member"]
        await self._send({"type": "join", "channel": self.channel, "id": "join"})
        self.joined = await self._expect("joined")
        info = self.joined["channelInfo"]
        if info.get("forwarding") != "sfu":
            raise SignallingError("%s: the channel is not forwarded: %r" % (self.label, info))
        for m in self.joined["members"]:
            self.members[m["member"]] = m
        self.audible, self.listeners = self.joined.get("audible"), self.joined.get("listeners")
        self._answer = asyncio.get_running_loop().create_future()
        self._reader = asyncio.ensure_future(self._read_loop())
        if self.position is not None:
            await self.place(self.position)
        await self._negotiate(int(info["slots"]))
        return self

    async def place(self, position):
        self.position = position
        await self._send(dict(position, type="position"))

    async def _negotiate(self, slots):
        pc = self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        pc.addTransceiver(ToneTrack(self.tone_hz), direction="sendonly")
        for _ in range(slots):
            pc.addTransceiver("audio", direction="recvonly")

        @pc.on("track")
        def on_track(track):
            transceiver = next(t for t in pc.getTransceivers() if t.receiver.track is track)
            self._receivers[transceiver.mid] = transceiver.receiver
            task = asyncio.ensure_future(self._consume(transceiver.mid, track))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        await pc.setLocalDescription(await pc.createOffer())
        await self._send({"type": "sfu-offer", "sdp": bundle_offer(pc.localDescription.sdp)})
        answer = await asyncio.wait_for(self._answer, IO_TIMEOUT)
        await pc.setRemoteDescription(RTCSessionDescription(answer, "answer"))

    async def _consume(self, mid, track):
        try:
            while True:
                frame = await track.recv()
                member = self.table.get(mid)
                if member is None:
                    self.unassigned_frames[mid] = self.unassigned_frames.get(mid, 0) + 1
                else:
                    self.heard.setdefault(member, Listener()).add(frame)
                self.changed.set()
        except MediaStreamError:
            pass

    def reset_heard(self):
        """Forgets what was heard so far (to measure from a settled table on)."""
        self.heard = {}
        self.unassigned_frames = {}

    async def packets_per_slot(self):
        """mid -> RTP packets received on that slot so far."""
        out = {}
        for mid, receiver in self._receivers.items():
            stats = await receiver.getStats()
            out[mid] = sum(s.packetsReceived for s in stats.values() if s.type == "inbound-rtp")
        return out

    def slotted(self):
        """The members the latest table has on some slot."""
        return {m for m in self.table.values() if m is not None}

    def report(self):
        heard = {}
        for member, listener in self.heard.items():
            frequency, level = listener.analyse()
            heard[member] = {
                "account": self.members.get(member, {}).get("account"),
                "seconds": round(listener.seconds, 3),
                "dominant_hz": None if frequency is None else round(frequency, 1),
                "level_dbfs": None if level is None or level == -math.inf else round(level, 1),
            }
        return {"label": self.label, "member": self.member, "tone_hz": self.tone_hz,
                "position": self.position, "table": self.table, "audible": self.audible,
                "heard": heard, "unassigned_frames": self.unassigned_frames,
                "connection_state": self.pc.connectionState if self.pc else None,
                "errors": self.errors}

    async def wait_until(self, check, timeout, what):
        """Waits until check() holds, re-checking on every message and frame."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not check():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError("%s: no %s within %.0f s: %s"
                                     % (self.label, what, timeout, json.dumps(self.report())))
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), min(remaining, 0.5))
            except asyncio.TimeoutError:
                pass

    def abort(self):
        """Goes away like a killed process: the socket is cut without a close handshake and
        the media stops without DTLS close_notify or RTCP BYE."""
        if self.ws is not None:
            self.ws.transport.abort()
        if self.pc is not None:
            for transceiver in self.pc.getTransceivers():
                if transceiver.sender.track is not None:
                    transceiver.sender.track.stop()

    async def stop(self):
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            try:
                await asyncio.wait_for(self._reader, IO_TIMEOUT)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                self._reader.cancel()
        if self.pc is not None:
            await self.pc.close()
        for task in list(self._tasks):
            task.cancel()

    async def _send(self, message):
        await self.ws.send(json.dumps(message))

    async def _expect(self, type_):
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), IO_TIMEOUT))
            if message.get("type") == type_:
                return message
            if message.get("type") in ("positions", "member-state"):
                continue  # may come before `joined`'s reply is read
            raise SignallingError("%s: expected %s, got %r" % (self.label, type_, message))

    async def _read_loop(self):
        try:
            async for raw in self.ws:
                self._handle(json.loads(raw))
                self.changed.set()
        except websockets.ConnectionClosed:
            pass
        finally:
            if not self._answer.done():
                self._answer.set_exception(SignallingError("%s: socket closed" % self.label))

    def _handle(self, message):
        kind = message.get("type")
        if kind == "sfu-answer":
            if not self._answer.done():
                self._answer.set_result(message["sdp"])
        elif kind == "slots":
            self.table = {s["mid"]: s["member"] for s in message["slots"]}
            self.table_changes += 1
        elif kind == "positions":
            self.audible, self.listeners = message["audible"], message["listeners"]
        elif kind == "member-joined":
            self.members[message["member"]["member"]] = message["member"]
        elif kind == "member-left":
            self.members.pop(message["member"], None)
            self.left_at[message["member"]] = time.monotonic()
        elif kind == "error":
            self.errors.append(message)
            if not self._answer.done() and message.get("code") in ("bad_offer", "sfu_off",
                                                                   "internal"):
                self._answer.set_exception(SignallingError("%s: %r" % (self.label, message)))


# ----------------------------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="ws://127.0.0.1:PORT/signal")
    parser.add_argument("--account")
    parser.add_argument("--password")
    parser.add_argument("--token", help="a join token instead of --account/--password")
    parser.add_argument("--channel", help="channel URI (default: the token's channel)")
    parser.add_argument("--name", help="display name")
    parser.add_argument("--tone", type=float, default=440.0, help="Hz of the tone to send")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to stay")
    parser.add_argument("--report", help="write the JSON report here (default: stdout)")
    parser.add_argument("--ice-host", action="append", default=None,
                        help="address offered as host candidate (repeatable; default 127.0.0.1)")
    parser.add_argument("--use-server-ice", action="store_true",
                        help="use the STUN/TURN servers from welcome (off: loopback only)")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    if args.token is None and (args.account is None or args.password is None):
        parser.error("give --account and --password, or --token")
    if args.token is None and args.channel is None:
        parser.error("--channel is required without --token")
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    peer = TonePeer(args.url, args.channel, args.tone, account=args.account,
                    password=args.password, token=args.token, name=args.name,
                    ice_host_addresses=args.ice_host or ["127.0.0.1"],
                    use_server_ice=args.use_server_ice)
    report = asyncio.run(peer.run(args.seconds))
    text = json.dumps(report, indent=2, sort_keys=True)
    if args.report:
        with open(args.report, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

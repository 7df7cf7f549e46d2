// An emulated Second Life / Firestorm viewer voice connection (llwebrtc + llvoicewebrtc), as
// shared/spec/viewer-webrtc.md describes it, for tests that play the viewer against a voice
// server. One page = one spatial (or multiagent) connection:
//
//   * one RTCPeerConnection, no ICE servers (OpenSim grids hand the stock viewer none that
//     resolve); the data channel "SLData" (ordered) created BEFORE the audio track is added;
//     one audio track from the microphone (Chromium's fake capture file), disabled at first;
//   * createOffer → munged exactly as llwebrtc does (munge.mjs) → setLocalDescription(munged);
//   * local candidates held until the answer is applied, then handed out in the viewer's
//     trickle form ({candidate without "candidate:", sdpMid, sdpMLineIndex}), then
//     {"completed": true} once gathering is complete;
//   * the state machine of §2.5: CONNECTION_WAIT → (connected) SESSION_ESTABLISHED, mic muted →
//     WAIT_FOR_DATA_CHANNEL → (SLData open) {"j":{}} → SESSION_UP: positions forced once, then
//     at most every 100 ms when dirty; {"j":{"p":true}} when the connection is primary; the
//     mic follows the user's setting on primary connections only;
//   * SLData from the server read as OnDataReceivedImpl reads it (sldata.mjs) into a roster.
//
// window.viewer is the test's handle (tests/viewer-emulator/driver.mjs drives it).

import { mungeOffer } from './munge.mjs';
import {
  applyServerMessage, centimetres, joinMessage, muteMessage, positionMessage, quaternion100,
  userGainMessage, yawQuaternion,
} from './sldata.mjs';
import { StereoMeter, SILENCE_DB, summarise } from './meter.mjs';

const TICK_MS = 100; // UPDATE_THROTTLE_SECONDS and the state machine's tick
const FIRST_AUDIO_DB = -60;
const POLL_MS = 5;

const epochNow = () => performance.timeOrigin + performance.now();

// The viewer's trickle string: "<foundation> <component> <proto> <priority> <ip> <port> typ <type>
// [raddr <ip> rport <port>] [tcptype <t>]" — no "candidate:" prefix (llwebrtc.cpp OnIceCandidate).
export function viewerCandidateString(c) {
  if (c.foundation && c.address && c.port != null && c.type && c.protocol) {
    const component = c.component === 'rtcp' ? 2 : 1;
    let s = `${c.foundation} ${component} ${c.protocol} ${c.priority >>> 0} ${c.address} ${c.port} typ ${c.type}`;
    if (c.relatedAddress && c.relatedPort != null) s += ` raddr ${c.relatedAddress} rport ${c.relatedPort}`;
    if (c.tcpType) s += ` tcptype ${c.tcpType}`;
    return s;
  }
  return c.candidate.replace(/^candidate:/, '').replace(/ generation .*$/, '');
}

class Viewer {
  constructor() {
    this.state = 'START_SESSION';
    this.log = [];
    this.received = [];
    this.sent = [];
    this.roster = new Map();
    this.mutes = new Map();
    this.volumes = new Map();
    this.version = { value: null };
    this.heldCandidates = [];
    this.outbox = [];
    this.answerApplied = false;
    this.gatheringComplete = false;
    this.completedSent = false;
    this.marks = {};
    this.pose = null;
    this.poseDirty = false;
    this.lastPoseSent = 0;
    this.sentPrimary = null;
  }

  mark(name) {
    if (!(name in this.marks)) this.marks[name] = epochNow();
  }

  note(text) {
    this.log.push(`${(performance.now() / 1000).toFixed(3)} ${text}`);
  }

  setState(s) {
    if (this.state !== s) this.note(`state ${this.state} -> ${s}`);
    this.state = s;
    this.mark(s);
  }

  // opts: agentId (own UUID), spatial (default true), primary (default true: the agent is in
  // this connection's region), micOn (the user's mic setting, default true), processing
  // ('viewer': AGC/EC/NS on as llwebrtc sets them; 'off': the raw tone, for level tests).
  async init(opts = {}) {
    this.agentId = opts.agentId;
    this.spatial = opts.spatial !== false;
    this.primary = opts.primary !== false;
    this.micOn = opts.micOn !== false;
    const processing = opts.processing !== 'off';
    this.context = new AudioContext({ sampleRate: 48000 });
    await this.context.resume().catch(() => {});
    this.meter = new StereoMeter(this.context);

    this.pc = new RTCPeerConnection({ iceServers: [] });
    this.pc.addEventListener('icecandidate', (ev) => this.onIceCandidate(ev.candidate));
    this.pc.addEventListener('icegatheringstatechange', () => {
      this.note(`gathering ${this.pc.iceGatheringState}`);
      if (this.pc.iceGatheringState === 'complete') this.gatheringComplete = true;
    });
    this.pc.addEventListener('connectionstatechange', () => this.onConnectionState());
    this.pc.addEventListener('iceconnectionstatechange', () => this.note(`ice ${this.pc.iceConnectionState}`));
    this.pc.addEventListener('track', (ev) => this.onTrack(ev));
    this.pc.addEventListener('datachannel', (ev) => {
      // llwebrtc adopts a channel the server opens (OnDataChannel replaces mDataChannel).
      this.note(`server opened data channel "${ev.channel.label}"`);
      this.adoptChannel(ev.channel);
    });

    // Data channel first, then the track (llwebrtc.cpp).
    this.adoptChannel(this.pc.createDataChannel('SLData', { ordered: true }));
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: processing, noiseSuppression: processing, autoGainControl: processing, channelCount: 1 },
    });
    this.track = this.stream.getAudioTracks()[0];
    this.track.enabled = false;
    this.pc.addTrack(this.track, this.stream);

    const offer = await this.pc.createOffer();
    this.originalOffer = offer.sdp;
    this.offer = mungeOffer(offer.sdp);
    await this.pc.setLocalDescription({ type: 'offer', sdp: this.offer });
    this.setState('REQUEST_CONNECTION');
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.poller = setInterval(() => this.poll(), POLL_MS);
    return { offer: this.offer, original: this.originalOffer };
  }

  adoptChannel(channel) {
    this.channel = channel;
    channel.addEventListener('open', () => {
      this.note(`SLData open (${channel.label})`);
      this.mark('dataOpen');
      this.onDataOpen();
    });
    channel.addEventListener('close', () => this.note('SLData closed'));
    channel.addEventListener('message', (ev) => this.onMessage(ev.data));
  }

  onIceCandidate(c) {
    if (!c) return; // end of candidates: gathering state says the rest
    const entry = { candidate: viewerCandidateString(c), sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex };
    if (this.answerApplied) this.outbox.push(entry);
    else this.heldCandidates.push(entry);
  }

  async applyAnswer(sdp) {
    this.setState('CONNECTION_WAIT');
    this.mark('answerReceived');
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
    this.answerApplied = true;
    this.outbox.push(...this.heldCandidates);
    this.heldCandidates = [];
    this.mark('answerApplied');
    return { candidatesHeld: this.outbox.length };
  }

  // What processIceUpdates would send now: {candidates: [...]}, {completed: true}, or null.
  takeIceUpdate() {
    if (!this.answerApplied) return null;
    if (this.outbox.length) {
      const candidates = this.outbox;
      this.outbox = [];
      return { candidates };
    }
    if (this.gatheringComplete && !this.completedSent) {
      this.completedSent = true;
      return { completed: true };
    }
    return null;
  }

  onConnectionState() {
    const s = this.pc.connectionState;
    this.note(`connection ${s}`);
    if (s === 'connected' && this.state === 'CONNECTION_WAIT') {
      this.mark('connected');
      // OnAudioEstablished: a spatial connection starts mic-muted.
      if (this.spatial) this.track.enabled = false;
      this.setState('SESSION_ESTABLISHED');
      this.setState('WAIT_FOR_DATA_CHANNEL');
      if (this.channel?.readyState === 'open') this.onDataOpen();
      if (!this.spatial) this.applyMic();
    } else if (s === 'failed' || s === 'closed') {
      this.setState('SESSION_EXIT');
    }
  }

  onDataOpen() {
    if (this.state !== 'WAIT_FOR_DATA_CHANNEL') return; // picked up when the state is reached
    this.sendJoin(false); // mPrimary is false until SESSION_UP decides
    this.setState('SESSION_UP');
    this.poseDirty = true; // forced once on entering SESSION_UP
    this.tick();
  }

  sendJoin(primary) {
    this.sentPrimary = primary;
    this.send(joinMessage(primary));
  }

  send(text) {
    if (this.channel?.readyState !== 'open') return false;
    this.channel.send(text);
    this.sent.push({ t: epochNow(), text });
    return true;
  }

  applyMic() {
    if (!this.track) return;
    const on = this.micOn && (this.primary || !this.spatial);
    this.track.enabled = on;
  }

  tick() {
    if (this.state !== 'SESSION_UP') return;
    if (this.spatial && this.sentPrimary !== this.primary) {
      this.sendJoin(this.primary);
      this.applyMic();
    }
    if (this.poseDirty && this.pose) {
      this.poseDirty = false;
      this.lastPoseSent = epochNow();
      this.send(positionMessage(this.pose));
    }
  }

  poll() {
    if (!this.meter.attached) return;
    if (!('firstAudio' in this.marks) && this.meter.recentDb() > FIRST_AUDIO_DB) this.mark('firstAudio');
  }

  onTrack(ev) {
    this.note(`remote track ${ev.track.kind}`);
    if (ev.track.kind !== 'audio' || this.meter.attached) return;
    ev.track.addEventListener('unmute', () => this.mark('firstRtp'));
    const stream = ev.streams[0] || new MediaStream([ev.track]);
    this.meter.attach(stream);
  }

  onMessage(data) {
    const binary = typeof data !== 'string';
    const text = binary ? null : data;
    this.received.push({ t: epochNow(), text, binary, bytes: binary ? (data.byteLength ?? data.size) : data.length });
    const result = applyServerMessage(text, binary, this.roster, {
      self: this.agentId, spatial: this.spatial, mutes: this.mutes, volumes: this.volumes, version: this.version,
    });
    if (result.ignored) this.note(`ignored server message (${result.ignored})`);
    if (result.reply) this.send(result.reply);
  }

  // ── the test's controls ──

  // Global metres; yaw in degrees, counter-clockwise from east. `speaker`: the avatar (sp/sh),
  // `listener`: the ear (lp/lh); either may be left out to keep what was set.
  setPose({ speaker, listener }) {
    const prev = this.pose || {};
    const next = { ...prev };
    if (speaker) {
      next.sp = centimetres(speaker);
      next.sh = speaker.quaternion ? quaternion100(speaker.quaternion) : yawQuaternion(speaker.yaw ?? 0);
    }
    if (listener) {
      next.lp = centimetres(listener);
      next.lh = listener.quaternion ? quaternion100(listener.quaternion) : yawQuaternion(listener.yaw ?? 0);
    }
    if (!next.sp) { next.sp = next.lp; next.sh = next.lh; }
    if (!next.lp) { next.lp = next.sp; next.lh = next.sh; }
    this.pose = next;
    this.poseDirty = true;
    return next;
  }

  setPrimary(primary) {
    this.primary = Boolean(primary);
  }

  setMic(on) {
    this.micOn = Boolean(on);
    if (this.state === 'SESSION_UP' || !this.spatial || this.state === 'WAIT_FOR_DATA_CHANNEL') this.applyMic();
    return this.track?.enabled ?? false;
  }

  // The volume slider (0…1, 0.5 is the default): {"ug":{agent: volume × 220}}.
  setPeerVolume(agentId, volume) {
    this.volumes.set(agentId, volume);
    return this.send(userGainMessage(agentId, volume));
  }

  setPeerMute(agentId, muted) {
    this.mutes.set(agentId, Boolean(muted));
    return this.send(muteMessage(agentId, muted));
  }

  snapshot() {
    return {
      state: this.state,
      marks: this.marks,
      connection: this.pc?.connectionState,
      ice: this.pc?.iceConnectionState,
      dataChannel: this.channel?.readyState ?? null,
      micEnabled: this.track?.enabled ?? false,
      remoteChannels: this.meter?.channelCount ?? 0,
      roster: Object.fromEntries(this.roster),
      version: this.version.value,
      received: this.received.length,
      sentCount: this.sent.length,
      lastPoseSent: this.lastPoseSent,
      // A pose set and not sent yet: what a test waits on (in the page's own terms, not by
      // comparing its clock with the test's).
      poseDirty: this.poseDirty,
      levelDb: this.meter?.recentDb() ?? SILENCE_DB,
    };
  }

  // Averages the two channels' readings over `ms` (a reading every 50 ms).
  async measure({ ms = 1000, tones = [] } = {}) {
    const readings = [];
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const r = this.meter.read();
      if (r) readings.push(r);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { readings: readings.length, channels: this.meter.channelCount, ...summarise(readings, tones) };
  }

  async stats() {
    const out = { inbound: null, outbound: null, transport: null, dataChannels: [] };
    const report = await this.pc.getStats();
    for (const s of report.values()) {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        out.inbound = {
          packetsReceived: s.packetsReceived, packetsLost: s.packetsLost, bytesReceived: s.bytesReceived,
          concealedSamples: s.concealedSamples, totalSamplesReceived: s.totalSamplesReceived,
          concealmentEvents: s.concealmentEvents, jitter: s.jitter, audioLevel: s.audioLevel,
          jitterBufferDelay: s.jitterBufferDelay, jitterBufferEmittedCount: s.jitterBufferEmittedCount,
        };
      } else if (s.type === 'outbound-rtp' && s.kind === 'audio') {
        out.outbound = { packetsSent: s.packetsSent, bytesSent: s.bytesSent };
      } else if (s.type === 'transport') {
        out.transport = { dtlsState: s.dtlsState, iceState: s.iceState, selectedCandidatePairId: s.selectedCandidatePairId };
      } else if (s.type === 'data-channel') {
        out.dataChannels.push({ label: s.label, state: s.state, messagesReceived: s.messagesReceived, messagesSent: s.messagesSent });
      } else if (s.type === 'codec' && s.mimeType?.toLowerCase() === 'audio/opus') {
        (out.codecs ||= []).push({ id: s.id, channels: s.channels, sdpFmtpLine: s.sdpFmtpLine, payloadType: s.payloadType });
      }
    }
    return out;
  }

  messages() {
    return { received: this.received, sent: this.sent };
  }

  close() {
    clearInterval(this.timer);
    clearInterval(this.poller);
    this.pc?.close();
    this.setState('SESSION_EXIT');
  }
}

window.viewer = new Viewer();
window.viewerReady = true;

// One call: the channel we are in, from its `joined` until the call ends. It keeps the members,
// what we know of the channel's space (space.js: positions, floor, who hears whom), how its
// voice travels (voice-path.js), speaking detection and our own position, and keeps the
// participant rows, the map and the call header (through ui.js) in step with them.
//
// app.js makes a Call for every `joined` and closes it when the session leaves the call
// (session.js), and routes the channel's server pushes to it: so nothing here has to ask
// whether we are in a channel, and nothing of a call outlives it.

import { SpeakingDetector, FLOOR_DB } from './audio.js';
import { VoicePath } from './voice-path.js';
import { ChannelSpace } from './space.js';
import { audibleRange, wrapAngle } from './positional.js';
import { messages, announce } from './messages.js';
import { memberStateNews } from './announcements.js';
import { WebvoxError } from './errors.js';

// Speaking flips several times a second in conversation; only a state that held this long is
// worth telling the channel about.
const SPEAKING_SETTLE_MS = 300;

export class Call {
  // joined: the server's `joined`; welcome: ours (member id, account, name, ICE servers).
  // sig: send(msg) / request(msg); mic: the Microphone; volumes: {get(account), set(account,
  // v)}, remembered per account; reporter: the PositionReporter; minimap: the MiniMap;
  // ownPositions: channel URI → our last position there (kept across calls); announcer:
  // add(text) for the live region.
  constructor({ joined, welcome, sig, audio, mic, ui, volumes, reporter, minimap, ownPositions, announcer }) {
    Object.assign(this, { _sig: sig, _audio: audio, _mic: mic, _ui: ui, _volumes: volumes });
    Object.assign(this, { _reporter: reporter, _minimap: minimap, _ownPositions: ownPositions, _announcer: announcer });
    this.channel = joined.channel;
    this.self = { member: welcome.member, account: welcome.account, name: welcome.name };
    this.members = new Map(); // member id → {member, account, name, muted, speaking, heard, level}
    this.speaking = false; // what our microphone's level says
    this._sentSpeaking = false; // what the channel was last told
    this._speakingTimer = 0;
    this._localDetector = new SpeakingDetector();
    this._detectors = new Map(); // member id → SpeakingDetector of what we hear of them
    this.closed = false;

    const space = new ChannelSpace({ selfId: welcome.member, channelInfo: joined.channelInfo });
    space.applyJoined(joined);
    this.space = space;
    this.voice = new VoicePath({
      selfId: welcome.member,
      iceServers: welcome.iceServers,
      send: (to, data) => sig.send({ type: 'signal', to, data }),
      request: (m) => sig.request(m),
      getTrack: () => mic.track,
      sendsTo: (member) => space.sendsTo(member),
      sending: () => space.sendsToAnyone(),
      onMesh: (mesh) => mesh.addEventListener('peer', (e) => this._wirePeer(e.detail)),
      onSfu: (link) => this._wireSfu(link),
    });
    this.voice.use(joined.channelInfo?.forwarding, joined.channelInfo?.slots);
    ui.upsertParticipant({ ...this.self, muted: mic.muted }, { self: true });
    ui.setPeerState(this.self.member, '');
    if (space.self.operatorMuted) {
      ui.showBanner({ code: 'operator_muted', kind: 'warning', ...messages.operatorMuted() });
    }
    // We are the newcomer: we offer to everyone already here.
    for (const m of joined.members ?? []) this._addMember(m, { initiator: true });
    if (mic.muted) sig.send({ type: 'state', muted: true, speaking: false });
    space.addEventListener('change', () => this._onSpaceChange());
    this._placeSelf();
    this._onSpaceChange();
    this.voice.start(); // after placing ourselves: the server forwards by the positions it has
    this._updateHeader();
    this.updateSoundNotice();
  }

  get sfu() {
    return this.voice?.sfu ?? null;
  }

  get mesh() {
    return this.voice?.mesh ?? null;
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.voice.close();
    clearTimeout(this._speakingTimer);
    this._reporter.reset();
    this._ui.showSpace({ inChannel: false });
    this._ui.showFloor({ moderated: false });
    this._audio.removeAllRemotes();
    this.members.clear();
    this._detectors.clear();
    this._ui.clearParticipants();
  }

  // ── the channel's server pushes ──

  memberJoined(m) {
    if (!m?.member) return;
    const known = this.members.get(m.member);
    if (!known) {
      this._addMember(m, { initiator: false });
    } else {
      // We already made a row from their offer; now we learn who they are.
      Object.assign(known, { account: m.account ?? '', name: m.name ?? '', muted: !!m.muted, speaking: !!m.speaking });
      this._ui.upsertParticipant({ ...known, volume: this._volumes.get(known.account) });
      this._audio.setVolume(known.member, this._volumes.get(known.account));
    }
    if (m.member !== this.self.member) this._announcer.add(announce.joined(displayName(this.members.get(m.member))));
  }

  memberLeft(id) {
    const m = this.members.get(id);
    if (!m) return;
    this.voice.remove(id);
    this._audio.forget(id);
    this._detectors.delete(id);
    this.members.delete(id);
    this.space.remove(id);
    this._ui.removeParticipant(id);
    this._announcer.add(announce.left(displayName(m)));
    this._updatePeerBanner();
    this._updateHeader();
  }

  memberState(msg) {
    const { member, muted, speaking } = msg;
    const self = member === this.self.member;
    const before = self ? this.space.self : this.space.others.get(member);
    const news = memberStateNews({
      before: before && { hand: before.hand, floor: before.floor },
      msg, self, name: displayName(this.members.get(member)), moderated: this.space.floorModerated,
    });
    const wasOperatorMuted = !!before?.operatorMuted;
    this.space.applyMemberState(msg); // floor, hand and operator mute, ours included
    this._announcer.add(...news);
    if (self && typeof msg.operatorMuted === 'boolean' && msg.operatorMuted !== wasOperatorMuted) {
      if (msg.operatorMuted) {
        this._ui.showBanner({ code: 'operator_muted', kind: 'warning', ...messages.operatorMuted() });
      } else {
        this._ui.hideBanner('operator_muted');
      }
    }
    const m = this.members.get(member);
    if (!m) return;
    if (typeof muted === 'boolean') m.muted = muted;
    if (typeof speaking === 'boolean') m.speaking = speaking;
    if (typeof msg.operatorMuted === 'boolean') m.operatorMuted = msg.operatorMuted;
    this._ui.upsertParticipant({ ...m, muted: m.muted || !!m.operatorMuted });
  }

  positions(msg) {
    this.space.applyPositions(msg);
  }

  slots(msg) {
    this.voice.handleSlots(msg);
  }

  signal(from, data) {
    if (from && data) this.voice.handleSignal(from, data);
  }

  // The server switched the channel between peer to peer and forwarded: a new transport for
  // everyone here. Members, volumes, positions and mute stay; only the streams are new.
  forwarding({ forwarding, slots }) {
    const voice = this.voice;
    if (!voice.use(forwarding, slots)) return;
    this._audio.removeAllStreams(); // the closed transport's; the new one's arrive later
    this._detectors.clear();
    this.space.channelInfo = { ...this.space.channelInfo, forwarding: voice.mode, slots };
    for (const id of this.members.keys()) this._connect(id, { initiator: voice.offersAfterSwitch(id) });
    voice.start();
    this._updatePeerBanner();
    this.updateSoundNotice();
  }

  // ── what the user does ──

  setVolume(member, volume) {
    const m = this.members.get(member);
    if (!m) return;
    this._audio.setVolume(member, volume);
    if (m.account) this._volumes.set(m.account, volume);
  }

  // Our mute changed (the microphone is muted already).
  muted(muted) {
    this._ui.upsertParticipant({ ...this.self, muted }, { self: true });
    if (muted) {
      this.speaking = this._sentSpeaking = false;
      this._localDetector.speaking = false;
    }
    this._sig.send({ type: 'state', muted, speaking: false });
  }

  // After a new microphone, and whenever who hears us changes: the right track on every sender.
  refreshTracks() {
    return this.voice.refreshTracks();
  }

  // A new network path (Wi-Fi ↔ mobile, VPN up) invalidates ICE candidates.
  restart(reason) {
    this.voice.restart(reason);
  }

  // Moves us (any of x, y, z, yaw; the rest stays). force: send even a tiny change (still at
  // most 10/s). Ignored (null) while the world places us, as the server would ignore it too.
  moveSelf(change, { force = false } = {}) {
    const space = this.space;
    if (space.placedByWorld()) return null;
    const cur = space.self.position ?? { x: 128, y: 128, z: 25, yaw: 0 };
    const pos = {
      x: clamp(num(change.x, cur.x), 0, 8192),
      y: clamp(num(change.y, cur.y), 0, 8192),
      z: clamp(num(change.z, cur.z), -1000, 10000),
      yaw: wrapAngle(num(change.yaw, cur.yaw)),
    };
    this._ownPositions.set(this.channel, pos);
    space.setOwnPosition(pos);
    this._reporter.report(pos, { force });
    return pos;
  }

  // window.webvox.setPosition: sends right away (no movement threshold), within the rate limit.
  setPosition(p) {
    const pos = this.moveSelf(p ?? {}, { force: true });
    if (!pos) throw new WebvoxError('placed_by_world', 'placed by the world');
    return { ...pos };
  }

  raiseHand(raised) {
    raised = !!raised;
    this._sig.send({ type: 'hand', raised });
    // Shown at once; the server's member-state confirms (or corrects) it.
    this.space.applyMemberState({ member: this.self.member, hand: raised });
    return raised;
  }

  // Moderators: let a participant speak (granted) or stop them. The server checks the role.
  setFloor(member, granted) {
    return this._sig.send({ type: 'floor', member, granted: !!granted });
  }

  // ── every frame (app.js's tick) ──

  tick(now, localDb) {
    const speaking = !this._mic.muted && !!this._mic.track && this._localDetector.update(localDb, now);
    this._ui.setSpeaking(this.self.member, speaking);
    if (speaking !== this.speaking) {
      this.speaking = speaking;
      this._scheduleSpeakingState();
    }
    const audio = this._audio;
    for (const m of this.members.values()) {
      let heard = false;
      if (audio.hasRemote(m.member)) {
        let det = this._detectors.get(m.member);
        if (!det) this._detectors.set(m.member, (det = new SpeakingDetector()));
        m.level = audio.remoteLevel(m.member);
        // Audio still arriving from someone we no longer hear (out of range a moment ago)
        // is not speaking to us.
        heard = det.update(m.level, now) && audio.placement(m.member).gain > 0;
      }
      m.heard = heard;
      // Before audio flows, the server's relayed flag is the best we have.
      const shown = audio.hasRemote(m.member) && !audio.suspended ? heard : heard || m.speaking;
      this._ui.setSpeaking(m.member, shown);
    }
    if (this.space.positional) this._updateMinimap();
  }

  updateSoundNotice() {
    this._ui.showSoundNotice(this._audio.paused);
  }

  // ── members and their voice ──

  _addMember(m, { initiator }) {
    if (m.member === this.self.member) return;
    const existing = this.members.get(m.member);
    const member = {
      member: m.member,
      account: m.account ?? existing?.account ?? '',
      name: m.name ?? existing?.name ?? '',
      muted: !!m.muted || !!m.operatorMuted,
      operatorMuted: !!m.operatorMuted,
      speaking: !!m.speaking,
      heard: false,
      level: FLOOR_DB,
    };
    this.members.set(m.member, member);
    const volume = this._volumes.get(member.account);
    this._ui.upsertParticipant({ ...member, volume }, { onVolume: (v) => this.setVolume(member.member, v) });
    // Known before they are ever on a slot: the slot takes their volume when they are.
    this._audio.setVolume(m.member, volume);
    this.space.upsert(m);
    this._connect(m.member, { initiator });
    this._updateHeader();
  }

  // Voice with a member over the transport in use; the row shows how far that got.
  _connect(id, { initiator }) {
    if (this.sfu) return this._ui.setPeerState(id, this.sfu.connectionState);
    this._ui.setPeerState(id, initiator ? 'new' : 'waiting');
    this.voice.add(id, { initiator });
  }

  _wirePeer(peer) {
    if (!this.members.has(peer.member)) {
      // An offer that overtook its member-joined: show the row now, details follow.
      this._addMember({ member: peer.member, account: '', name: '' }, { initiator: false });
    }
    peer.addEventListener('track', (e) => {
      // Placed before it plays: someone out of range must not start at full level.
      this._place(peer.member);
      this._audio.addRemote(peer.member, e.detail);
      this._audio.setVolume(peer.member, this._volumes.get(this.members.get(peer.member)?.account));
      this.updateSoundNotice();
    });
    peer.addEventListener('state', (e) => {
      if (this.mesh?.get(peer.member) !== peer) return;
      this._ui.setPeerState(peer.member, e.detail);
      this._updatePeerBanner();
    });
  }

  // Server-forwarded voice: every member is reached through the one connection, so its state
  // is everyone's, and each receive slot plays as the member the server says is on it.
  _wireSfu(link) {
    link.addEventListener('slots', () => {
      if (this.sfu !== link) return;
      const live = new Set();
      for (const { mid, stream, member } of link.slots()) {
        live.add(mid);
        this._audio.setSlotStream(mid, stream);
        // Placed before it plays: someone out of range must not start at full level.
        if (member) this._place(member);
        this._audio.assignSlot(mid, member);
      }
      for (const mid of this._audio.slotMids()) if (!live.has(mid)) this._audio.removeSlot(mid);
      this.updateSoundNotice();
    });
    link.addEventListener('state', (e) => {
      if (this.sfu !== link) return;
      for (const id of this.members.keys()) this._ui.setPeerState(id, e.detail);
      this._updatePeerBanner();
    });
  }

  _updatePeerBanner() {
    const ui = this._ui;
    if (this.sfu) {
      if (this.sfu.connectionState !== 'failed') return ui.hideBanner('peer_failed');
      return ui.showBanner({ code: 'peer_failed', kind: 'warning', ...messages.serverAudioFailed() });
    }
    const failed = [...(this.mesh?.peers.values() ?? [])].filter((p) => p.connectionState === 'failed');
    if (!failed.length) return ui.hideBanner('peer_failed');
    const names = failed.map((p) => displayName(this.members.get(p.member)));
    ui.showBanner({ code: 'peer_failed', kind: 'warning', ...messages.peerFailed(names) });
  }

  _scheduleSpeakingState() {
    clearTimeout(this._speakingTimer);
    this._speakingTimer = setTimeout(() => {
      if (this.closed || this.speaking === this._sentSpeaking) return;
      this._sentSpeaking = this.speaking;
      this._sig.send({ type: 'state', speaking: this.speaking });
    }, SPEAKING_SETTLE_MS);
  }

  // ── positions, hearing and the floor ──

  // Right after joining: where the world put us, else where we were in this channel before a
  // reconnect, else a spot near the middle of the region. Sent at once, so the others hear us
  // by distance from the start.
  _placeSelf() {
    const space = this.space;
    if (space.placedByWorld()) return;
    const pos = space.self.position ?? this._ownPositions.get(this.channel) ?? defaultSpot();
    this._reporter.reset();
    this.moveSelf(pos, { force: true });
  }

  _place(id) {
    this._audio.setPlacement(id, { gain: this.space.gainFor(id), pan: this.space.panFor(id) });
  }

  // Anything in the space changed: gains and directions, whom we send to, and what we show.
  _onSpaceChange() {
    if (this.closed) return;
    const { space, _ui: ui } = this;
    for (const id of this.members.keys()) {
      this._place(id);
      const s = space.others.get(id);
      ui.setMemberSpace(id, {
        role: s?.role, floor: s?.floor, hand: s?.hand, audible: space.hears(id),
        canGrant: space.isModerator && space.floorModerated, name: displayName(this.members.get(id)),
      });
    }
    ui.setMemberSpace(this.self.member, { role: space.self.role, floor: space.self.floor, hand: space.self.hand });
    this.voice.refreshTracks().catch((err) => console.warn('webvox: switching senders', err));
    ui.showFloor({
      moderated: space.floorModerated, mode: space.mode, floor: space.self.floor !== false,
      hand: space.self.hand, moderator: space.isModerator,
    });
    ui.showSpace({ inChannel: true, positional: space.positional, draggable: !space.placedByWorld() });
    if (space.positional) this._updateMinimap();
  }

  _updateMinimap() {
    const space = this.space;
    this._minimap.update({
      self: { position: space.self.position, speaking: this.speaking },
      others: [...this.members.values()].map((m) => ({
        member: m.member,
        name: displayName(m),
        position: space.others.get(m.member)?.position ?? null,
        speaking: m.heard,
        audible: space.hears(m.member),
      })),
      range: audibleRange(space.channelInfo),
      draggable: !space.placedByWorld(),
    });
  }

  _updateHeader() {
    this._ui.setCallTitle(this.channel, this.members.size + 1);
  }
}

export function displayName(m) {
  return m?.name || m?.account || 'someone';
}

// A few metres around the centre of a standard 256 m region, facing the centre: people who
// join without an in-world position start within earshot of each other.
function defaultSpot() {
  const angle = Math.random() * 2 * Math.PI;
  const r = 1 + Math.random() * 3;
  return { x: 128 + r * Math.cos(angle), y: 128 + r * Math.sin(angle), z: 25, yaw: wrapAngle(angle + Math.PI) };
}

function num(v, fallback) {
  const n = Number(v);
  return v === undefined || v === null || !Number.isFinite(n) ? fallback : n;
}

function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}

// Entry point: session flow (sign in → join → talk → leave), failure messages, and the
// window.webvox test/automation API. Protocol, media and DOM details live in their modules.

import { Signalling } from './signalling.js';
import { AudioEngine, SpeakingDetector, FLOOR_DB } from './audio.js';
import { VoicePath } from './voice-path.js';
import { ChannelSpace } from './space.js';
import { PositionReporter } from './position-reporter.js';
import { MiniMap } from './minimap.js';
import { audibleRange, wrapAngle } from './positional.js';
import * as ui from './ui.js';
import { messages } from './messages.js';
import { store } from './store.js';
import { installApi } from './api.js';

const { els } = ui;

const params = new URLSearchParams(location.search);
const sig = new Signalling();
const audio = new AudioEngine();

const app = {
  creds: null, // {account, password} or {token}, plus name
  channel: null, // channel we are in (after `joined`)
  joinedMsg: null,
  wantChannel: null, // channel to be in; survives reconnects so we can re-join
  joining: null, // {uri, promise} while a join is in flight
  joinGen: 0, // bumped by every join/leave/sign-in, so a stale join knows to stop
  voice: null, // VoicePath: how voice travels in the channel now, and its transport:
  get mesh() { return this.voice?.mesh ?? null; }, // peer to peer (forwarding 'mesh')…
  get sfu() { return this.voice?.sfu ?? null; }, // …or one connection to the server ('sfu')
  members: new Map(), // member id → {member, account, name, muted, speaking, heard, level}
  muted: false,
  speaking: false,
  sentSpeaking: false,
  speakingTimer: 0,
  micId: store.get('mic') ?? '',
  space: null, // ChannelSpace of the channel we are in: positions, floor, who hears whom
  ownPositions: new Map(), // channel URI → our last position there, kept across reconnects
};

// Our position goes to the server at most 10/s and only when it changed noticeably.
const reporter = new PositionReporter((p) => sig.send({
  type: 'position', x: round(p.x, 3), y: round(p.y, 3), z: round(p.z, 3), yaw: round(p.yaw, 4),
}));
const minimap = new MiniMap(els.minimap, { summary: els.minimapSummary, onMove: (p) => moveSelf(p) });

const localDetector = new SpeakingDetector();
const remoteDetectors = new Map();

// ── signing in ──

async function signIn(input = {}) {
  const creds = normaliseCreds(input);
  if (!creds.token && !(creds.account && creds.password)) {
    const err = Object.assign(new Error('account and password, or a token, are required'), { code: 'form' });
    flagEmptyFields();
    throw err;
  }
  if (sig.signedIn && sameCreds(app.creds, creds)) return sig.welcome;
  teardownCall();
  app.wantChannel = null;
  app.creds = creds;
  if (!creds.token) {
    els.account.value = creds.account;
    els.password.value = creds.password;
  }
  if (creds.name) els.name.value = creds.name;
  ui.hideBanner();
  ui.setBusy(els.signinSubmit, true);
  els.connectingText.textContent = creds.token
    ? 'Signing you in with your join link…'
    : 'Signing you in to voice chat…';
  ui.showView('connecting');
  try {
    const welcome = await sig.signIn(creds);
    onWelcome(welcome);
    ui.showView('lobby');
    return welcome;
  } catch (err) {
    // auth_failed is shown by the `fatal` handler; a cancel needs no message.
    if (err.code === 'closed' && !sig.signedIn && !app.creds?.token) ui.showView('signin');
    throw err;
  } finally {
    ui.setBusy(els.signinSubmit, false);
  }
}

function onWelcome(w) {
  ui.setSignedInAs(w.name, w.account);
  if (w.name) store.set('name', w.name);
  ui.hideBanner('unreachable');
  if (w.channel) {
    // A join token admits to exactly one channel; offering another would only fail.
    els.channel.value = w.channel;
    els.channel.readOnly = true;
  } else {
    els.channel.readOnly = false;
  }
  refreshDevices();
}

function signOut() {
  teardownCall();
  app.wantChannel = null;
  app.creds = null;
  sig.close();
  ui.hideBanner();
  if (params.has('token')) {
    // Otherwise a reload would sign straight back in with the link.
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}`);
  }
  els.password.value = '';
  ui.showView('signin');
  els.account.focus();
}

// ── joining and leaving ──

function join(uri) {
  uri = String(uri ?? (els.channel.value.trim() || sig.welcome?.channel || '')).trim();
  if (!sig.signedIn) return Promise.reject(Object.assign(new Error('not signed in'), { code: 'not_signed_in' }));
  if (!uri) {
    els.channel.setAttribute('aria-invalid', 'true');
    els.channel.focus();
    return Promise.reject(Object.assign(new Error('no channel given'), { code: 'form' }));
  }
  if (app.channel === uri && app.wantChannel === uri) return Promise.resolve(app.joinedMsg);
  if (app.joining?.uri === uri) return app.joining.promise;
  // Inside the click's user activation, before any await. Only an existing context: creating
  // one is a synchronous round trip to the audio service, which must not hold up the click;
  // openMic creates it right after getUserMedia, still under the page's user activation.
  if (audio.ctx) audio.resume();
  if (!els.channel.readOnly) els.channel.value = uri; // a join link's channel stays on show
  els.channel.removeAttribute('aria-invalid');
  const gen = ++app.joinGen;
  const previous = app.wantChannel;
  const promise = (async () => {
    ui.setBusy(els.joinButton, true);
    try {
      await ensureMic();
      audio.resume(); // creates the context when listen-only (no mic made one)
      if (gen !== app.joinGen) {
        // Left, signed out or joined elsewhere while the mic prompt was open.
        if (!app.channel) audio.stopMic();
        throw Object.assign(new Error('join cancelled'), { code: 'cancelled' });
      }
      app.wantChannel = uri;
      const msg = await sig.request({ type: 'join', channel: uri });
      // Left (or switched) while this join was in flight: that later action wins.
      if (gen === app.joinGen) onJoined(msg);
      return msg;
    } catch (err) {
      // A dropped socket keeps wantChannel: the reconnect re-joins by itself.
      if (err.code !== 'disconnected' && err.code !== 'cancelled') {
        // A refused switch leaves us where we were (the server checks before leaving).
        if (app.wantChannel === uri) app.wantChannel = app.channel ? previous : null;
        if (!app.channel) audio.stopMic();
        showJoinError(err, uri);
      }
      throw err;
    } finally {
      ui.setBusy(els.joinButton, false);
      if (app.joining?.promise === promise) app.joining = null;
    }
  })();
  app.joining = { uri, promise };
  return promise;
}

function onJoined(msg) {
  teardownMesh();
  ui.hideBanner('disconnected');
  app.channel = msg.channel;
  app.joinedMsg = msg;
  app.sentSpeaking = false;
  const w = sig.welcome;
  const space = new ChannelSpace({ selfId: w.member, channelInfo: msg.channelInfo });
  space.applyJoined(msg);
  app.space = space;
  app.voice = new VoicePath({
    selfId: w.member,
    iceServers: w.iceServers,
    send: (to, data) => sig.send({ type: 'signal', to, data }),
    request: (m) => sig.request(m),
    getTrack: () => audio.track,
    sendsTo: (member) => space.sendsTo(member),
    sending: () => space.sendsToAnyone(),
    onMesh: (mesh) => mesh.addEventListener('peer', (e) => wirePeer(e.detail)),
    onSfu: (link) => wireSfu(link),
  });
  app.voice.use(msg.channelInfo?.forwarding, msg.channelInfo?.slots);
  ui.upsertParticipant({ member: w.member, account: w.account, name: w.name, muted: app.muted }, { self: true });
  ui.setPeerState(w.member, '');
  // We are the newcomer: we offer to everyone already here.
  for (const m of msg.members ?? []) addMember(m, { initiator: true });
  if (app.muted) sig.send({ type: 'state', muted: true, speaking: false });
  space.addEventListener('change', () => onSpaceChange(space));
  placeSelfAfterJoin();
  onSpaceChange(space);
  app.voice.start(); // after placing ourselves: the server forwards by the positions it has
  ui.showView('call');
  ui.showConnection(sig.state, { inChannel: true });
  updateCallHeader();
  updateSoundNotice();
}

async function leave() {
  app.joinGen++;
  app.wantChannel = null;
  const was = app.channel || app.joining;
  teardownCall();
  ui.hideBanner();
  if (sig.signedIn) {
    ui.showView('lobby');
    if (was) await sig.request({ type: 'leave' }, { timeout: 5000 }).catch(() => {});
  } else {
    ui.showView(app.creds ? 'connecting' : 'signin');
  }
}

function teardownMesh() {
  app.voice?.close();
  app.voice = null;
  app.space = null;
  reporter.reset();
  ui.showSpace({ inChannel: false });
  ui.showFloor({ moderated: false });
  audio.removeAllRemotes();
  app.members.clear();
  remoteDetectors.clear();
  ui.clearParticipants();
}

// Leaving the channel also releases the microphone, so the browser's recording indicator
// goes away when we are not in a call.
function teardownCall() {
  app.joinGen++;
  teardownMesh();
  app.channel = null;
  app.joinedMsg = null;
  app.speaking = false;
  clearTimeout(app.speakingTimer);
  audio.stopMic();
  ui.setMicMeter(FLOOR_DB);
  ui.showConnection(sig.state, { retryIn: sig.retryIn });
}

// ── members and peers ──

function addMember(m, { initiator }) {
  if (!app.voice || m.member === sig.welcome?.member) return;
  const existing = app.members.get(m.member);
  const member = {
    member: m.member,
    account: m.account ?? existing?.account ?? '',
    name: m.name ?? existing?.name ?? '',
    muted: !!m.muted,
    speaking: !!m.speaking,
    heard: false,
    level: FLOOR_DB,
  };
  app.members.set(m.member, member);
  ui.upsertParticipant(
    { ...member, volume: volumeFor(member.account) },
    { onVolume: (v) => setVolume(member.member, v) },
  );
  // Known before they are ever on a slot: the slot takes their volume when they are.
  audio.setVolume(m.member, volumeFor(member.account));
  app.space?.upsert(m);
  connectMember(m.member, { initiator });
  updateCallHeader();
}

// Voice with a member over the transport in use; the row shows how far that got.
function connectMember(id, { initiator }) {
  if (app.sfu) return ui.setPeerState(id, app.sfu.connectionState);
  ui.setPeerState(id, initiator ? 'new' : 'waiting');
  app.voice.add(id, { initiator });
}

// The server switched the channel between peer to peer and forwarded: a new transport for
// everyone here. Members, volumes, positions and mute stay; only the streams are new.
function switchForwarding({ forwarding, slots }) {
  const voice = app.voice;
  if (!voice || !app.space || !voice.use(forwarding, slots)) return;
  audio.removeAllStreams(); // the closed transport's; the new one's arrive later
  remoteDetectors.clear();
  app.space.channelInfo = { ...app.space.channelInfo, forwarding: voice.mode, slots };
  for (const id of app.members.keys()) connectMember(id, { initiator: voice.offersAfterSwitch(id) });
  voice.start();
  updatePeerBanner();
  updateSoundNotice();
}

function removeMember(id) {
  app.voice?.remove(id);
  audio.forget(id);
  remoteDetectors.delete(id);
  app.members.delete(id);
  app.space?.remove(id);
  ui.removeParticipant(id);
  updatePeerBanner();
  updateCallHeader();
}

function wirePeer(peer) {
  if (!app.members.has(peer.member)) {
    // An offer that overtook its member-joined: show the row now, details follow.
    addMember({ member: peer.member, account: '', name: '' }, { initiator: false });
  }
  peer.addEventListener('track', (e) => {
    // Placed before it plays: someone out of range must not start at full level.
    placeMember(peer.member);
    audio.addRemote(peer.member, e.detail);
    audio.setVolume(peer.member, volumeFor(app.members.get(peer.member)?.account));
    updateSoundNotice();
  });
  peer.addEventListener('state', (e) => {
    if (app.mesh?.get(peer.member) !== peer) return;
    ui.setPeerState(peer.member, e.detail);
    updatePeerBanner();
  });
}

// Server-forwarded voice: every member is reached through the one connection, so its state
// is everyone's, and each receive slot plays as the member the server says is on it.
function wireSfu(link) {
  link.addEventListener('slots', () => {
    if (app.sfu !== link) return;
    const live = new Set();
    for (const { mid, stream, member } of link.slots()) {
      live.add(mid);
      audio.setSlotStream(mid, stream);
      // Placed before it plays: someone out of range must not start at full level.
      if (member) placeMember(member);
      audio.assignSlot(mid, member);
    }
    for (const mid of audio.slotMids()) if (!live.has(mid)) audio.removeSlot(mid);
    updateSoundNotice();
  });
  link.addEventListener('state', (e) => {
    if (app.sfu !== link) return;
    for (const id of app.members.keys()) ui.setPeerState(id, e.detail);
    updatePeerBanner();
  });
}

function updatePeerBanner() {
  if (app.sfu) {
    if (app.sfu.connectionState !== 'failed') return ui.hideBanner('peer_failed');
    return ui.showBanner({ code: 'peer_failed', kind: 'warning', ...messages.serverAudioFailed() });
  }
  const failed = [...(app.mesh?.peers.values() ?? [])].filter((p) => p.connectionState === 'failed');
  if (!failed.length) return ui.hideBanner('peer_failed');
  const names = failed.map((p) => displayName(app.members.get(p.member)));
  ui.showBanner({ code: 'peer_failed', kind: 'warning', ...messages.peerFailed(names) });
}

function setVolume(member, volume) {
  const m = app.members.get(member);
  if (!m) return;
  audio.setVolume(member, volume);
  if (m.account) {
    const vols = store.getJson('volumes') ?? {};
    vols[m.account] = volume;
    store.setJson('volumes', vols);
  }
}

function volumeFor(account) {
  if (!account) return 1;
  return store.getJson('volumes')?.[account] ?? 1;
}

// ── microphone ──

async function ensureMic() {
  if (audio.track?.readyState === 'live') return audio.track;
  try {
    const track = await openMic(app.micId);
    return track;
  } catch (err) {
    if (err.kind === 'gone' && app.micId) {
      // The remembered device is unplugged; the default one is the sensible fallback.
      app.micId = '';
      return ensureMic();
    }
    ui.showBanner({
      code: `mic_${err.kind}`,
      kind: 'error',
      ...messages.mic(err),
      actions: [{ label: 'Try again', primary: true, onClick: () => retryMic() }],
    });
    return null; // listen-only: everything else still works
  }
}

async function openMic(deviceId) {
  const track = await audio.openMic(deviceId);
  for (const code of ['mic_denied', 'mic_no-device', 'mic_busy', 'mic_gone', 'mic_insecure', 'mic_unknown', 'mic_ended']) {
    ui.hideBanner(code);
  }
  track.addEventListener('ended', () => onMicEnded(track));
  await app.voice?.refreshTracks();
  await refreshDevices();
  return track;
}

async function retryMic() {
  ui.hideBanner();
  await ensureMic();
}

function onMicEnded(track) {
  if (audio.track !== track) return; // replaced on purpose
  ui.showBanner({ code: 'mic_ended', kind: 'warning', ...messages.micEnded() });
  if (app.channel) {
    app.micId = '';
    openMic('').catch(() => {});
  }
}

async function selectMic(deviceId) {
  app.micId = deviceId;
  store.set('mic', deviceId);
  // Only switch live if a mic is in use; otherwise the choice applies on the next join.
  if (audio.micStream) {
    try {
      await openMic(deviceId);
    } catch (err) {
      ui.showBanner({ code: `mic_${err.kind}`, ...messages.mic(err) });
      throw err;
    }
  }
}

async function refreshDevices() {
  const { inputs, outputs } = await audio.listDevices();
  const labelled = inputs.some((d) => d.label && !/^Microphone \d+$/.test(d.label));
  ui.fillSelect(els.micSelect, labelled ? inputs : [], audio.deviceId || app.micId, 'Default microphone');
  els.micAllow.hidden = labelled || !!audio.micStream;
  const canPick = audio.canPickOutput && outputs.length > 1 && outputs.some((d) => d.label);
  els.speakerField.hidden = !canPick;
  if (canPick) ui.fillSelect(els.speakerSelect, outputs, store.get('speaker'), 'Default speaker');
}

// ── muting and speaking ──

function setMuted(muted) {
  app.muted = !!muted;
  audio.setMuted(app.muted);
  ui.setMuted(app.muted);
  if (app.channel) {
    ui.upsertParticipant({ member: sig.welcome.member, account: sig.welcome.account, name: sig.welcome.name, muted: app.muted }, { self: true });
  }
  if (app.muted) {
    app.speaking = app.sentSpeaking = false;
    localDetector.speaking = false;
  }
  if (app.channel) sig.send({ type: 'state', muted: app.muted, speaking: false });
  return app.muted;
}

// Speaking flips several times a second in conversation; only a state that has held for a
// moment is worth telling the channel about.
function scheduleSpeakingState() {
  clearTimeout(app.speakingTimer);
  app.speakingTimer = setTimeout(() => {
    if (!app.channel || app.speaking === app.sentSpeaking) return;
    app.sentSpeaking = app.speaking;
    sig.send({ type: 'state', speaking: app.speaking });
  }, 300);
}

function tick() {
  const now = performance.now();
  const localDb = audio.localLevel();
  if (!els.devices.hidden) ui.setMicMeter(app.muted ? FLOOR_DB : localDb);
  const speaking = !app.muted && !!audio.track && localDetector.update(localDb, now);
  if (app.channel) {
    ui.setSpeaking(sig.welcome.member, speaking);
    if (speaking !== app.speaking) {
      app.speaking = speaking;
      scheduleSpeakingState();
    }
  }
  for (const m of app.members.values()) {
    let heard = false;
    if (audio.hasRemote(m.member)) {
      let det = remoteDetectors.get(m.member);
      if (!det) remoteDetectors.set(m.member, (det = new SpeakingDetector()));
      m.level = audio.remoteLevel(m.member);
      // Audio still arriving from someone we no longer hear (out of range a moment ago)
      // is not speaking to us.
      heard = det.update(m.level, now) && audio.placement(m.member).gain > 0;
    }
    m.heard = heard;
    // Before audio flows, the server's relayed flag is the best we have.
    const shown = audio.hasRemote(m.member) && !audio.suspended ? heard : heard || m.speaking;
    ui.setSpeaking(m.member, shown);
  }
  if (app.space?.positional) updateMinimap(app.space);
}

// ── positions, hearing and the floor ──

// Right after joining: where the world put us, else where we were in this channel before a
// reconnect, else a spot near the middle of the region. Sent at once, so the others hear us
// by distance from the start.
function placeSelfAfterJoin() {
  const space = app.space;
  if (space.placedByWorld()) return;
  const pos = space.self.position ?? app.ownPositions.get(app.channel) ?? defaultSpot();
  reporter.reset();
  moveSelf(pos, { force: true });
}

function defaultSpot() {
  // A few metres around the centre of a standard 256 m region, facing the centre: people
  // who join without an in-world position start within earshot of each other.
  const angle = Math.random() * 2 * Math.PI;
  const r = 1 + Math.random() * 3;
  return { x: 128 + r * Math.cos(angle), y: 128 + r * Math.sin(angle), z: 25, yaw: wrapAngle(angle + Math.PI) };
}

// Moves us (any of x, y, z, yaw; the rest stays). force: send even a tiny change (still at
// most 10/s). Ignored while the world places us, as the server would ignore it too.
function moveSelf(change, { force = false } = {}) {
  const space = app.space;
  if (!space || !app.channel) return null;
  if (space.placedByWorld()) return null;
  const cur = space.self.position ?? { x: 128, y: 128, z: 25, yaw: 0 };
  const pos = {
    x: clamp(num(change.x, cur.x), 0, 8192),
    y: clamp(num(change.y, cur.y), 0, 8192),
    z: clamp(num(change.z, cur.z), -1000, 10000),
    yaw: wrapAngle(num(change.yaw, cur.yaw)),
  };
  app.ownPositions.set(app.channel, pos);
  space.setOwnPosition(pos);
  reporter.report(pos, { force });
  return pos;
}

// window.webvox.setPosition: sends right away (no movement threshold), within the rate limit.
function setPosition(p) {
  if (!app.space) throw Object.assign(new Error('not in a channel'), { code: 'not_in_channel' });
  const pos = moveSelf(p ?? {}, { force: true });
  if (!pos) throw Object.assign(new Error('placed by the world'), { code: 'placed_by_world' });
  return { ...pos };
}

function raiseHand(raised) {
  if (!app.space) return false;
  raised = !!raised;
  sig.send({ type: 'hand', raised });
  // Shown at once; the server's member-state confirms (or corrects) it.
  app.space.applyMemberState({ member: app.space.self.member, hand: raised });
  return raised;
}

// Moderators: let a participant speak (granted) or stop them. The server checks the role.
function setFloor(member, granted) {
  if (!app.space) return false;
  return sig.send({ type: 'floor', member, granted: !!granted });
}

function placeMember(id) {
  const space = app.space;
  if (space) audio.setPlacement(id, { gain: space.gainFor(id), pan: space.panFor(id) });
}

// Anything in the space changed: gains and directions, whom we send to, and what we show.
function onSpaceChange(space) {
  if (space !== app.space) return;
  for (const id of app.members.keys()) {
    placeMember(id);
    const s = space.others.get(id);
    ui.setMemberSpace(id, {
      role: s?.role, floor: s?.floor, hand: s?.hand, audible: space.hears(id),
      canGrant: space.isModerator && space.floorModerated, name: displayName(app.members.get(id)),
    });
  }
  ui.setMemberSpace(sig.welcome.member, { role: space.self.role, floor: space.self.floor, hand: space.self.hand });
  app.voice?.refreshTracks().catch((err) => console.warn('webvox: switching senders', err));
  ui.showFloor({
    moderated: space.floorModerated, mode: space.mode, floor: space.self.floor !== false,
    hand: space.self.hand, moderator: space.isModerator,
  });
  ui.showSpace({ inChannel: true, positional: space.positional, draggable: !space.placedByWorld() });
  if (space.positional) updateMinimap(space);
}

function updateMinimap(space) {
  minimap.update({
    self: { position: space.self.position, speaking: app.speaking },
    others: [...app.members.values()].map((m) => ({
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

// ── presentation helpers ──

function updateCallHeader() {
  if (app.channel) ui.setCallTitle(app.channel, app.members.size + 1);
}

function updateSoundNotice() {
  els.soundNotice.hidden = !(app.channel && audio.ctx && audio.ctx.state !== 'running');
}

function displayName(m) {
  return m?.name || m?.account || 'someone';
}

function showJoinError(err, uri) {
  const actions = [];
  if (err.code === 'forbidden' && sig.welcome?.channel) {
    actions.push({ label: 'Join the link’s channel', primary: true, onClick: () => join(sig.welcome.channel).catch(() => {}) });
  }
  if (err.code === 'channel_full' || err.code === 'timeout' || err.code === 'internal') {
    actions.push({ label: 'Try again', primary: true, onClick: () => join(uri).catch(() => {}) });
  }
  ui.showBanner({ code: err.code, kind: 'error', ...messages.join(err, uri, sig.welcome?.channel), actions });
  if (!app.channel) ui.showView('lobby');
}

// ── signalling events ──

sig.addEventListener('state', (e) => {
  const { state, retryIn } = e.detail;
  ui.showConnection(state, { retryIn, inChannel: !!app.channel });
  if (state === 'reconnecting' && !sig.welcome && app.creds) {
    // Never got in: the server is down or unreachable.
    els.connectingText.textContent = 'Waiting for the voice server to answer…';
    ui.showBanner({
      code: 'unreachable', kind: 'warning', ...messages.unreachable(retryIn),
      actions: [{ label: 'Retry now', onClick: () => sig.retryNow() }],
    });
  } else if (state === 'reconnecting' && sig.welcome) {
    ui.showBanner({
      code: 'disconnected', kind: 'warning', ...messages.lost(app.wantChannel, retryIn),
      actions: [{ label: 'Retry now', onClick: () => sig.retryNow() }],
    });
  }
});

sig.addEventListener('reconnected', async (e) => {
  onWelcome(e.detail);
  ui.hideBanner('disconnected');
  // Our member id changed with the new connection, so every peer connection is stale.
  const uri = app.wantChannel;
  teardownMesh();
  app.channel = null;
  if (!uri) return ui.showView('lobby');
  const gen = ++app.joinGen;
  try {
    const msg = await sig.request({ type: 'join', channel: uri });
    if (gen === app.joinGen) onJoined(msg);
  } catch (err) {
    if (err.code === 'disconnected') return; // dropped again; the next reconnect retries
    app.wantChannel = null;
    teardownCall();
    showJoinError(err, uri);
  }
});

sig.addEventListener('fatal', (e) => {
  const msg = e.detail;
  const uri = app.wantChannel || app.channel;
  teardownCall();
  if (msg.code === 'auth_throttled') {
    app.wantChannel = null;
    ui.showView('signin');
    ui.showBanner({ code: 'auth_throttled', kind: 'error', ...messages.authThrottled(msg.retryAfter), dismissible: true });
  } else if (msg.code === 'auth_failed') {
    app.wantChannel = null;
    const viaToken = !!app.creds?.token;
    ui.showView(viaToken ? 'none' : 'signin');
    if (!viaToken) {
      els.password.select();
      els.password.focus();
    }
    ui.showBanner({
      code: 'auth_failed', kind: 'error', ...messages.authFailed(viaToken), dismissible: !viaToken,
      actions: viaToken ? [{ label: 'Sign in with an account instead', onClick: () => signOut() }] : [],
    });
  } else if (msg.code === 'replaced') {
    ui.showView('none');
    ui.showBanner({
      code: 'replaced', kind: 'info', ...messages.replaced(uri), dismissible: false,
      actions: [{ label: 'Use this window', primary: true, onClick: () => resumeSession(uri) }],
    });
  }
});

sig.addEventListener('member-joined', (e) => {
  const m = e.detail.member;
  if (!app.channel || !m?.member) return;
  const known = app.members.get(m.member);
  if (!known) return addMember(m, { initiator: false });
  // We already made a row from their offer; now we learn who they are.
  Object.assign(known, { account: m.account ?? '', name: m.name ?? '', muted: !!m.muted, speaking: !!m.speaking });
  ui.upsertParticipant({ ...known, volume: volumeFor(known.account) });
  audio.setVolume(known.member, volumeFor(known.account));
});

sig.addEventListener('member-left', (e) => {
  if (app.members.has(e.detail.member)) removeMember(e.detail.member);
});

sig.addEventListener('member-state', (e) => {
  const { member, muted, speaking } = e.detail;
  app.space?.applyMemberState(e.detail); // floor and hand, ours included
  const m = app.members.get(member);
  if (!m) return;
  if (typeof muted === 'boolean') m.muted = muted;
  if (typeof speaking === 'boolean') m.speaking = speaking;
  ui.upsertParticipant(m);
});

sig.addEventListener('positions', (e) => {
  if (app.channel && app.space) app.space.applyPositions(e.detail);
});

sig.addEventListener('slots', (e) => {
  app.voice?.handleSlots(e.detail);
});

sig.addEventListener('forwarding', (e) => {
  if (app.channel) switchForwarding(e.detail);
});

sig.addEventListener('signal', (e) => {
  const { from, data } = e.detail;
  if (from && data) app.voice?.handleSignal(from, data);
});

sig.addEventListener('error', (e) => {
  const { code, message } = e.detail;
  // Signals to someone who just left, or sent while leaving or while the channel switched
  // between mesh and forwarded (the server refuses the old transport's last messages), are
  // harmless races.
  if (['unknown_member', 'not_in_channel', 'mesh_off', 'sfu_off'].includes(code)) return;
  console.warn('webvox: server error', code, message);
  if (code === 'rate_limited' || code === 'internal') {
    ui.showBanner({ code, kind: 'warning', ...messages.serverError(code, message) });
  }
});

async function resumeSession(uri) {
  ui.hideBanner();
  if (!app.creds) return ui.showView('signin');
  const creds = app.creds;
  app.creds = null; // force a fresh sign-in even though the credentials are unchanged
  try {
    await signIn(creds);
    if (uri) await join(uri);
  } catch {
    // shown already
  }
}

// ── UI wiring ──

els.signinForm.addEventListener('submit', (e) => {
  e.preventDefault();
  signIn({ account: els.account.value, password: els.password.value, name: els.name.value }).catch(() => {});
});

els.joinForm.addEventListener('submit', (e) => {
  e.preventDefault();
  join(els.channel.value).catch(() => {});
});

els.leave.addEventListener('click', () => leave());
els.mute.addEventListener('click', () => setMuted(!app.muted));
els.signout.addEventListener('click', () => signOut());
els.connectingCancel.addEventListener('click', () => signOut());
els.bannerClose.addEventListener('click', () => ui.hideBanner());
els.soundEnable.addEventListener('click', () => audio.resume().then(updateSoundNotice));
els.micAllow.addEventListener('click', () => ensureMic());
els.micSelect.addEventListener('change', () => selectMic(els.micSelect.value).catch(() => {}));
els.speakerSelect.addEventListener('change', () => {
  store.set('speaker', els.speakerSelect.value);
  audio.setOutput(els.speakerSelect.value).catch((err) => console.warn('webvox: speaker', err));
});
for (const input of [els.account, els.password, els.channel]) {
  input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
}

// Any gesture is a chance to unblock audio the browser held back.
for (const type of ['pointerdown', 'keydown']) {
  document.addEventListener(type, () => {
    if (audio.ctx?.state === 'suspended') audio.resume().then(updateSoundNotice);
  }, { capture: true, passive: true });
}

document.addEventListener('keydown', (e) => {
  if (e.key !== 'm' && e.key !== 'M') return;
  if (e.ctrlKey || e.metaKey || e.altKey || !app.channel) return;
  if (e.target.closest?.('input, select, textarea, [contenteditable]')) return;
  setMuted(!app.muted);
});

navigator.mediaDevices?.addEventListener?.('devicechange', () => refreshDevices());

// A new network path (Wi-Fi ↔ mobile, VPN up) invalidates ICE candidates: restart ICE on
// every peer and skip the signalling backoff.
function onNetworkChange(reason) {
  sig.retryNow();
  app.voice?.restart(reason);
}
window.addEventListener('online', () => {
  ui.hideBanner('offline');
  onNetworkChange('online');
});
window.addEventListener('offline', () => ui.showBanner({ code: 'offline', kind: 'warning', ...messages.offline() }));
navigator.connection?.addEventListener?.('change', () => onNetworkChange('network-change'));

// Closing the socket right away tells the others we left, instead of after a timeout.
window.addEventListener('pagehide', () => sig.close());
window.addEventListener('pageshow', (e) => {
  if (e.persisted && app.creds) resumeSession(app.wantChannel);
});

setInterval(tick, 60);
setInterval(updateSoundNotice, 1000);

els.hand.addEventListener('click', () => raiseHand(!app.space?.self.hand));
ui.onFloorButton((member, grant) => setFloor(member, grant));

installApi({
  sig, audio, app, reporter,
  bannerCode: ui.bannerCode,
  actions: { signIn, signOut, join, leave, setMuted, selectMic, setVolume, setPosition, raiseHand, setFloor },
});

// ── start ──

function normaliseCreds({ account = '', password = '', token = '', name = '' } = {}) {
  const creds = { name: String(name ?? '').trim() };
  if (token) creds.token = String(token).trim();
  else Object.assign(creds, { account: String(account ?? '').trim(), password: String(password ?? '') });
  return creds;
}

function num(v, fallback) {
  const n = Number(v);
  return v === undefined || v === null || !Number.isFinite(n) ? fallback : n;
}

function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}

function round(v, digits) {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function sameCreds(a, b) {
  return !!a && a.token === b.token && a.account === b.account && a.password === b.password && a.name === b.name;
}

function flagEmptyFields() {
  let first = null;
  for (const input of [els.account, els.password]) {
    if (!input.value.trim()) {
      input.setAttribute('aria-invalid', 'true');
      first ??= input;
    }
  }
  if (first) {
    ui.showBanner({ code: 'form', kind: 'error', ...messages.emptyForm() });
    first.focus();
  }
}

function start() {
  if (!('RTCPeerConnection' in window) || !('WebSocket' in window) || !('AudioContext' in window)) {
    ui.showView('none');
    ui.showBanner({ code: 'unsupported', kind: 'error', ...messages.unsupported(), dismissible: false });
    return;
  }
  if (params.get('processing') === 'off') audio.processing = false; // raw mic, for tests and musicians
  els.account.value = params.get('account') ?? '';
  els.channel.value = params.get('channel') ?? '';
  els.name.value = params.get('name') ?? store.get('name') ?? '';
  ui.setMuted(false);
  ui.showConnection('idle');
  const token = params.get('token');
  if (token) {
    signIn({ token, name: els.name.value })
      .then((w) => join(w.channel || params.get('channel') || undefined))
      .catch(() => {});
  } else {
    ui.showView('signin');
    (els.account.value ? els.password : els.account).focus();
  }
}

start();

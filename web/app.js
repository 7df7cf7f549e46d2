// Entry point: wires the page together. The session's state machine (session.js) decides where
// we are and what follows; this file feeds it what the user (ui.js), the signalling socket
// (signalling.js) and the microphone (microphone.js) report, carries out its effects, hands
// the channel's server pushes to the call we are in (call.js), and installs window.webvox
// (api.js).

import { Signalling } from './signalling.js';
import { AudioEngine, FLOOR_DB } from './audio.js';
import { Devices } from './devices.js';
import { Session, normaliseCreds } from './session.js';
import { Call } from './call.js';
import { PositionReporter } from './position-reporter.js';
import { Announcer } from './announcements.js';
import { WebvoxError } from './errors.js';
import * as ui from './ui.js';
import { sessionBanner, joinErrorBanner } from './banners.js';
import { messages, connectingText } from './messages.js';
import { store, volumes } from './store.js';
import { installApi } from './api.js';

const params = new URLSearchParams(location.search);
const sig = new Signalling();
const audio = new AudioEngine();
const devices = new Devices({ params, audio, ui, store, call: () => call });
const mic = devices.mic;
const session = new Session((effect) => effects[effect.type](effect));
// Our position goes to the server at most 10/s and only when it changed noticeably.
const reporter = new PositionReporter((p) => sig.send({
  type: 'position', x: round(p.x, 3), y: round(p.y, 3), z: round(p.z, 3), yaw: round(p.yaw, 4),
}));
const minimap = ui.miniMap({ onMove: (p) => call?.moveSelf(p) });
const announcer = new Announcer((text) => ui.announce(text));
const ownPositions = new Map(); // channel URI → our last position there, kept across reconnects

let call = null; // the Call we are in
let signingIn = null; // the promise of the sign-in in flight
let leaving = null; // the promise of the server's answer to our last `leave`
const joins = new Map(); // join gen → {promise, resolve, reject} for the callers of join()

// ── the session's effects ──

const effects = {
  teardown() {
    endCall();
    mic.stop();
    ui.setMicMeter(FLOOR_DB);
  },
  endCall,
  enterCall({ joined }) {
    endCall();
    call = new Call({
      joined, welcome: sig.welcome, sig, audio, mic, ui, volumes, reporter, minimap, ownPositions, announcer,
    });
  },
  connect({ creds, attempt }) {
    ui.fillSignIn(creds);
    signingIn = sig.signIn(creds).then((welcome) => {
      dispatch({ type: 'welcome', attempt, welcome });
      return welcome;
    });
  },
  disconnect: () => sig.close(),
  signedIn({ welcome: w }) {
    ui.setSignedInAs(w.name, w.account);
    if (w.name) store.set('name', w.name);
    ui.hideBanner('unreachable');
    ui.lockChannel(w.channel ?? null); // a join link admits to its channel only
    devices.refresh();
  },
  joinStarted({ uri }) {
    // Inside the click's user activation, before any await. Only an existing context: creating
    // one is a synchronous round trip to the audio service, which must not hold up the click;
    // the microphone creates it right after getUserMedia, still under the page's activation.
    if (audio.ctx) audio.resume();
    ui.showJoining(uri);
  },
  openMic({ gen }) {
    devices.ensureMic().then(() => {
      audio.resume(); // creates the context when listen-only (no mic made one)
      dispatch({ type: 'micReady', gen });
    });
  },
  stopMic: () => mic.stop(),
  requestJoin({ uri, gen }) {
    sig.request({ type: 'join', channel: uri }).then(
      (msg) => dispatch({ type: 'joined', gen, msg }),
      (error) => dispatch({ type: 'joinFailed', gen, error }),
    );
  },
  requestLeave() {
    leaving = sig.request({ type: 'leave' }, { timeout: 5000 }).catch(() => {});
  },
  settle({ gen, value, error }) {
    const waiting = joins.get(gen);
    joins.delete(gen);
    if (error) waiting?.reject(error);
    else waiting?.resolve(value);
  },
  view({ name, focus }) {
    ui.showView(name);
    if (focus) ui.focusSignIn(focus);
  },
  connectingText: ({ reason }) => ui.setConnectingText(connectingText[reason]),
  banner: (b) => ui.showBanner(sessionBanner(b, actionsOnBanners)),
  hideBanner: ({ code }) => ui.hideBanner(code),
  joinError: ({ error, uri }) => ui.showBanner(joinErrorBanner(error, uri, sig.welcome?.channel, actionsOnBanners)),
  invalid({ what }) {
    if (what === 'channel') ui.flagChannel();
    else if (ui.flagEmptySignIn()) ui.showBanner({ code: 'form', kind: 'error', ...messages.emptyForm() });
  },
  clearPassword: () => ui.clearPassword(),
  forgetToken() {
    // Otherwise a reload would sign straight back in with the link.
    if (!params.has('token')) return;
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}`);
  },
};

const actionsOnBanners = {
  retryNow: () => sig.retryNow(),
  signOut: () => signOut(),
  resume: (channel) => resume(channel),
  join: (uri) => join(uri).catch(() => {}),
};

function dispatch(ev) {
  const result = session.dispatch(ev) ?? {};
  const s = session.state;
  ui.showConnection(sig.state, { retryIn: sig.retryIn, inChannel: !!s.channel });
  ui.setBusy('signin', s.phase === 'connecting');
  ui.setBusy('join', !!s.join?.user);
  return result;
}

function endCall() {
  call?.close();
  call = null;
  announcer.clear();
}

// ── what the page can do (the UI and window.webvox) ──

function signIn(input = {}, { force = false } = {}) {
  const r = dispatch({ type: 'signIn', creds: normaliseCreds(input), force });
  if (r.error) return Promise.reject(r.error);
  return r.pending === undefined ? Promise.resolve(r.value) : signingIn;
}

function signOut() {
  dispatch({ type: 'signOut' });
}

// uri: the channel field's, else the join link's channel.
function join(uri) {
  const r = dispatch({ type: 'join', uri: uri ?? (ui.channelValue() || sig.welcome?.channel || '') });
  if (r.error) return Promise.reject(r.error);
  if (r.pending === undefined) return Promise.resolve(r.value);
  let waiting = joins.get(r.pending);
  if (!waiting) {
    waiting = {};
    waiting.promise = new Promise((resolve, reject) => Object.assign(waiting, { resolve, reject }));
    joins.set(r.pending, waiting);
  }
  return waiting.promise;
}

// Leaving also releases the microphone, so the browser's recording indicator goes away.
async function leave() {
  leaving = null;
  dispatch({ type: 'leave' });
  await leaving;
}

// Signs in again (the server replaced this window, or the page came back from the cache) and
// goes back to `uri`.
async function resume(uri) {
  ui.hideBanner();
  const creds = session.state.creds;
  if (!creds) return ui.showView('signin');
  try {
    await signIn(creds, { force: true });
    if (uri) await join(uri);
  } catch {
    // shown already
  }
}

function setMuted(muted) {
  mic.setMuted(muted);
  ui.setMuted(mic.muted);
  call?.muted(mic.muted);
  return mic.muted;
}

const setVolume = (member, volume) => call?.setVolume(member, volume);
const raiseHand = (raised) => (call ? call.raiseHand(raised) : false);
const setFloor = (member, granted) => (call ? call.setFloor(member, granted) : false);

// Moves us and sends `position` at once (no movement threshold, but within the rate limit).
function setPosition(p) {
  if (!call) throw new WebvoxError('not_in_channel', 'not in a channel');
  return call.setPosition(p);
}

// ── every frame ──

function tick() {
  const localDb = audio.localLevel();
  if (ui.devicesShown()) ui.setMicMeter(mic.muted ? FLOOR_DB : localDb);
  call?.tick(performance.now(), localDb);
}

function updateSoundNotice() {
  ui.showSoundNotice(!!call && audio.paused);
}

// ── signalling ──

sig.addEventListener('state', (e) => dispatch({ type: 'connection', ...e.detail }));
sig.addEventListener('reconnected', (e) => dispatch({ type: 'reconnected', welcome: e.detail }));
sig.addEventListener('removed', (e) => dispatch({ type: 'removed', channel: e.detail.channel, reason: e.detail.reason, retryAfter: e.detail.retryAfter }));
sig.addEventListener('fatal', (e) => dispatch({ type: 'fatal', code: e.detail.code, retryAfter: e.detail.retryAfter }));
sig.addEventListener('member-joined', (e) => call?.memberJoined(e.detail.member));
sig.addEventListener('member-left', (e) => call?.memberLeft(e.detail.member));
sig.addEventListener('member-state', (e) => call?.memberState(e.detail));
sig.addEventListener('positions', (e) => call?.positions(e.detail));
sig.addEventListener('slots', (e) => call?.slots(e.detail));
sig.addEventListener('forwarding', (e) => call?.forwarding(e.detail));
sig.addEventListener('signal', (e) => call?.signal(e.detail.from, e.detail.data));
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

// ── the user, the browser ──

ui.bind({
  signIn: (form) => signIn(form).catch(() => {}),
  join: (uri) => join(uri).catch(() => {}),
  leave: () => leave(),
  toggleMute: () => setMuted(!mic.muted),
  muteKey: () => call && setMuted(!mic.muted),
  signOut: () => signOut(),
  cancel: () => signOut(),
  enableSound: () => audio.resume().then(updateSoundNotice),
  allowMic: () => devices.ensureMic(),
  selectMic: (deviceId) => devices.selectMic(deviceId).catch(() => {}),
  selectSpeaker: (deviceId) => devices.selectSpeaker(deviceId),
  hand: () => call && raiseHand(!call.space.self.hand),
  floor: (member, grant) => setFloor(member, grant),
  gesture: () => {
    if (audio.ctx?.state === 'suspended') audio.resume().then(updateSoundNotice);
  },
});

navigator.mediaDevices?.addEventListener?.('devicechange', () => devices.refresh());

// A new network path (Wi-Fi ↔ mobile, VPN up) invalidates ICE candidates: restart ICE on
// every peer and skip the signalling backoff.
function onNetworkChange(reason) {
  sig.retryNow();
  call?.restart(reason);
}
window.addEventListener('online', () => {
  ui.hideBanner('offline');
  onNetworkChange('online');
});
window.addEventListener('offline', () => ui.showBanner({ code: 'offline', kind: 'warning', ...messages.offline() }));
navigator.connection?.addEventListener?.('change', () => onNetworkChange('network-change'));

// Closing the socket right away tells the others we left, instead of after a timeout.
window.addEventListener('pagehide', () => dispatch({ type: 'suspend' }));
window.addEventListener('pageshow', (e) => {
  if (e.persisted && session.state.creds) resume(session.state.target);
});

setInterval(tick, 60);
setInterval(updateSoundNotice, 1000);

installApi({
  sig, audio, mic, session, call: () => call, reporter, minimap, bannerCode: ui.bannerCode,
  actions: {
    signIn: (input) => signIn(input), signOut, join, leave, setMuted, selectMic: (id) => devices.selectMic(id), setVolume, setPosition, raiseHand, setFloor,
  },
});

// ── start ──

function round(v, digits) {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function start() {
  if (!('RTCPeerConnection' in window) || !('WebSocket' in window) || !('AudioContext' in window)) {
    ui.showView('none');
    ui.showBanner({ code: 'unsupported', kind: 'error', ...messages.unsupported(), dismissible: false });
    return;
  }
  ui.prefill({ account: params.get('account') ?? '', channel: params.get('channel') ?? '', name: params.get('name') ?? store.get('name') ?? '' });
  ui.setMuted(false);
  ui.showConnection('idle');
  const token = params.get('token');
  if (token) {
    signIn({ token, name: ui.nameValue() })
      .then((w) => join(w.channel || params.get('channel') || undefined))
      .catch(() => {});
  } else {
    ui.showView('signin');
    ui.focusSignIn('first');
  }
}

start();

// The page: the only module that touches the document. Knows nothing about the protocol:
// app.js decides what to show and binds what the user does (bind()); this module decides how
// it looks and reads the forms. The mini-map draws on the canvas this module gives it.

import { MiniMap } from './minimap.js';

const $ = (sel, root = document) => root.querySelector(sel);

const els = {
  conn: $('[data-testid="signalling-status"]'),
  connLabel: $('.conn-label'),
  banner: $('#banner'),
  bannerTitle: $('#banner .banner-title'),
  bannerText: $('#banner .banner-text'),
  bannerActions: $('#banner .banner-actions'),
  bannerClose: $('#banner .banner-close'),
  views: {
    signin: $('#view-signin'),
    connecting: $('#view-connecting'),
    lobby: $('#view-lobby'),
    call: $('#view-call'),
  },
  signinForm: $('#signin-form'),
  account: $('#signin-account'),
  password: $('#signin-password'),
  name: $('#signin-name'),
  signinSubmit: $('[data-testid="signin-submit"]'),
  connectingText: $('#connecting-text'),
  connectingCancel: $('#connecting-cancel'),
  whoami: $('#whoami'),
  lobbyAvatar: $('#lobby-avatar'),
  signout: $('#signout'),
  joinForm: $('#join-form'),
  channel: $('#channel-input'),
  joinButton: $('#join-button'),
  callTitle: $('#call-title'),
  callCount: $('#call-count'),
  mute: $('#mute-button'),
  muteLabel: $('#mute-button .mute-label'),
  leave: $('#leave-button'),
  soundNotice: $('#sound-notice'),
  soundEnable: $('#sound-enable'),
  participants: $('#participants'),
  devices: $('#devices'),
  micSelect: $('#mic-select'),
  micMeter: $('#mic-meter'),
  micAllow: $('#mic-allow'),
  speakerField: $('#speaker-field'),
  speakerSelect: $('#speaker-select'),
  template: $('#participant-template'),
  floorNotice: $('#floor-notice'),
  floorText: $('#floor-text'),
  hand: $('#hand-button'),
  space: $('#space'),
  minimap: $('#minimap'),
  minimapHint: $('#minimap-hint'),
  minimapSummary: $('#minimap-summary'),
  spaceNote: $('#space-note'),
  announcer: $('#announcer'),
};

const CONN_LABELS = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  'signed-in': 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
};

export function showConnection(state, { retryIn = 0, inChannel = false } = {}) {
  els.conn.dataset.state = state;
  let label = CONN_LABELS[state] ?? state;
  if (state === 'signed-in' && inChannel) label = 'Connected · in channel';
  if (state === 'reconnecting' && retryIn > 1500) label = `Reconnecting in ${Math.round(retryIn / 1000)} s…`;
  els.connLabel.textContent = label;
}

export function showView(name) {
  for (const [key, el] of Object.entries(els.views)) el.hidden = key !== name;
  els.devices.hidden = !(name === 'lobby' || name === 'call');
}

// kind: 'error' | 'warning' | 'info'. code goes to data-code so tests and styles can tell
// messages apart without parsing text.
// dismissible: false for messages that are the only thing on screen (closing them would
// leave an empty page).
export function showBanner({ code = '', title, text = '', kind = 'error', actions = [], dismissible = true }) {
  const b = els.banner;
  els.bannerClose.hidden = !dismissible;
  b.dataset.code = code;
  b.dataset.kind = kind;
  b.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  els.bannerTitle.textContent = title;
  els.bannerText.textContent = text;
  els.bannerActions.replaceChildren(
    ...actions.map(({ label, onClick, primary }) => {
      const btn = document.createElement('button');
      btn.type = 'button';
      btn.className = `button small${primary ? ' primary' : ''}`;
      btn.textContent = label;
      btn.addEventListener('click', onClick);
      return btn;
    }),
  );
  b.hidden = false;
}

export function hideBanner(code) {
  if (code !== undefined && els.banner.dataset.code !== code) return;
  els.banner.hidden = true;
  els.banner.dataset.code = '';
}

export function bannerCode() {
  return els.banner.hidden ? null : els.banner.dataset.code;
}

// What the user does, as calls to app.js: handlers {signIn({account, password, name}),
// join(uri), leave(), toggleMute(), muteKey(), signOut(), cancel(), enableSound(), allowMic(),
// selectMic(deviceId), selectSpeaker(deviceId), hand(), floor(member, grant), gesture()}.
export function bind(h) {
  els.signinForm.addEventListener('submit', (e) => {
    e.preventDefault();
    h.signIn(readSignIn());
  });
  els.joinForm.addEventListener('submit', (e) => {
    e.preventDefault();
    h.join(els.channel.value);
  });
  els.leave.addEventListener('click', () => h.leave());
  els.mute.addEventListener('click', () => h.toggleMute());
  els.signout.addEventListener('click', () => h.signOut());
  els.connectingCancel.addEventListener('click', () => h.cancel());
  els.bannerClose.addEventListener('click', () => hideBanner());
  els.soundEnable.addEventListener('click', () => h.enableSound());
  els.micAllow.addEventListener('click', () => h.allowMic());
  els.micSelect.addEventListener('change', () => h.selectMic(els.micSelect.value));
  els.speakerSelect.addEventListener('change', () => h.selectSpeaker(els.speakerSelect.value));
  els.hand.addEventListener('click', () => h.hand());
  floorHandler = h.floor;
  for (const input of [els.account, els.password, els.channel]) {
    input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
  }
  // Any gesture is a chance to unblock audio the browser held back.
  for (const type of ['pointerdown', 'keydown']) {
    document.addEventListener(type, () => h.gesture(), { capture: true, passive: true });
  }
  // M mutes and unmutes, except while typing.
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'm' && e.key !== 'M') return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.closest?.('input, select, textarea, [contenteditable]')) return;
    h.muteKey();
  });
}

// The map of a positional channel, on its canvas; onMove({x, y, yaw}) when the user moves us.
export function miniMap({ onMove }) {
  return new MiniMap(els.minimap, { summary: els.minimapSummary, onMove });
}

// ── forms ──

export function readSignIn() {
  return { account: els.account.value, password: els.password.value, name: els.name.value };
}

// Shows what we sign in with: the account form's fields (a join link has none), the name.
export function fillSignIn({ account, password, name, token }) {
  if (!token) {
    els.account.value = account;
    els.password.value = password;
  }
  if (name) els.name.value = name;
}

// Start-up: the fields the page URL (or a remembered name) prefills.
export function prefill({ account = '', channel = '', name = '' }) {
  els.account.value = account;
  els.channel.value = channel;
  els.name.value = name;
}

export function nameValue() {
  return els.name.value;
}

export function channelValue() {
  return els.channel.value.trim();
}

// A join began: the field shows its channel (a join link's channel stays as it is).
export function showJoining(uri) {
  if (!els.channel.readOnly) els.channel.value = uri;
  els.channel.removeAttribute('aria-invalid');
}

// A join link admits to exactly one channel: the field shows it, locked. null: free choice.
export function lockChannel(channel) {
  if (channel) els.channel.value = channel;
  els.channel.readOnly = !!channel;
}

// Marks the empty ones of account and password and focuses the first; false when both are
// filled in (the form was not what was wrong).
export function flagEmptySignIn() {
  let first = null;
  for (const input of [els.account, els.password]) {
    if (!input.value.trim()) {
      input.setAttribute('aria-invalid', 'true');
      first ??= input;
    }
  }
  first?.focus();
  return !!first;
}

export function flagChannel() {
  els.channel.setAttribute('aria-invalid', 'true');
  els.channel.focus();
}

export function clearPassword() {
  els.password.value = '';
}

// focus: 'account' | 'password' (selected, to type it again) | 'first' (the first empty one).
export function focusSignIn(focus) {
  if (focus === 'password') {
    els.password.select();
    els.password.focus();
  } else if (focus === 'account') {
    els.account.focus();
  } else if (focus === 'first') {
    (els.account.value ? els.password : els.account).focus();
  }
}

export function setConnectingText(text) {
  els.connectingText.textContent = text;
}

// which: 'signin' | 'join'.
export function setBusy(which, busy) {
  const button = which === 'signin' ? els.signinSubmit : els.joinButton;
  if (button.disabled === busy) return;
  button.disabled = busy;
  if (busy) button.setAttribute('aria-busy', 'true');
  else button.removeAttribute('aria-busy');
}

export function setSignedInAs(name, account) {
  els.whoami.textContent = name || account;
  els.whoami.title = account;
  paintAvatar(els.lobbyAvatar, name || account, account);
}

export function setMuted(muted) {
  els.mute.setAttribute('aria-pressed', String(muted));
  els.muteLabel.textContent = muted ? 'Unmute' : 'Mute';
  els.mute.title = `${muted ? 'Unmute' : 'Mute'} (M)`;
}

export function setCallTitle(channel, count) {
  els.callTitle.textContent = prettyChannel(channel);
  els.callTitle.title = channel;
  els.callCount.textContent = count === 1 ? 'Just you so far' : `${count} people`;
}

function fillSelect(select, devices, selected, fallbackLabel) {
  const options = devices.map(({ deviceId, label }) => new Option(label, deviceId));
  if (!options.length) options.push(new Option(fallbackLabel, ''));
  select.replaceChildren(...options);
  if (selected && devices.some((d) => d.deviceId === selected)) select.value = selected;
}

// 0…1 from a dBFS level; -60 dB and below reads as empty.
export function levelFraction(db) {
  return Math.max(0, Math.min(1, (db + 60) / 50));
}

export function devicesShown() {
  return !els.devices.hidden;
}

// The device pickers: inputs / outputs [{deviceId, label}] (an empty list: only "Default"),
// the selected ones, whether to offer the button that asks for the microphone (to learn the
// devices' names), whether the browser can choose the speaker at all.
export function showDevices({ inputs, mic, allowMic, outputs, speaker, canPickSpeaker }) {
  fillSelect(els.micSelect, inputs, mic, 'Default microphone');
  els.micAllow.hidden = !allowMic;
  els.speakerField.hidden = !canPickSpeaker;
  if (canPickSpeaker) fillSelect(els.speakerSelect, outputs, speaker, 'Default speaker');
}

export function showSoundNotice(show) {
  els.soundNotice.hidden = !show;
}

// The polite live region: screen readers read `text` once they are done with what they are
// saying. The same text twice in a row is still read (a space makes it a change).
export function announce(text) {
  const el = els.announcer;
  el.textContent = el.textContent === text ? `${text}\u00a0` : text;
}

export function setMicMeter(db) {
  const t = `scaleX(${(Math.round(levelFraction(db) * 50) / 50).toFixed(2)})`;
  if (els.micMeter.style.transform !== t) els.micMeter.style.transform = t;
}

// ── participant rows ──

const rows = new Map(); // member id → li

export function upsertParticipant(p, { self = false, onVolume } = {}) {
  let li = rows.get(p.member);
  if (!li) {
    li = els.template.content.firstElementChild.cloneNode(true);
    li.dataset.member = p.member;
    li.dataset.speaking = 'false';
    if (self) {
      li.classList.add('self');
      li.dataset.self = 'true';
    }
    li.querySelector('.floor-button').addEventListener('click', (e) => {
      floorHandler?.(p.member, e.currentTarget.dataset.grant === 'true');
    });
    const range = li.querySelector('input[type="range"]');
    const out = li.querySelector('.volume-value');
    range.addEventListener('input', () => {
      out.value = `${range.value}%`;
      range.setAttribute('aria-valuetext', `${range.value} percent`);
      onVolume?.(Number(range.value) / 100);
    });
    rows.set(p.member, li);
    if (self) els.participants.prepend(li);
    else els.participants.append(li);
  }
  const display = p.name || p.account;
  li.dataset.account = p.account;
  li.querySelector('.name').textContent = display;
  if (self) {
    const tag = document.createElement('span');
    tag.className = 'you-tag';
    tag.textContent = '(you)';
    li.querySelector('.name').append(tag);
  }
  li.querySelector('.account').textContent = p.name && p.name !== p.account ? p.account : '';
  li.querySelector('.account').title = p.account;
  li.querySelector('.volume-label').textContent = `Volume for ${display}`;
  paintAvatar(li.querySelector('.avatar'), display, p.account);
  li.classList.toggle('muted', !!p.muted);
  li.dataset.muted = String(!!p.muted);
  if (p.volume !== undefined) {
    const range = li.querySelector('input[type="range"]');
    range.value = String(Math.round(p.volume * 100));
    li.querySelector('.volume-value').value = `${range.value}%`;
  }
  return li;
}

// ── floor, roles and range (moderated and positional channels) ──

let floorHandler = null; // bind()'s floor(member, grant): a moderator pressed a row's button

// role, floor (may speak), hand (raised), audible (we hear them; false greys the row), and
// canGrant: this page is a moderator in a moderated channel, so the row gets a floor button.
export function setMemberSpace(member, { role, floor, hand, audible, canGrant, name }) {
  const li = rows.get(member);
  if (!li) return;
  setData(li, 'role', role);
  setData(li, 'floor', String(floor !== false));
  setData(li, 'hand', String(!!hand));
  setData(li, 'audible', String(audible !== false));
  const btn = li.querySelector('.floor-button');
  const show = !!canGrant && role !== 'moderator';
  btn.hidden = !show;
  if (show) {
    const grant = floor === false;
    btn.dataset.grant = String(grant);
    const text = grant ? 'Give the floor' : 'Take the floor';
    if (btn.textContent !== text) btn.textContent = text;
    btn.setAttribute('aria-label', `${grant ? 'Let' : 'Stop'} ${name || 'them'} ${grant ? 'speak' : 'speaking'}`);
  }
}

// What the channel's mode means for us: shown only when it limits who speaks.
// state: {moderated, mode, floor, hand, moderator}.
export function showFloor({ moderated, mode, floor, hand, moderator }) {
  const n = els.floorNotice;
  n.hidden = !moderated;
  if (!moderated) return;
  n.dataset.floor = String(floor);
  let text;
  if (moderator) text = `You moderate this ${mode} channel: you can give people the floor.`;
  else if (floor) text = 'You have the floor: the channel hears you.';
  else if (hand) text = `Your hand is raised. A moderator can give you the floor; until then nobody hears you (${mode} channel).`;
  else text = `Only people with the floor are heard here (${mode} channel), so nobody hears you now. Raise your hand to ask.`;
  if (els.floorText.textContent !== text) els.floorText.textContent = text;
  els.hand.hidden = moderator || floor;
  els.hand.setAttribute('aria-pressed', String(!!hand));
  els.hand.textContent = hand ? 'Lower hand' : 'Raise hand';
}

// positional: show the map (and hide the note); draggable false: the world places us.
export function showSpace({ inChannel, positional, draggable }) {
  els.space.hidden = !(inChannel && positional);
  els.spaceNote.hidden = !(inChannel && !positional);
  if (!positional) return;
  els.minimap.dataset.draggable = String(draggable);
  const hint = draggable
    ? 'Drag yourself on the map, or focus it and use the arrow keys to move (Shift: 5 m) and Q / E to turn.'
    : 'Your avatar in-world places you here: move it to move.';
  if (els.minimapHint.textContent !== hint) els.minimapHint.textContent = hint;
}

function setData(el, key, value) {
  if (value === undefined) return;
  if (el.dataset[key] !== value) el.dataset[key] = value;
}

export function setSpeaking(member, speaking) {
  const li = rows.get(member);
  if (!li || li.classList.contains('speaking') === speaking) return;
  li.classList.toggle('speaking', speaking);
  li.dataset.speaking = String(speaking);
}

const PEER_LABELS = {
  new: 'connecting…',
  connecting: 'connecting…',
  connected: 'connected',
  disconnected: 'connection unstable…',
  failed: "can't reach — retrying",
  closed: 'disconnected',
  waiting: 'waiting for their offer…',
};

export function setPeerState(member, state) {
  const li = rows.get(member);
  if (!li) return;
  const el = li.querySelector('.peer-state');
  el.dataset.state = state;
  li.dataset.connectionState = state;
  el.textContent = PEER_LABELS[state] ?? state;
}

export function removeParticipant(member) {
  rows.get(member)?.remove();
  rows.delete(member);
}

export function clearParticipants() {
  rows.clear();
  els.participants.replaceChildren();
}

function paintAvatar(el, display, account) {
  const initials = (display || '?')
    .split(/[\s._-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => [...w][0].toUpperCase())
    .join('') || '?';
  const target = el.querySelector('.initials') ?? el;
  target.textContent = initials;
  el.style.setProperty('--hue', String(hash(account || display) % 360));
}

function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

// "sip:confctl-1001@voice.example.org" reads better as "confctl-1001 · voice.example.org".
function prettyChannel(uri) {
  const m = /^sip:([^@]+)@(.+)$/.exec(uri || '');
  return m ? `${m[1]} · ${m[2]}` : uri || '';
}

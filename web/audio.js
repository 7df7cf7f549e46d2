// Remote playback with per-person gain, and level analysis (the microphone's level too; the
// microphone itself is microphone.js).
//
// One AudioContext for everything. Each remote stream (a mesh peer's, or a server-forwarded
// receive slot's, played as the member on it) is played through WebAudio:
//
//   source ─┬─ analyser ("received": what the peer sent; speaking detection)
//           └─ placement gain → panner → volume gain ─┬─ destination
//                                                     └─ splitter → analyser L, analyser R ("heard")
//
// The placement gain is the positional gain (distance, channel mode; 0 when not audible),
// the panner only the direction: a StereoPannerNode, whose equal-power law keeps
// L² + R² equal to the mono input's power at every pan, so it adds no attenuation of its own
// (a PannerNode's distance models could not express the spec's curves anyway). The volume
// gain is the listener's own per-person setting. "Heard" levels are read as the power summed
// over both ears, so they differ from "received" by exactly the placement gain times the
// volume, wherever the speaker stands.

const REMOTE_FFT = 8192; // ~5.9 Hz bins at 48 kHz: enough to tell test tones apart
const HEARD_FFT = 2048; // level only (no spectrum): ~43 ms of the output per read
// Time constant of gain and pan changes: smooth enough that 10 position updates a second
// glide instead of stepping (no clicks), quick enough to follow a walk.
const RAMP_S = 0.03;
const LOCAL_FFT = 2048; // short window keeps the local speaking indicator snappy
const FLOOR_DB = -200; // stands in for -Infinity (silence) so results survive JSON

export class AudioEngine {
  constructor() {
    this.ctx = null;
    this._local = null; // {source, analyser, buf}
    this._remotes = new Map(); // member → {stream, el, source, analyser, place, panner, gain, heard, buf, freq}
    this._volumes = new Map(); // member → 0…2, kept across stream replacements
    this._placements = new Map(); // member → {gain 0…1, pan −1…1}, likewise
    this._slots = new Map(); // receive slot mid → chain (as in _remotes, plus slot and member)
  }

  context() {
    if (!this.ctx) {
      this.ctx = new AudioContext({ latencyHint: 'interactive' });
    }
    return this.ctx;
  }

  // Safe to call any time; browsers only honour it after a user gesture (or with an
  // autoplay policy that allows it), so the app calls it from every gesture it sees.
  resume() {
    const ctx = this.context();
    if (ctx.state === 'suspended') return ctx.resume().catch(() => {});
    return Promise.resolve();
  }

  get suspended() {
    return !this.ctx || this.ctx.state !== 'running';
  }

  // The browser holds back sound it would play (autoplay policy): a gesture must resume it.
  get paused() {
    return !!this.ctx && this.ctx.state !== 'running';
  }

  get canPickOutput() {
    return typeof AudioContext.prototype.setSinkId === 'function';
  }

  async setOutput(deviceId) {
    const ctx = this.context();
    if (typeof ctx.setSinkId === 'function') await ctx.setSinkId(deviceId === 'default' ? '' : deviceId);
  }

  addRemote(member, stream) {
    this.removeRemote(member);
    const placement = this._placements.get(member) ?? { gain: 1, pan: 0 };
    const r = this._playChain(stream, placement, this._volumes.get(member) ?? 1);
    r.member = member;
    this._remotes.set(member, r);
    this.resume();
  }

  removeRemote(member) {
    const r = this._remotes.get(member);
    if (!r) return;
    if (r.slot) {
      // A slot outlives whoever is on it: only silence it until the server puts someone there.
      this._assign(r, null);
      return;
    }
    this._stopChain(r);
    this._remotes.delete(member);
  }

  // ── receive slots (server-forwarded voice, web/sfu.js) ──
  //
  // A slot's stream carries whichever member the server put on it. It keeps one chain for its
  // lifetime (media element, source, analysers) and re-targets that chain's gain, pan and
  // volume to the member now on it, ramped like any placement change, so a new speaker or an
  // emptied slot fades instead of clicking and no graph is rebuilt per change. While a member
  // is on a slot, every per-member call (levels, placement, volume) reaches that chain.

  // Plays `stream` as receive slot `mid` (silent until assigned). The same stream again is a
  // no-op; another stream replaces the slot's chain.
  setSlotStream(mid, stream) {
    const old = this._slots.get(mid);
    if (old?.stream === stream) return;
    if (old) this.removeSlot(mid);
    const r = this._playChain(stream, { gain: 0, pan: 0 }, 1);
    Object.assign(r, { slot: mid, member: null });
    this._slots.set(mid, r);
    this.resume();
  }

  // Who is heard on slot `mid` now (null: nobody).
  assignSlot(mid, member) {
    const r = this._slots.get(mid);
    if (r) this._assign(r, member ?? null);
  }

  removeSlot(mid) {
    const r = this._slots.get(mid);
    if (!r) return;
    if (r.member && this._remotes.get(r.member) === r) this._remotes.delete(r.member);
    this._stopChain(r);
    this._slots.delete(mid);
  }

  slotMids() {
    return [...this._slots.keys()];
  }

  _assign(r, member) {
    if (r.member === member) return;
    if (r.member && this._remotes.get(r.member) === r) this._remotes.delete(r.member);
    if (member) {
      // A member is heard on one slot at a time: moving to another silences the old one.
      const other = this._remotes.get(member);
      if (other?.slot) this._assign(other, null);
      else if (other) this.removeRemote(member);
      this._remotes.set(member, r);
    }
    r.member = member;
    const placement = member ? this.placement(member) : { gain: 0, pan: r.panner.pan.value };
    const t = this.ctx.currentTime;
    r.place.gain.setTargetAtTime(placement.gain, t, RAMP_S);
    r.panner.pan.setTargetAtTime(placement.pan, t, RAMP_S);
    r.gain.gain.setTargetAtTime(member ? this._volumes.get(member) ?? 1 : 1, t, RAMP_S);
  }

  // source → analyser, and source → placement gain → panner → volume → speakers (+ heard
  // analysers): one remote stream's playback.
  _playChain(stream, placement, volume) {
    const ctx = this.context();
    // Chromium feeds a remote WebRTC stream into WebAudio only while some media element is
    // also consuming it; the element stays muted because playback goes through the graph.
    const el = new Audio();
    el.srcObject = stream;
    el.muted = true;
    el.play().catch(() => {});
    const source = ctx.createMediaStreamSource(stream);
    const analyser = ctx.createAnalyser();
    analyser.fftSize = REMOTE_FFT;
    analyser.smoothingTimeConstant = 0.5;
    // Voice is mono; a decoder may hand us the same signal on two channels. Mixing down to one
    // before the panner makes the pan law (and so the heard level) the same either way.
    const place = new GainNode(ctx, { gain: placement.gain, channelCount: 1, channelCountMode: 'explicit', channelInterpretation: 'speakers' });
    const panner = new StereoPannerNode(ctx, { pan: placement.pan });
    const gain = ctx.createGain();
    gain.gain.value = volume;
    const splitter = ctx.createChannelSplitter(2);
    const heard = [0, 1].map(() => {
      const a = ctx.createAnalyser();
      a.fftSize = HEARD_FFT;
      return a;
    });
    source.connect(analyser);
    source.connect(place).connect(panner).connect(gain).connect(ctx.destination);
    gain.connect(splitter);
    splitter.connect(heard[0], 0);
    splitter.connect(heard[1], 1);
    return {
      stream, el, source, analyser, place, panner, gain, splitter, heard,
      buf: new Float32Array(analyser.fftSize),
      heardBuf: new Float32Array(HEARD_FFT),
      freq: new Float32Array(analyser.frequencyBinCount),
    };
  }

  _stopChain(r) {
    r.source.disconnect();
    r.place.disconnect();
    r.panner.disconnect();
    r.gain.disconnect();
    r.splitter.disconnect();
    r.el.pause();
    r.el.srcObject = null;
  }

  removeAllRemotes() {
    this.removeAllStreams();
    this._volumes.clear();
    this._placements.clear();
  }

  // Stops playing every remote stream and slot but keeps each member's volume and placement,
  // for the streams of a new transport (a channel switching between mesh and forwarded).
  removeAllStreams() {
    for (const mid of [...this._slots.keys()]) this.removeSlot(mid);
    for (const member of [...this._remotes.keys()]) this.removeRemote(member);
  }

  forget(member) {
    this.removeRemote(member);
    this._volumes.delete(member);
    this._placements.delete(member);
  }

  hasRemote(member) {
    return this._remotes.has(member);
  }

  // 0 … 2 (100 % = as sent). Ramped to avoid a click when dragging the slider.
  setVolume(member, volume) {
    this._volumes.set(member, volume);
    const r = this._remotes.get(member);
    if (!r) return;
    r.gain.gain.setTargetAtTime(volume, this.ctx.currentTime, 0.02);
  }

  // Where a member sounds from: gain 0…1 (distance, channel mode; 0 = not heard) and pan
  // −1 (left) … +1 (right). Ramped, so moving around never clicks.
  setPlacement(member, { gain, pan }) {
    const last = this._placements.get(member);
    if (last && last.gain === gain && last.pan === pan) return;
    this._placements.set(member, { gain, pan });
    const r = this._remotes.get(member);
    if (!r) return;
    const t = this.ctx.currentTime;
    r.place.gain.setTargetAtTime(gain, t, RAMP_S);
    r.panner.pan.setTargetAtTime(pan, t, RAMP_S);
  }

  placement(member) {
    return this._placements.get(member) ?? { gain: 1, pan: 0 };
  }

  // What the listener hears of a member, in dBFS: the power of both output channels together,
  // after placement, direction and volume. Silence reads as FLOOR_DB.
  heardLevel(member) {
    const r = this._remotes.get(member);
    if (!r) return FLOOR_DB;
    let power = 0;
    for (const a of r.heard) power += meanSquare(a, r.heardBuf);
    return power > 0 ? Math.max(FLOOR_DB, 10 * Math.log10(power)) : FLOOR_DB;
  }

  // RMS level in dBFS of the local mic (after mute: a muted track reads as silence).
  localLevel() {
    return this._local ? rmsDb(this._local.analyser, this._local.buf) : FLOOR_DB;
  }

  remoteLevel(member) {
    const r = this._remotes.get(member);
    return r ? rmsDb(r.analyser, r.buf) : FLOOR_DB;
  }

  // Dominant frequency and its level on a member's incoming audio, before their gain.
  remotePeak(member) {
    const r = this._remotes.get(member);
    if (!r) return null;
    return spectrumPeak(r.analyser, r.freq);
  }

  localPeak() {
    if (!this._local) return null;
    return spectrumPeak(this._local.analyser, this._local.freq);
  }

  close() {
    this.detachLocal();
    this.removeAllRemotes();
  }

  // The microphone's stream (or null: none), for localLevel() and localPeak().
  setLocal(stream) {
    this.detachLocal();
    if (!stream) return;
    const ctx = this.context();
    const source = ctx.createMediaStreamSource(stream);
    const analyser = ctx.createAnalyser();
    analyser.fftSize = LOCAL_FFT;
    analyser.smoothingTimeConstant = 0.3;
    source.connect(analyser); // not to the destination: nobody wants to hear themselves
    this._local = {
      source, analyser,
      buf: new Float32Array(analyser.fftSize),
      freq: new Float32Array(analyser.frequencyBinCount),
    };
  }

  detachLocal() {
    if (this._local) this._local.source.disconnect();
    this._local = null;
  }
}

// Hysteresis plus a short hang time, so the indicator neither flickers between words nor
// lights up on background hiss.
export class SpeakingDetector {
  constructor({ onDb = -50, offDb = -56, hangMs = 350 } = {}) {
    Object.assign(this, { onDb, offDb, hangMs, speaking: false, lastLoud: -Infinity });
  }
  update(db, now = performance.now()) {
    if (db > (this.speaking ? this.offDb : this.onDb)) this.lastLoud = now;
    this.speaking = now - this.lastLoud < this.hangMs;
    return this.speaking;
  }
}

function meanSquare(analyser, buf) {
  analyser.getFloatTimeDomainData(buf);
  let sum = 0;
  for (let i = 0; i < buf.length; i++) sum += buf[i] * buf[i];
  return sum / buf.length;
}

function rmsDb(analyser, buf) {
  const ms = meanSquare(analyser, buf);
  return ms > 0 ? Math.max(FLOOR_DB, 10 * Math.log10(ms)) : FLOOR_DB;
}

function spectrumPeak(analyser, freq) {
  analyser.getFloatFrequencyData(freq);
  const binHz = analyser.context.sampleRate / analyser.fftSize;
  const first = Math.max(1, Math.ceil(40 / binHz)); // skip DC and sub-audio rumble
  let best = first;
  for (let i = first + 1; i < freq.length; i++) if (freq[i] > freq[best]) best = i;
  const peak = freq[best];
  if (!Number.isFinite(peak)) return { peakHz: 0, peakDb: FLOOR_DB };
  // Parabolic interpolation over the neighbouring bins refines the estimate to a fraction
  // of a bin.
  let offset = 0;
  const a = freq[best - 1], c = freq[best + 1];
  if (Number.isFinite(a) && Number.isFinite(c)) {
    const denom = a - 2 * peak + c;
    if (denom < 0) offset = Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / denom));
  }
  return {
    peakHz: Math.round((best + offset) * binHz * 10) / 10,
    peakDb: Math.round(Math.max(FLOOR_DB, peak) * 10) / 10,
  };
}

export { FLOOR_DB };

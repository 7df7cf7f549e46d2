// Microphone capture, remote playback with per-person gain, and level analysis.
//
// One AudioContext for everything. Remote streams are played through WebAudio
// (source → gain → destination) so each person gets a volume control; each also feeds an
// AnalyserNode *before* the gain, so what we measure is what the peer sent, not what the
// listener chose to hear.

const REMOTE_FFT = 8192; // ~5.9 Hz bins at 48 kHz: enough to tell test tones apart
const LOCAL_FFT = 2048; // short window keeps the local speaking indicator snappy
const FLOOR_DB = -200; // stands in for -Infinity (silence) so results survive JSON

export class MicError extends Error {
  constructor(kind, cause) {
    super(cause?.message || kind);
    this.name = 'MicError';
    this.kind = kind; // 'denied' | 'no-device' | 'busy' | 'gone' | 'insecure' | 'unknown'
    this.cause = cause;
  }
}

export class AudioEngine {
  constructor() {
    this.ctx = null;
    this.micStream = null;
    this.deviceId = '';
    this.muted = false;
    this.processing = true;
    this._local = null; // {source, analyser, buf}
    this._remotes = new Map(); // member → {stream, el, source, analyser, gain, buf, freq}
    this._volumes = new Map(); // member → 0…2, kept across stream replacements
  }

  get track() {
    return this.micStream?.getAudioTracks()[0] ?? null;
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

  // Opens (or switches to) a microphone. Resolves with the new track; the caller swaps it
  // into the peer connections. The previous stream is stopped only once the new one works,
  // so a failed switch leaves the old mic running.
  async openMic(deviceId = this.deviceId) {
    if (!navigator.mediaDevices?.getUserMedia) {
      throw new MicError(window.isSecureContext ? 'unknown' : 'insecure');
    }
    const audio = {
      echoCancellation: this.processing,
      noiseSuppression: this.processing,
      autoGainControl: this.processing,
      channelCount: 1,
    };
    if (deviceId) audio.deviceId = { exact: deviceId };
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio, video: false });
    } catch (err) {
      throw new MicError(micErrorKind(err), err);
    }
    const old = this.micStream;
    this.micStream = stream;
    const track = this.track;
    track.enabled = !this.muted;
    this.deviceId = track.getSettings().deviceId || deviceId || '';
    this._attachLocal();
    if (old) for (const t of old.getTracks()) t.stop();
    return track;
  }

  stopMic() {
    if (this.micStream) for (const t of this.micStream.getTracks()) t.stop();
    this.micStream = null;
    this._detachLocal();
  }

  setMuted(muted) {
    this.muted = muted;
    if (this.track) this.track.enabled = !muted;
  }

  async listDevices() {
    if (!navigator.mediaDevices?.enumerateDevices) return { inputs: [], outputs: [] };
    const all = await navigator.mediaDevices.enumerateDevices();
    const pick = (kind) =>
      all
        .filter((d) => d.kind === kind && d.deviceId !== 'communications')
        .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `${kind === 'audioinput' ? 'Microphone' : 'Speaker'} ${i + 1}` }));
    return { inputs: pick('audioinput'), outputs: pick('audiooutput') };
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
    const gain = ctx.createGain();
    gain.gain.value = this._volumes.get(member) ?? 1;
    source.connect(analyser);
    source.connect(gain);
    gain.connect(ctx.destination);
    this._remotes.set(member, {
      stream, el, source, analyser, gain,
      buf: new Float32Array(analyser.fftSize),
      freq: new Float32Array(analyser.frequencyBinCount),
    });
    this.resume();
  }

  removeRemote(member) {
    const r = this._remotes.get(member);
    if (!r) return;
    r.source.disconnect();
    r.gain.disconnect();
    r.el.pause();
    r.el.srcObject = null;
    this._remotes.delete(member);
  }

  removeAllRemotes() {
    for (const member of [...this._remotes.keys()]) this.removeRemote(member);
    this._volumes.clear();
  }

  forget(member) {
    this.removeRemote(member);
    this._volumes.delete(member);
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
    this.stopMic();
    this.removeAllRemotes();
  }

  _attachLocal() {
    this._detachLocal();
    const ctx = this.context();
    const source = ctx.createMediaStreamSource(this.micStream);
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

  _detachLocal() {
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

function rmsDb(analyser, buf) {
  analyser.getFloatTimeDomainData(buf);
  let sum = 0;
  for (let i = 0; i < buf.length; i++) sum += buf[i] * buf[i];
  const rms = Math.sqrt(sum / buf.length);
  return rms > 0 ? Math.max(FLOOR_DB, 20 * Math.log10(rms)) : FLOOR_DB;
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

function micErrorKind(err) {
  switch (err?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return 'no-device';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    case 'OverconstrainedError':
      return 'gone';
    default:
      return 'unknown';
  }
}

export { FLOOR_DB };

// What the emulated viewer hears: the remote stream split into its left and right channels,
// one AnalyserNode each, read as RMS level (dBFS), dominant frequency and the level of given
// tones. Chromium gives WebAudio silence for a remote WebRTC stream unless the same stream also
// plays in a media element (shared/testing-browser.md): it is attached to a muted one.

export const FFT_SIZE = 8192;
// Blackman window (Chromium's AnalyserNode, alpha 0.16): sum of w² / N, for turning the power
// of a tone's bins back into the tone's RMS level.
const BLACKMAN_POWER = 0.3046;
const TONE_HALF_WIDTH = 4; // bins either side of a tone's bin: the window's main lobe

export const SILENCE_DB = -200;

export function dbFromPower(power) {
  return power > 0 ? 10 * Math.log10(power) : SILENCE_DB;
}

export class StereoMeter {
  constructor(context) {
    this.context = context;
    this.element = null;
    this.analysers = null;
    this.time = new Float32Array(FFT_SIZE);
    this.freq = new Float32Array(FFT_SIZE / 2);
    this.short = new Float32Array(960); // the last 20 ms, for first-audio detection
    this.channelCount = 0;
  }

  attach(stream) {
    this.element = new Audio();
    this.element.srcObject = stream;
    this.element.muted = true;
    this.element.play().catch(() => {});
    const source = this.context.createMediaStreamSource(stream);
    const splitter = this.context.createChannelSplitter(2);
    source.connect(splitter);
    this.analysers = [0, 1].map((channel) => {
      const a = this.context.createAnalyser();
      a.fftSize = FFT_SIZE;
      a.smoothingTimeConstant = 0;
      a.minDecibels = -160;
      a.maxDecibels = 0;
      splitter.connect(a, channel);
      return a;
    });
    this.channelCount = source.channelCount;
  }

  get attached() {
    return this.analysers !== null;
  }

  // RMS of the last 20 ms, the louder channel, in dBFS.
  recentDb() {
    if (!this.analysers) return SILENCE_DB;
    let best = SILENCE_DB;
    for (const a of this.analysers) {
      a.getFloatTimeDomainData(this.short);
      let sum = 0;
      for (const v of this.short) sum += v * v;
      best = Math.max(best, dbFromPower(sum / this.short.length));
    }
    return best;
  }

  // One reading per channel: mean square over the analyser window, the spectrum's power per
  // bin (linear), for averaging by the caller.
  read() {
    if (!this.analysers) return null;
    const binHz = this.context.sampleRate / FFT_SIZE;
    return this.analysers.map((a) => {
      a.getFloatTimeDomainData(this.time);
      let sum = 0;
      for (const v of this.time) sum += v * v;
      a.getFloatFrequencyData(this.freq);
      const power = new Float64Array(this.freq.length);
      for (let i = 0; i < power.length; i++) power[i] = this.freq[i] === -Infinity ? 0 : 10 ** (this.freq[i] / 10);
      return { meanSquare: sum / this.time.length, power, binHz };
    });
  }
}

// Sums readings (from StereoMeter.read) and reports per channel: rmsDb, peakHz (parabolic
// interpolation on the dB spectrum, ignoring below 40 Hz) and tones {hz: dB RMS-equivalent}.
export function summarise(readings, tones = []) {
  if (!readings.length) return null;
  const channels = readings[0].length;
  const out = {};
  for (let c = 0; c < channels; c++) {
    const name = c === 0 ? 'L' : 'R';
    const binHz = readings[0][c].binHz;
    const bins = readings[0][c].power.length;
    const power = new Float64Array(bins);
    let meanSquare = 0;
    for (const r of readings) {
      meanSquare += r[c].meanSquare / readings.length;
      for (let i = 0; i < bins; i++) power[i] += r[c].power[i] / readings.length;
    }
    let peak = Math.ceil(40 / binHz);
    for (let i = peak; i < bins; i++) if (power[i] > power[peak]) peak = i;
    let offset = 0;
    if (peak > 0 && peak < bins - 1 && power[peak] > 0) {
      const [a, b, g] = [power[peak - 1], power[peak], power[peak + 1]].map((p) => dbFromPower(p));
      const denom = a - 2 * b + g;
      if (denom !== 0 && Number.isFinite(denom)) offset = (0.5 * (a - g)) / denom;
    }
    const toneDb = {};
    for (const hz of tones) {
      const centre = Math.round(hz / binHz);
      let sum = 0;
      for (let i = Math.max(0, centre - TONE_HALF_WIDTH); i <= Math.min(bins - 1, centre + TONE_HALF_WIDTH); i++) sum += power[i];
      // |X|² over the lobe = (A/2)² · Σw²/N for a sine of amplitude A; RMS² = A²/2.
      toneDb[hz] = dbFromPower((2 * sum) / BLACKMAN_POWER);
    }
    out[name] = {
      rmsDb: dbFromPower(meanSquare),
      peakHz: power[peak] > 0 ? (peak + offset) * binHz : null,
      tones: toneDb,
    };
  }
  return out;
}

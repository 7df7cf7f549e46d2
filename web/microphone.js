// The microphone: which device, its processing (echo cancellation, noise suppression, auto
// gain; `?processing=off` turns them off), mute, and the one track everything sends.
//
// getUserMedia's failures become WebvoxErrors with a `mic_*` code (errors.js). Opening another
// device stops the previous stream only once the new one works, so a failed switch leaves the
// old microphone running. Mute is `track.enabled`, kept across device changes. This module
// only produces the track: the transports put it on their senders (mesh.js, sfu.js, through
// sender-track.js), told by onChange.
//
// No DOM: mediaDevices and whether the page is a secure context come in through the
// constructor, so tests give fakes.

import { WebvoxError } from './errors.js';

// ?processing=off: a raw microphone, for tests and musicians.
export function processingFromParams(params) {
  return params.get('processing') !== 'off';
}

// What getUserMedia is asked for.
export function micConstraints({ processing = true, deviceId = '' } = {}) {
  const audio = {
    echoCancellation: processing,
    noiseSuppression: processing,
    autoGainControl: processing,
    channelCount: 1,
  };
  if (deviceId) audio.deviceId = { exact: deviceId };
  return { audio, video: false };
}

// getUserMedia's DOMException → our code.
export function micErrorCode(err) {
  switch (err?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return 'mic_denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return 'mic_no-device';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'mic_busy';
    case 'OverconstrainedError':
      return 'mic_gone'; // the exact deviceId asked for is not there (unplugged)
    default:
      return 'mic_unknown';
  }
}

export const MIC_CODES = ['mic_denied', 'mic_no-device', 'mic_busy', 'mic_gone', 'mic_insecure', 'mic_unknown', 'mic_ended'];

// enumerateDevices() → {inputs, outputs}, each [{deviceId, label}]; unnamed devices get a
// numbered name.
export function pickDevices(all) {
  const pick = (kind) =>
    all
      .filter((d) => d.kind === kind && d.deviceId !== 'communications')
      .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `${kind === 'audioinput' ? 'Microphone' : 'Speaker'} ${i + 1}` }));
  return { inputs: pick('audioinput'), outputs: pick('audiooutput') };
}

// Whether the browser told us the devices' real names, which it does only once the page may
// use the microphone: before that, a choice of "Microphone 1, 2…" helps nobody.
export function hasDeviceNames(inputs) {
  return inputs.some((d) => d.label && !/^Microphone \d+$/.test(d.label));
}

export class Microphone {
  // preferred: the device chosen last time ('' = the default). onChange(track | null) runs
  // (and is awaited) whenever the track in use changes; onEnded(track) when it stopped by
  // itself (unplugged, revoked).
  constructor({
    mediaDevices = globalThis.navigator?.mediaDevices,
    secure = globalThis.isSecureContext ?? true,
    processing = true,
    preferred = '',
    onChange = () => {},
    onEnded = () => {},
  } = {}) {
    this._media = mediaDevices;
    this._secure = secure;
    this.processing = processing;
    this.preferred = preferred;
    this.stream = null;
    this.deviceId = ''; // the device in use
    this.muted = false;
    this._onChange = onChange;
    this._onEnded = onEnded;
  }

  get track() {
    return this.stream?.getAudioTracks()[0] ?? null;
  }

  get live() {
    return this.track?.readyState === 'live';
  }

  // Opens (or switches to) a device. Resolves with the new track; rejects with a WebvoxError
  // mic_*, leaving the previous stream as it was.
  async open(deviceId = this.preferred) {
    if (!this._media?.getUserMedia) {
      throw new WebvoxError(this._secure ? 'mic_unknown' : 'mic_insecure', 'getUserMedia is not available');
    }
    let stream;
    try {
      stream = await this._media.getUserMedia(micConstraints({ processing: this.processing, deviceId }));
    } catch (err) {
      throw new WebvoxError(micErrorCode(err), err?.message, { cause: err });
    }
    const old = this.stream;
    this.stream = stream;
    const track = this.track;
    track.enabled = !this.muted;
    this.deviceId = track.getSettings?.().deviceId || deviceId || '';
    track.addEventListener?.('ended', () => {
      if (this.track === track) this._onEnded(track); // else replaced on purpose
    });
    if (old) for (const t of old.getTracks()) t.stop();
    await this._onChange(track);
    return track;
  }

  // The live track, opening the preferred device if there is none. A preferred device that
  // is gone (unplugged since) falls back to the default one.
  async ensure() {
    if (this.live) return this.track;
    try {
      return await this.open(this.preferred);
    } catch (err) {
      if (err.code !== 'mic_gone' || !this.preferred) throw err;
      this.preferred = '';
      return this.ensure();
    }
  }

  // The device to use from now on. Switches at once if a microphone is open; otherwise it
  // applies the next time one opens. Resolves with the track in use (null: none open).
  async select(deviceId) {
    this.preferred = deviceId;
    if (!this.stream) return null;
    return this.open(deviceId);
  }

  stop() {
    if (!this.stream) return;
    for (const t of this.stream.getTracks()) t.stop();
    this.stream = null;
    this._onChange(null);
  }

  setMuted(muted) {
    this.muted = !!muted;
    if (this.track) this.track.enabled = !this.muted;
  }

  async devices() {
    if (!this._media?.enumerateDevices) return { inputs: [], outputs: [] };
    return pickDevices(await this._media.enumerateDevices());
  }
}

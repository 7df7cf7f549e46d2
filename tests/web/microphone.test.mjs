// web/microphone.js: constraints, error codes, device lists, and the Microphone against a fake
// navigator.mediaDevices (getUserMedia, enumerateDevices).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Microphone, micConstraints, micErrorCode, pickDevices, hasDeviceNames, processingFromParams,
} from '../../web/microphone.js';
import { WebvoxError } from '../../web/errors.js';

class FakeTrack extends EventTarget {
  constructor(deviceId) {
    super();
    this.kind = 'audio';
    this.deviceId = deviceId;
    this.enabled = true;
    this.readyState = 'live';
  }
  getSettings() {
    return { deviceId: this.deviceId };
  }
  stop() {
    this.readyState = 'ended'; // as in browsers, stop() fires no 'ended'
  }
  unplug() {
    this.readyState = 'ended';
    this.dispatchEvent(new Event('ended'));
  }
}

class FakeStream {
  constructor(track) {
    this.track = track;
  }
  getAudioTracks() {
    return [this.track];
  }
  getTracks() {
    return [this.track];
  }
}

const domError = (name) => Object.assign(new Error(`${name} happened`), { name });

// devices: ids that exist ('default' is what an unconstrained request gets).
function fakeMedia({ devices = ['default', 'usb'], fail = null } = {}) {
  const media = {
    calls: [],
    async getUserMedia(constraints) {
      media.calls.push(constraints);
      if (fail) throw domError(fail);
      const want = constraints.audio.deviceId?.exact;
      if (want && !devices.includes(want)) throw domError('OverconstrainedError');
      return new FakeStream(new FakeTrack(want || 'default'));
    },
    async enumerateDevices() {
      return [
        { kind: 'audioinput', deviceId: 'default', label: 'Default - Built-in' },
        { kind: 'audioinput', deviceId: 'communications', label: 'Communications' },
        { kind: 'audioinput', deviceId: 'usb', label: '' },
        { kind: 'audiooutput', deviceId: 'speakers', label: 'Speakers' },
        { kind: 'videoinput', deviceId: 'cam', label: 'Camera' },
      ];
    },
  };
  return media;
}

describe('microphone helpers', () => {
  it('asks for one channel, with processing on unless ?processing=off', () => {
    assert.equal(processingFromParams(new URLSearchParams('processing=off')), false);
    assert.equal(processingFromParams(new URLSearchParams('')), true);
    assert.equal(processingFromParams(new URLSearchParams('processing=on')), true);
    assert.deepEqual(micConstraints({ processing: false }), {
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 }, video: false,
    });
    const c = micConstraints({ processing: true, deviceId: 'usb' });
    assert.equal(c.audio.echoCancellation, true);
    assert.deepEqual(c.audio.deviceId, { exact: 'usb' });
  });

  it('maps getUserMedia failures to codes', () => {
    const cases = {
      NotAllowedError: 'mic_denied', SecurityError: 'mic_denied', NotFoundError: 'mic_no-device',
      NotReadableError: 'mic_busy', AbortError: 'mic_busy', OverconstrainedError: 'mic_gone', TypeError: 'mic_unknown',
    };
    for (const [name, code] of Object.entries(cases)) assert.equal(micErrorCode(domError(name)), code, name);
    assert.equal(micErrorCode(undefined), 'mic_unknown');
  });

  it('lists inputs and outputs, naming unnamed ones, without the communications alias', () => {
    const all = [
      { kind: 'audioinput', deviceId: 'communications', label: 'x' },
      { kind: 'audioinput', deviceId: 'a', label: '' },
      { kind: 'audioinput', deviceId: 'b', label: 'Headset' },
      { kind: 'audiooutput', deviceId: 'o', label: '' },
    ];
    assert.deepEqual(pickDevices(all), {
      inputs: [{ deviceId: 'a', label: 'Microphone 1' }, { deviceId: 'b', label: 'Headset' }],
      outputs: [{ deviceId: 'o', label: 'Speaker 1' }],
    });
    assert.equal(hasDeviceNames([{ label: 'Microphone 1' }, { label: 'Microphone 2' }]), false);
    assert.equal(hasDeviceNames([{ label: 'Microphone 1' }, { label: 'Headset' }]), true);
  });
});

describe('Microphone', () => {
  it('opens the preferred device with its processing setting and reports the track', async () => {
    const media = fakeMedia();
    const changes = [];
    const mic = new Microphone({ mediaDevices: media, processing: false, preferred: 'usb', onChange: (t) => changes.push(t) });
    const track = await mic.ensure();
    assert.equal(track.deviceId, 'usb');
    assert.equal(mic.deviceId, 'usb');
    assert.equal(media.calls[0].audio.autoGainControl, false);
    assert.deepEqual(changes, [track]);
    // A live track is kept, not opened again.
    assert.equal(await mic.ensure(), track);
    assert.equal(media.calls.length, 1);
  });

  it('falls back to the default device when the preferred one is gone', async () => {
    const media = fakeMedia({ devices: ['default'] });
    const mic = new Microphone({ mediaDevices: media, preferred: 'usb' });
    const track = await mic.ensure();
    assert.equal(track.deviceId, 'default');
    assert.equal(mic.preferred, '');
    assert.deepEqual(media.calls.map((c) => c.audio.deviceId?.exact ?? ''), ['usb', '']);
  });

  it('rejects with a WebvoxError code, and a denied default is not retried', async () => {
    const media = fakeMedia({ fail: 'NotAllowedError' });
    const mic = new Microphone({ mediaDevices: media });
    await assert.rejects(mic.ensure(), (e) => e instanceof WebvoxError && e.code === 'mic_denied' && e.cause?.name === 'NotAllowedError');
    assert.equal(media.calls.length, 1);
    assert.equal(mic.track, null);
  });

  it('without getUserMedia: insecure on http, unknown otherwise', async () => {
    await assert.rejects(new Microphone({ mediaDevices: {}, secure: false }).open(), { code: 'mic_insecure' });
    await assert.rejects(new Microphone({ mediaDevices: undefined, secure: true }).open(), { code: 'mic_unknown' });
  });

  it('a failed switch leaves the old microphone running; a good one stops the old', async () => {
    const media = fakeMedia({ devices: ['default', 'usb'] });
    const mic = new Microphone({ mediaDevices: media });
    const first = await mic.open('');
    await assert.rejects(mic.select('gone'), { code: 'mic_gone' });
    assert.equal(mic.track, first);
    assert.equal(first.readyState, 'live');
    const second = await mic.select('usb');
    assert.equal(mic.track, second);
    assert.equal(first.readyState, 'ended');
    assert.equal(mic.preferred, 'usb');
  });

  it('a choice made with no microphone open waits for the next open', async () => {
    const media = fakeMedia();
    const mic = new Microphone({ mediaDevices: media });
    assert.equal(await mic.select('usb'), null);
    assert.equal(media.calls.length, 0);
    assert.equal((await mic.ensure()).deviceId, 'usb');
  });

  it('mute is track.enabled, and carries over to a new device', async () => {
    const mic = new Microphone({ mediaDevices: fakeMedia() });
    const first = await mic.open('');
    mic.setMuted(true);
    assert.equal(first.enabled, false);
    const second = await mic.open('usb');
    assert.equal(second.enabled, false);
    mic.setMuted(false);
    assert.equal(second.enabled, true);
    assert.equal(mic.muted, false);
  });

  it('stop releases the device and reports no track', async () => {
    const changes = [];
    const mic = new Microphone({ mediaDevices: fakeMedia(), onChange: (t) => changes.push(t) });
    const track = await mic.open('');
    mic.stop();
    assert.equal(track.readyState, 'ended');
    assert.equal(mic.track, null);
    assert.equal(mic.live, false);
    assert.deepEqual(changes, [track, null]);
    mic.stop(); // nothing open: nothing to report
    assert.equal(changes.length, 2);
  });

  it('reports a track that ends by itself, not one replaced on purpose', async () => {
    const ended = [];
    const mic = new Microphone({ mediaDevices: fakeMedia(), onEnded: (t) => ended.push(t) });
    const first = await mic.open('');
    const second = await mic.open('usb');
    first.unplug(); // already replaced
    assert.deepEqual(ended, []);
    second.unplug();
    assert.deepEqual(ended, [second]);
  });

  it('lists devices through mediaDevices, or none without it', async () => {
    const mic = new Microphone({ mediaDevices: fakeMedia() });
    const { inputs, outputs } = await mic.devices();
    assert.deepEqual(inputs.map((d) => d.deviceId), ['default', 'usb']);
    assert.deepEqual(outputs.map((d) => d.deviceId), ['speakers']);
    assert.deepEqual(await new Microphone({ mediaDevices: {} }).devices(), { inputs: [], outputs: [] });
  });
});

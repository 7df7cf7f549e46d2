// The page's audio devices: the microphone (microphone.js) as the page uses it, with its
// failures shown, and the Audio card's choice of microphone and speaker, remembered.
//
// A microphone that cannot be opened never stops a join: the page then listens only, says
// why, and offers to try again.

import { Microphone, processingFromParams, hasDeviceNames, MIC_CODES } from './microphone.js';
import { messages, labels } from './messages.js';

export class Devices {
  // params: the page URL's (processing=off); ui: ui.js; store: store.js's; call(): the Call we
  // are in, or null.
  constructor({ params, audio, ui, store, call }) {
    Object.assign(this, { _audio: audio, _ui: ui, _store: store, _call: call });
    this.mic = new Microphone({
      processing: processingFromParams(params),
      preferred: store.get('mic') ?? '',
      onChange: (track) => this._onChange(track),
      onEnded: () => this._onEnded(),
    });
  }

  // The microphone, or null (listen-only: everything else still works) with the reason shown.
  async ensureMic() {
    try {
      return await this.mic.ensure();
    } catch (err) {
      this._ui.showBanner({
        code: err.code, kind: 'error', ...messages.mic(err),
        actions: [{ label: labels.tryAgain, primary: true, onClick: () => this._retry() }],
      });
      return null;
    }
  }

  // The user's choice: switches live if a microphone is in use, else applies on the next join.
  async selectMic(deviceId) {
    this._store.set('mic', deviceId);
    try {
      await this.mic.select(deviceId);
    } catch (err) {
      this._ui.showBanner({ code: err.code, ...messages.mic(err) });
      throw err;
    }
  }

  selectSpeaker(deviceId) {
    this._store.set('speaker', deviceId);
    this._audio.setOutput(deviceId).catch((err) => console.warn('webvox: speaker', err));
  }

  // The pickers, from what the browser lists now.
  async refresh() {
    const { inputs, outputs } = await this.mic.devices();
    const named = hasDeviceNames(inputs);
    this._ui.showDevices({
      inputs: named ? inputs : [], mic: this.mic.deviceId || this.mic.preferred, allowMic: !named && !this.mic.stream,
      outputs, speaker: this._store.get('speaker'),
      canPickSpeaker: this._audio.canPickOutput && outputs.length > 1 && outputs.some((d) => d.label),
    });
  }

  _retry() {
    this._ui.hideBanner();
    return this.ensureMic();
  }

  // A new track (or none): its level, the senders of the call, and the pickers (the devices'
  // names become known once the page may use the microphone).
  async _onChange(track) {
    this._audio.setLocal(this.mic.stream);
    if (!track) return;
    for (const code of MIC_CODES) this._ui.hideBanner(code);
    await this._call()?.refreshTracks();
    await this.refresh();
  }

  // Unplugged (or revoked) while in use: in a call, the default microphone takes over.
  _onEnded() {
    this._ui.showBanner({ code: 'mic_ended', kind: 'warning', ...messages.micEnded() });
    if (!this._call()) return;
    this.mic.preferred = '';
    this.mic.open('').catch(() => {});
  }
}

// How voice travels in the channel we are in, as the server decides it per channel
// (docs/signalling.md, "Server-forwarded voice"): a peer-to-peer Mesh, or one SfuLink to the
// server, which forwards. `joined.channelInfo.forwarding` says which to start with and a
// `forwarding` message when the channel switches; a switch closes one transport and starts
// the other with the same members, mic and rules for whom we send to, without re-joining.
// Everything that is the listener's own (mute, volumes, positions, gain and pan) lives with
// the app and the audio engine, so it applies to whichever transport carries the voice.
//
// When a channel switches to a mesh nobody is a newcomer, so for each pair of members the one
// with the smaller id offers (it is also the polite side of perfect negotiation, mesh.js);
// the other waits for that offer.

import { Mesh } from './mesh.js';
import { SfuLink } from './sfu.js';

export class VoicePath {
  // send(to, data) relays a mesh `signal`; request(msg) sends a request and resolves with its
  // reply; getTrack() is the mic track or null; sendsTo(member) and sending() say whom our
  // voice should reach now; onMesh(mesh) and onSfu(link) wire a new transport into the app.
  constructor({ selfId, iceServers, send, request, getTrack, sendsTo, sending, onMesh, onSfu }) {
    this.selfId = selfId;
    this._deps = { iceServers: iceServers ?? [], send, request, getTrack, sendsTo, sending };
    this._onMesh = onMesh;
    this._onSfu = onSfu;
    this.mesh = null;
    this.sfu = null;
  }

  // 'mesh', 'sfu', or null once closed.
  get mode() {
    if (this.sfu) return 'sfu';
    return this.mesh ? 'mesh' : null;
  }

  // Builds the transport `forwarding` ('mesh' | 'sfu') asks for, closing the current one; the
  // app then connects the members (add). False when it is the transport in use already. The
  // server's rule: a channel is forwarded only when it says 'sfu'.
  use(forwarding, slots) {
    const mode = forwarding === 'sfu' ? 'sfu' : 'mesh';
    if (mode === this.mode) return false;
    this.close();
    const d = this._deps;
    if (mode === 'sfu') {
      this.sfu = new SfuLink({ slots, iceServers: d.iceServers, request: d.request, getTrack: d.getTrack, sending: d.sending });
      this._onSfu(this.sfu);
    } else {
      this.mesh = new Mesh({
        selfId: this.selfId, iceServers: d.iceServers, send: d.send, getTrack: d.getTrack, sendsTo: d.sendsTo,
      });
      this._onMesh(this.mesh);
    }
    return true;
  }

  // After a switch to a mesh, whether we make the first offer to `member` (see above).
  offersAfterSwitch(member) {
    return this.selfId < member;
  }

  // Server-forwarded voice needs our position at the server before the offer; the app calls
  // this once it has placed us. A mesh needs nothing.
  start() {
    this.sfu?.start();
  }

  // A member to exchange voice with. initiator: we make the first offer (mesh only; through
  // the server everyone is reached on the one connection).
  add(member, { initiator }) {
    this.mesh?.add(member, { initiator });
  }

  remove(member) {
    this.mesh?.remove(member);
  }

  // The connection state that concerns `member`: its peer's, or the server connection's.
  connectionState(member) {
    if (this.sfu) return this.sfu.connectionState;
    return this.mesh?.get(member)?.connectionState ?? 'new';
  }

  handleSignal(from, data) {
    this.mesh?.handleSignal(from, data);
  }

  handleSlots(msg) {
    this.sfu?.handleSlots(msg);
  }

  // The right track on every sender, after a mic change or a change of who hears us.
  async refreshTracks() {
    await this.mesh?.refreshTracks();
    await this.sfu?.refreshTrack();
  }

  restart(reason) {
    this.mesh?.restartAll(reason);
    this.sfu?.restart(reason);
  }

  close() {
    this.mesh?.closeAll();
    this.mesh = null;
    this.sfu?.close();
    this.sfu = null;
  }
}

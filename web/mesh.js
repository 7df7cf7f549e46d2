// One RTCPeerConnection per other member of the channel (a full mesh), audio only.
//
// First contact follows the protocol: the newcomer offers to every member listed in
// `joined`; members already in the channel create their side when told `member-joined` and
// wait for that offer. Everything after that (ICE restarts, any renegotiation) uses the
// "perfect negotiation" pattern, where the member with the smaller id is the polite one and
// yields on an offer collision.
//
// Each side always has exactly one sendrecv audio transceiver. Changing microphones, or
// getting one after starting listen-only, is a replaceTrack on its sender: no renegotiation.
// The same goes for whom we talk to: a member that does not hear us (out of range, or we lack
// the floor) gets a null track, so no RTP flows to it, and the mic again when it does.

import { SenderTrack } from './sender-track.js';
import { IceRestartPolicy } from './ice-restart.js';

export class Mesh extends EventTarget {
  // send(to, data) relays a `signal`; getTrack() returns the current mic track or null;
  // sendsTo(member) says whether that member should get our voice now.
  constructor({ selfId, iceServers, send, getTrack, sendsTo = () => true }) {
    super();
    this.selfId = selfId;
    this.iceServers = iceServers ?? [];
    this._send = send;
    this._getTrack = getTrack;
    this._sendsTo = sendsTo;
    this.peers = new Map();
  }

  // The track a member's sender should carry right now.
  trackFor(member) {
    return this._sendsTo(member) ? this._getTrack() : null;
  }

  // initiator: we are the newcomer and make the first offer.
  add(member, { initiator }) {
    let peer = this.peers.get(member);
    if (peer) return peer;
    peer = new Peer(this, member, initiator);
    this.peers.set(member, peer);
    this.dispatchEvent(new CustomEvent('peer', { detail: peer }));
    return peer;
  }

  get(member) {
    return this.peers.get(member);
  }

  remove(member) {
    const peer = this.peers.get(member);
    if (!peer) return;
    this.peers.delete(member);
    peer.close();
  }

  closeAll() {
    for (const member of [...this.peers.keys()]) this.remove(member);
  }

  // A signal from someone we have no connection with yet can only be the newcomer's first
  // offer racing its `member-joined` (or a leftover from an old session, which is ignored).
  handleSignal(from, data) {
    let peer = this.peers.get(from);
    if (!peer) {
      if (data?.description?.type !== 'offer') return;
      peer = this.add(from, { initiator: false });
    }
    peer.handle(data);
  }

  // Puts the right track on every sender: after a mic change, and whenever who hears us
  // changes. Senders that already carry it are left alone.
  async refreshTracks() {
    await Promise.all([...this.peers.values()].map((p) => p.syncTrack()));
  }

  // After a network change every path may be stale; ask each connection for fresh candidates.
  restartAll(reason) {
    for (const peer of this.peers.values()) peer.restartIce(reason);
  }
}

class Peer extends EventTarget {
  constructor(mesh, member, initiator) {
    super();
    this.mesh = mesh;
    this.member = member;
    this.initiator = initiator;
    // Plain code-unit comparison: both sides compute the same answer from the same two ids.
    this.polite = mesh.selfId < member;
    this.stream = null;
    this.closed = false;
    this._makingOffer = false;
    this._ignoreOffer = false;
    this._answerPending = false;
    this._chain = Promise.resolve();
    // An ICE restart on this connection: fires negotiationneeded, and perfect negotiation
    // sorts out who offers.
    this._restarts = new IceRestartPolicy({
      restart: (reason, attempt) => {
        this.dispatchEvent(new CustomEvent('restart', { detail: { reason, attempt } }));
        this.pc.restartIce();
      },
      state: () => this.connectionState,
    });
    this._senderTrack = new SenderTrack(() => mesh.trackFor(member));

    const pc = new RTCPeerConnection({
      iceServers: mesh.iceServers,
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
    });
    this.pc = pc;
    pc.onnegotiationneeded = () => this._negotiate();
    pc.onicecandidate = ({ candidate }) => {
      this._signal({ candidate: candidate ? candidate.toJSON() : null });
    };
    pc.ontrack = ({ track }) => {
      if (this.stream?.getTracks()[0] === track) return;
      // A stream of our own, not the sender's msid stream: the answerer attaches its mic with
      // replaceTrack, which carries no stream association.
      this.stream = new MediaStream([track]);
      this.dispatchEvent(new CustomEvent('track', { detail: this.stream }));
    };
    pc.onconnectionstatechange = () => this._onConnectionState();

    if (initiator) {
      // Firing negotiationneeded is what sends the first offer.
      pc.addTransceiver(mesh.trackFor(member) ?? 'audio', { direction: 'sendrecv' });
    }
  }

  get connectionState() {
    return this.closed ? 'closed' : this.pc.connectionState;
  }

  handle(data) {
    // Strictly in arrival order: a candidate must not overtake the description it belongs to.
    this._chain = this._chain.then(() => this._handle(data)).catch((err) => this._fail(err));
    return this._chain;
  }

  // Our audio sender carries what the mesh wants this member to get now.
  syncTrack() {
    return this._senderTrack.sync(() => (this.closed ? [] : this._audioSenders()));
  }

  _audioSenders() {
    return this.pc.getTransceivers().filter((t) => isAudio(t) && !t.stopped).map((t) => t.sender);
  }

  // Restarts since the connection last was `connected`.
  get restarts() {
    return this._restarts.attempts;
  }

  restartIce(reason) {
    if (this.closed || !this.pc.remoteDescription) return; // nothing negotiated yet to restart
    this._restarts.restartNow(reason);
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this._restarts.close();
    this.pc.onnegotiationneeded = this.pc.onicecandidate = this.pc.ontrack = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
    this.dispatchEvent(new CustomEvent('state', { detail: 'closed' }));
  }

  async _negotiate() {
    if (this.closed) return;
    try {
      this._makingOffer = true;
      await this.pc.setLocalDescription();
      this._signal({ description: this.pc.localDescription.toJSON() });
    } catch (err) {
      this._fail(err);
    } finally {
      this._makingOffer = false;
    }
  }

  async _handle({ description, candidate } = {}) {
    if (this.closed) return;
    const pc = this.pc;
    if (description) {
      const readyForOffer =
        !this._makingOffer && (pc.signalingState === 'stable' || this._answerPending);
      const collision = description.type === 'offer' && !readyForOffer;
      this._ignoreOffer = !this.polite && collision;
      if (this._ignoreOffer) return;
      if (description.type === 'answer' && pc.signalingState !== 'have-local-offer') {
        return; // a late answer to an offer we already rolled back
      }
      this._answerPending = description.type === 'answer';
      try {
        await pc.setRemoteDescription(description); // rolls back our own offer if polite
      } finally {
        this._answerPending = false;
      }
      if (description.type === 'offer') {
        await this._sendOurAudio();
        await pc.setLocalDescription();
        this._signal({ description: pc.localDescription.toJSON() });
      }
    } else if (candidate !== undefined) {
      if (candidate === null) return; // end-of-candidates: nothing to do for us
      try {
        await pc.addIceCandidate(candidate);
      } catch (err) {
        // Candidates for an offer we chose to ignore are expected to fail.
        if (!this._ignoreOffer) throw err;
      }
    }
  }

  // On the answering side the offer created a recvonly transceiver; turn it into sendrecv with
  // our mic before answering, so one round trip sets up audio both ways.
  async _sendOurAudio() {
    const t = this.pc.getTransceivers().find((x) => isAudio(x) && !x.stopped);
    if (!t) return;
    if (t.direction === 'recvonly' || t.direction === 'inactive') t.direction = 'sendrecv';
    await this.syncTrack();
  }

  _onConnectionState() {
    const state = this.pc.connectionState;
    this.dispatchEvent(new CustomEvent('state', { detail: state }));
    this._restarts.onState(state);
  }

  _signal(data) {
    if (!this.closed) this.mesh._send(this.member, data);
  }

  _fail(err) {
    if (this.closed) return;
    console.warn(`webvox: negotiation with ${this.member} failed:`, err);
    this.dispatchEvent(new CustomEvent('error', { detail: err }));
  }
}

function isAudio(transceiver) {
  return transceiver.receiver.track?.kind === 'audio';
}

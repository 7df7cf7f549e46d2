// Server-forwarded voice (docs/signalling.md, "Server-forwarded voice (SFU)"): one
// RTCPeerConnection to webvoxd instead of one per member.
//
// The offer has our microphone as the first transceiver (sendonly) and then `slots` recvonly
// transceivers. webvoxd forwards on each receive slot whichever speaker it picked for us (the
// loudest we hear) and tells us who is on which slot with `slots` tables, so a slot's track
// is not one person's: the app plays it as the member currently on it (see AudioEngine's
// slots). A slot with nobody on it carries nothing.
//
// webvoxd is ICE-lite with host candidates in its answer, and learns our address from our
// connectivity checks, so our own candidates are never sent (the protocol has no message for
// them). The protocol treats every `sfu-offer` as a new connection, so a restart after a
// failed or lost path is a fresh RTCPeerConnection and offer (ICE and DTLS start over), never
// an in-place renegotiation. Changing microphones, muting, or stopping sending because nobody
// hears us are all replaceTrack / track.enabled on the send transceiver: no new offer.
//
// Events (CustomEvent, payload in `detail`):
//   slots   (none)            which stream is on which mid, or who is on a mid, changed
//   state   connectionState   of the current connection
//   error   Error             an offer was refused or failed (err.code from the server)

import { SenderTrack } from './sender-track.js';
import { IceRestartPolicy } from './ice-restart.js';
import { WebvoxError } from './errors.js';

export class SfuLink extends EventTarget {
  // request(msg) sends a message and resolves with the server's direct reply (rejects with
  // err.code); getTrack() is the current mic track or null; sending() whether our voice should
  // go to the server now (the floor, someone hears us); iceServers the `welcome`'s STUN/TURN
  // servers: a browser that cannot reach the media port (a firewall allowing only the TURN
  // server) reaches webvoxd through its TURN relay.
  constructor({ slots, request, getTrack, sending = () => true, iceServers = [] }) {
    super();
    this.slotCount = Math.max(0, Math.floor(Number(slots) || 0));
    this.iceServers = iceServers;
    this._request = request;
    this._getTrack = getTrack;
    this._sending = sending;
    this.pc = null;
    this.closed = false;
    this._sendTransceiver = null;
    this._streams = new Map(); // mid → MediaStream of that receive slot (current connection)
    this._table = new Map(); // mid → member id on it now (null: silent), from `slots`
    // The protocol has no in-place ICE restart: every restart is a fresh connection and offer.
    this._restarts = new IceRestartPolicy({
      restart: (reason, attempt) => {
        console.info(`webvox: reconnecting server audio (${reason}, attempt ${attempt})`);
        this._connect();
      },
      state: () => this.connectionState,
    });
    // Inbound bytes credited to members: a slot's counter rises for whoever is on it, so each
    // delta is booked to the member on the slot at the time (sampled at every table change).
    this._byMember = new Map(); // member → bytes received while on some slot
    this._lastMidBytes = new Map(); // mid → the slot's byte counter at the last sample
    this._sampling = Promise.resolve();
    this._senderTrack = new SenderTrack(() => this._wantedTrack());
  }

  // Reconnects since the connection last was `connected`.
  get restarts() {
    return this._restarts.attempts;
  }

  get connectionState() {
    if (this.closed) return 'closed';
    return this.pc?.connectionState ?? 'new';
  }

  start() {
    this._connect();
  }

  // The receive slots that have a stream: [{mid, stream, member}].
  slots() {
    return [...this._streams].map(([mid, stream]) => ({ mid, stream, member: this._table.get(mid) ?? null }));
  }

  // {mid: member|null}: the server's latest table.
  table() {
    return Object.fromEntries(this._table);
  }

  // A `slots` message: the complete table of who is heard on which receive transceiver.
  handleSlots(msg) {
    if (this.closed || !Array.isArray(msg?.slots)) return;
    // Book what arrived so far to whoever was on each slot until now.
    this._sample(new Map(this._table));
    const next = new Map();
    for (const s of msg.slots) {
      if (s && typeof s.mid === 'string') next.set(s.mid, typeof s.member === 'string' ? s.member : null);
    }
    this._table = next;
    this._emit('slots');
  }

  // The mic (or nothing) on the send transceiver, as getTrack/sending say now.
  refreshTrack() {
    return this._senderTrack.sync(() => {
      const t = this._sendTransceiver;
      return this.closed || !t || t.stopped ? [] : [t.sender];
    });
  }

  // After a network change the path may be stale: connect again (only once connected before
  // or failing; a connection still being set up is left to finish).
  restart(reason) {
    if (this.closed || !this.pc?.remoteDescription) return;
    this._restarts.restartNow(reason);
  }

  // {sfu: {bytesSent, bytesReceived, sending}, members: {member: {bytesReceived, slot}}}.
  async counters() {
    await this._sample(new Map(this._table));
    const out = { bytesSent: 0, bytesReceived: 0, sending: !!this._sendTransceiver?.sender.track };
    const pc = this.pc;
    if (pc && pc.signalingState !== 'closed') {
      (await pc.getStats()).forEach((s) => {
        if (s.kind !== 'audio') return;
        if (s.type === 'outbound-rtp') out.bytesSent += s.bytesSent ?? 0;
        else if (s.type === 'inbound-rtp') out.bytesReceived += s.bytesReceived ?? 0;
      });
    }
    const slotOf = new Map();
    for (const [mid, member] of this._table) if (member) slotOf.set(member, mid);
    const members = {};
    for (const [member, bytes] of this._byMember) members[member] = { bytesReceived: bytes, slot: slotOf.get(member) ?? null };
    for (const [member, mid] of slotOf) members[member] ??= { bytesReceived: 0, slot: mid };
    return { sfu: out, members };
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this._restarts.close();
    this._closePc();
    this._streams.clear();
    this._table.clear();
    this._emit('state', 'closed');
  }

  async _connect() {
    this._closePc();
    this._streams.clear();
    this._lastMidBytes.clear(); // the new connection's counters start at 0
    this._emit('slots');
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    this.pc = pc;
    // Order matters: the server takes the first m-line as our voice, the rest as slots.
    this._sendTransceiver = pc.addTransceiver(this._wantedTrack() ?? 'audio', { direction: 'sendonly' });
    for (let i = 0; i < this.slotCount; i++) pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.ontrack = ({ transceiver, track }) => {
      if (this.pc !== pc || !transceiver.mid || transceiver === this._sendTransceiver) return;
      // A stream of our own: the slot's track carries no stable msid of any speaker.
      this._streams.set(transceiver.mid, new MediaStream([track]));
      this._emit('slots');
    };
    pc.onconnectionstatechange = () => this._onConnectionState(pc);
    this._emit('state', pc.connectionState);
    try {
      await pc.setLocalDescription(await pc.createOffer());
      const answer = await this._request({ type: 'sfu-offer', sdp: pc.localDescription.sdp });
      if (this.pc !== pc) return; // replaced or closed meanwhile: this answer is stale
      if (answer?.type !== 'sfu-answer' || typeof answer.sdp !== 'string') {
        throw new WebvoxError('bad_reply', `unexpected reply to sfu-offer: ${answer?.type}`);
      }
      try {
        await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
      } catch (err) {
        // Worth seeing in full: the server wrote an answer the browser cannot take.
        console.error(`webvox: the server's sfu-answer was rejected: ${err.message}\n${answer.sdp}`);
        throw new WebvoxError('bad_answer', err.message, { cause: err });
      }
    } catch (err) {
      if (this.pc !== pc || this.closed) return;
      if (err.code === 'disconnected' || err.code === 'closed') return; // the app re-joins
      console.warn('webvox: server audio negotiation failed:', err.code ?? '', err.message);
      this._emit('error', err);
      // A refused offer stays refused; a timeout or a server in trouble may pass.
      if (err.retryable) this._restarts.retry({ after: 'error' });
    }
  }

  _closePc() {
    const pc = this.pc;
    if (!pc) return;
    this.pc = null;
    this._sendTransceiver = null;
    pc.ontrack = pc.onconnectionstatechange = null;
    pc.close();
  }

  _wantedTrack() {
    return this._sending() ? this._getTrack() : null;
  }

  _onConnectionState(pc) {
    if (this.pc !== pc) return;
    const state = pc.connectionState;
    this._emit('state', state);
    this._restarts.onState(state);
  }

  // Books each slot's new bytes to the member `table` puts on it. Chained, so overlapping
  // samples never count the same bytes twice.
  _sample(table) {
    this._sampling = this._sampling.then(async () => {
      const pc = this.pc;
      if (!pc || pc.signalingState === 'closed') return;
      const byMid = await midBytes(pc);
      if (this.pc !== pc) return;
      for (const [mid, bytes] of byMid) {
        const delta = bytes - (this._lastMidBytes.get(mid) ?? 0);
        this._lastMidBytes.set(mid, bytes);
        const member = table.get(mid);
        if (member && delta > 0) this._byMember.set(member, (this._byMember.get(member) ?? 0) + delta);
      }
    }).catch(() => {});
    return this._sampling;
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

// mid → bytesReceived of each receive transceiver. Stats name their transceiver by `mid`;
// failing that, by the receiver's track id.
async function midBytes(pc) {
  const report = await pc.getStats();
  const midOfTrack = new Map();
  for (const t of pc.getTransceivers()) if (t.mid && t.receiver.track) midOfTrack.set(t.receiver.track.id, t.mid);
  const out = new Map();
  report.forEach((s) => {
    if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
    const mid = s.mid ?? midOfTrack.get(s.trackIdentifier);
    if (mid) out.set(mid, (out.get(mid) ?? 0) + (s.bytesReceived ?? 0));
  });
  return out;
}
